"""Replies (回复) under a reflection: one level, quoting allowed, moderated like reflections."""
