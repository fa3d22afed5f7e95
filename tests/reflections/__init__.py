"""Tests of the reflections domain."""
