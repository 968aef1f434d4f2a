"""Tests of the generated replicate_api bindings."""
