"""The key that signs session cookies (DESIGN §13): never a well-known one.

Configured through GUICHET_SECRET_KEY (several hosts must share one). Without it, one host
generates a random key into `instance/secret_key` on first start and reuses it afterwards.
"""
import os
import secrets

# Values seen in tutorials, our own old default and the test settings: refused outside tests.
KNOWN_WEAK = {"dev-only-change-me", "dev", "development", "changeme", "change-me", "change_me",
              "secret", "secret-key", "secret_key", "secretkey", "test-secret", "testing", "password",
              "default", "guichet", "your-secret-key", "super-secret"}
MIN_LENGTH = 32


def install_secret_key(app) -> None:
    """Set app.secret_key from the configuration or the instance file; refuse a weak one."""
    key = app.config.get("SECRET_KEY")
    if not key:
        app.config["SECRET_KEY"] = _generated_key(
            app.config.get("SECRET_KEY_FILE") or os.path.join(app.instance_path, "secret_key"))
        return
    if app.config.get("TESTING"):
        return
    problem = weakness(key)
    if problem:
        raise RuntimeError(f"GUICHET_SECRET_KEY is unsafe ({problem}): set it to a long random value, "
                           "e.g. python3 -c 'import secrets; print(secrets.token_hex(32))', the same on "
                           "every host, or leave it unset on a single host to generate one in instance/.")


def weakness(key) -> str | None:
    text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
    if text.strip().lower() in KNOWN_WEAK:
        return "a well-known value"
    if len(text) < MIN_LENGTH:
        return f"shorter than {MIN_LENGTH} characters"
    if len(set(text)) < 8:
        return "too few different characters"
    return None


def _generated_key(path: str) -> str:
    """The key in `path`, created on first use (mode 0600) so that every worker reads the same one.

    Written to a private temporary file, then linked into place: the link either creates the
    file complete or fails because another worker got there first, whose key is then read.
    """
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    return _read(path)


def _read(path: str) -> str:
    with open(path) as key_file:
        key = key_file.read().strip()
    if weakness(key):
        raise RuntimeError(f"{path} does not hold a usable key: delete it to have a new one generated.")
    return key
