"""Reflections (心得): writing, editing, 点赞, the posting limit, moderation (approve, reject,
feature, the log), feeds and exports."""
