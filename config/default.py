"""Defaults; every key can be overridden by a GUICHET_* environment variable."""
import os

_instance = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance")

# Unset: a random key is generated into instance/secret_key (one host only; see README, Deploying).
SECRET_KEY = os.environ.get("GUICHET_SECRET_KEY")
SECRET_KEY_FILE = os.environ.get("GUICHET_SECRET_KEY_FILE", os.path.join(_instance, "secret_key"))
SQLALCHEMY_DATABASE_URI = os.environ.get(
    "GUICHET_DATABASE_URL", "sqlite:///" + os.path.join(_instance, "guichet.sqlite3")
)
# The address people reach Guichet at, for links in e-mail (never taken from a request's Host header);
# a brand with a host mapping gets its own host with this scheme and port.
BASE_URL = os.environ.get("GUICHET_BASE_URL", "http://127.0.0.1:5000")
# Attached files (DESIGN §15), content-addressed; a shared volume when several hosts serve the app.
ATTACHMENTS_DIR = os.environ.get("GUICHET_ATTACHMENTS_DIR", os.path.join(_instance, "attachments"))
# The largest request body accepted at all (a brand's own limits are checked per file): past it, a
# translated 413 page; under it, a file over the brand's limit is a 413 with the form kept.
MAX_CONTENT_LENGTH = int(os.environ.get("GUICHET_MAX_REQUEST_MB", "256")) * 1024 * 1024
SEARCH_INDEX_DIR = os.environ.get("GUICHET_SEARCH_INDEX_DIR", os.path.join(_instance, "search-index"))
# Outgoing mail (DESIGN §14): `flask mail deliver [--loop]` sends the outbox over SMTP, e.g.
# smtp://user:pass@host:587?starttls=1 or smtps://user:pass@host:465 (user and password URL-encoded).
SMTP_URL = os.environ.get("GUICHET_SMTP_URL") or None
# The sender of brands that set none of their own ("Name <address>").
MAIL_FROM = os.environ.get("GUICHET_MAIL_FROM") or None
MAIL_MAX_ATTEMPTS = int(os.environ.get("GUICHET_MAIL_MAX_ATTEMPTS", "8"))  # then the message has failed
MAIL_RETRY_SECONDS = int(os.environ.get("GUICHET_MAIL_RETRY_SECONDS", "60"))  # doubled at each retry...
MAIL_RETRY_MAX_SECONDS = int(os.environ.get("GUICHET_MAIL_RETRY_MAX_SECONDS", str(6 * 3600)))  # ...up to this
MAIL_BATCH_SIZE = int(os.environ.get("GUICHET_MAIL_BATCH_SIZE", "50"))  # messages claimed at once
# A claimed batch is a worker's for this long; a worker that dies leaves it to others after it.
MAIL_LEASE_SECONDS = int(os.environ.get("GUICHET_MAIL_LEASE_SECONDS", "300"))
MAIL_SMTP_TIMEOUT_SECONDS = float(os.environ.get("GUICHET_MAIL_SMTP_TIMEOUT_SECONDS", "30"))
# SMTP connections each worker sends a batch on at once (each waits on the server's replies).
MAIL_SMTP_CONNECTIONS = int(os.environ.get("GUICHET_MAIL_SMTP_CONNECTIONS", "4"))
MAIL_LOOP_SLEEP_SECONDS = float(os.environ.get("GUICHET_MAIL_LOOP_SLEEP_SECONDS", "5"))  # idle, between passes
# Development mail: with no SMTP configured, each committed message is written here as an .eml
# file (mode 0600) for the developer running the server; never shown on a page. With SMTP
# configured there is no default, and nothing is written even if one is set (bodies stay off disk).
MAIL_DROP_DIR = os.environ.get("GUICHET_MAIL_DROP_DIR", None if SMTP_URL else os.path.join(_instance, "mail"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = os.environ.get("GUICHET_SECURE_COOKIES", "") == "1"
WTF_CSRF_TIME_LIMIT = None
BOOTSTRAP_SERVE_LOCAL = True
BABEL_DEFAULT_LOCALE = "en"
LANGUAGES = ["en", "fr"]
# argon2id, argon2-cffi's defaults (t=3, m=64 MiB, p=4) pass ASVS 5.0.
ARGON2_TIME_COST = 3
ARGON2_MEMORY_COST = 65536
# Failed sign-ins (and API passwords and tokens) allowed in the window before refusing: per
# (account, address), per address whatever the accounts, and per account from everywhere. The last
# is far higher so that a stranger cannot lock the owner out (DESIGN §13).
SIGNIN_MAX_FAILURES = 5
SIGNIN_MAX_FAILURES_PER_IP = 50
SIGNIN_MAX_FAILURES_PER_ACCOUNT = 100
SIGNIN_FAILURE_WINDOW_SECONDS = 900
# Password-reset requests allowed per client address in the window (per e-mail: 3 live links).
PASSWORD_RESET_MAX_PER_IP = 10
PASSWORD_RESET_WINDOW_SECONDS = 3600
PAGE_SIZE = 25
# Server-side session limits (DESIGN §13): signed out after this long without a request, and
# after this long in all, however active.
SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("GUICHET_SESSION_IDLE_TIMEOUT_SECONDS", str(12 * 3600)))
SESSION_ABSOLUTE_LIFETIME_SECONDS = int(os.environ.get("GUICHET_SESSION_ABSOLUTE_LIFETIME_SECONDS",
                                                       str(30 * 24 * 3600)))
# API requests allowed per caller (token, or user with a password) per minute, counted in the database.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("GUICHET_API_RATE_LIMIT_PER_MINUTE", "400"))
