"""Tagging: tag names normalised as typed, merging twins.

Which tags are public and the tag pages are the reflections domain's (reflections/tags.py).
"""
