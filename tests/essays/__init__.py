"""Tests of the essays domain."""
