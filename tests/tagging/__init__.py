"""Tests of the tagging domain."""
