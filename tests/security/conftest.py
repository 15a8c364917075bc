"""Shared by the ASVS 5.0 level-2 tests. The cast comes from tests/cast.py."""

# The root conftest already accepts the captcha code PASSED and hashes with MD5
# for speed; the test of stored hashes puts production's hashers back itself.
