"""No well-known secret key (DESIGN §13): generated into instance/ when unset, weak ones refused."""
import os
import secrets
import stat

import pytest

from portal import create_app


def _app(tmp_path, **config):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'key.sqlite3'}",
                       "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
                       "SECRET_KEY_FILE": str(tmp_path / "instance" / "secret_key"), **config})


def test_without_a_configured_key_one_is_generated_private_and_reused(tmp_path):
    first = _app(tmp_path, SECRET_KEY=None)
    path = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first.secret_key) >= 32 and first.secret_key != "dev-only-change-me"
    assert path.read_text().strip() == first.secret_key
    second = _app(tmp_path, SECRET_KEY="")
    assert second.secret_key == first.secret_key
    assert not [name for name in os.listdir(path.parent) if name.endswith(".tmp")]

    # A cookie signed by one start is still good after a restart (and on another worker).
    client = first.test_client()
    with client.session_transaction() as session:
        session["locale"] = "fr"
    cookie = client.get_cookie("session").value
    other = second.test_client()
    other.set_cookie("session", cookie)
    with other.session_transaction() as session:
        assert session.get("locale") == "fr"


def test_each_host_without_a_key_gets_its_own(tmp_path):
    one = _app(tmp_path / "one", SECRET_KEY=None)
    two = _app(tmp_path / "two", SECRET_KEY=None)
    assert one.secret_key != two.secret_key


@pytest.mark.parametrize("key", ["dev-only-change-me", "changeme", "secret", "test-secret",
                                 "short-random-9f8e7d", "x" * 64, "abababababababababababababababababab"])
def test_a_weak_key_refuses_to_start(tmp_path, key):
    with pytest.raises(RuntimeError, match="unsafe"):
        _app(tmp_path, SECRET_KEY=key)
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_a_strong_key_starts_and_a_weak_one_is_tolerated_only_in_tests(tmp_path):
    key = secrets.token_hex(32)
    assert _app(tmp_path, SECRET_KEY=key).secret_key == key
    assert _app(tmp_path, SECRET_KEY="test-secret", TESTING=True).secret_key == "test-secret"


def test_a_damaged_key_file_is_refused(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    path.parent.mkdir()
    path.write_text("\n")
    with pytest.raises(RuntimeError, match="usable key"):
        _app(tmp_path, SECRET_KEY=None)
