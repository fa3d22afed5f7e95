"""Tagging: tag names normalised as typed, which tags are public, tag pages, merging twins."""
