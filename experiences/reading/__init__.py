"""Reading: the pages one reads (home, essay, principle, a reflection, a colleague's page),
收藏 (bookmarks) and 已学 (which principles a colleague has read to the end). The top layer."""
