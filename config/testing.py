"""Settings for the test suite: same engines, cheaper hashes."""
TESTING = True
SECRET_KEY = "test-secret"
# Still argon2id; lower cost only so the suite runs quickly.
ARGON2_TIME_COST = 1
ARGON2_MEMORY_COST = 1024
