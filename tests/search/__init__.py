"""Tests of the search domain."""
