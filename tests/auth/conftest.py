"""Account tests: the shared fixtures of tests/conftest.py are enough."""
