"""Reading: 收藏 (bookmarks) and 已学 (which principles a colleague has read to the end)."""
