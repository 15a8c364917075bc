"""Tests of the whole portal. The cast of the story (applicant, colleague,
validators...) lives in tests/cast.py, which the root conftest.py loads as a
plugin so that every app's tests can use it (a conftest module cannot be both a
directory's conftest and a plugin)."""
