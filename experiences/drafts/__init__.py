"""Drafts (草稿): what a colleague is writing, kept on the server.

WeChat drops a page when it switches apps; a server-side draft loses nothing.
"""
