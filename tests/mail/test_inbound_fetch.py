"""`flask mail fetch` against a real IMAP server (dovecot, started here): the corpus read from a
brand's mailbox over IMAPS and STARTTLS, moved to Processed or Rejected, never taken twice."""
import os
import secrets

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.mail.models import InboundMail
from portal.models import Ticket

from tests.conftest import missing_component

from .imap_server import PASSWORD, Dovecot, dovecot_binary
from .inbound_helpers import SUPPORT, build_world, comments_of, corpus, make_ticket, reply_address


@pytest.fixture(scope="module")
def dovecot():
    if dovecot_binary() is None:
        missing_component("dovecot is missing: install Debian's dovecot-imapd")
    with Dovecot([SUPPORT, "hr@globex.example"]) as server:
        yield server


@pytest.fixture
def world(app, make_brand, make_user, make_group, dovecot, monkeypatch):
    monkeypatch.setenv("GUICHET_IMAP_PASSWORD_ACME", PASSWORD)
    app.config["IMAP_CA_FILE"] = dovecot.ca_file
    w = build_world(make_brand, make_user, make_group)
    w.brand.settings = {**w.brand.settings, "mail_imap_url": dovecot.url(SUPPORT)}
    db.session.commit()
    _empty(dovecot, SUPPORT)
    return w


def _empty(server, user):
    client = server.client(user)
    try:
        for folder in ("INBOX", "Processed", "Rejected"):
            status, data = client.select(folder)
            if status == "OK" and int(data[0]):
                client.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                client.expunge()
    finally:
        client.logout()


def fetch(app, *args):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "fetch", *args])
    db.session.expire_all()
    return result


def test_the_corpus_is_fetched_sorted_into_folders_and_never_taken_twice(app, world, dovecot):
    ticket = make_ticket(world, status="pending")
    replies = [corpus(name, to=reply_address(ticket), number=ticket.id)
               for name in ("gmail_reply_en.eml", "outlook_reply_en.eml", "apple_mail_reply_en.eml",
                            "thunderbird_reply_en.eml")]
    new = [corpus("html_only.eml"), corpus("iso_8859_1.eml", sender="andre@laposte.example"),
           corpus("new_request_base64.eml")]
    refused = [corpus("auto_reply.eml", to=reply_address(ticket)), corpus("bounce.eml"), corpus("no_sender.eml")]
    twice = corpus("html_only.eml")  # the same message again: one request
    dovecot.deliver(SUPPORT, *replies, *new, *refused, twice)
    result = fetch(app)
    assert result.exit_code == 0, result.output
    assert "acme: 8 processed, 3 rejected, 0 left for later" in result.output
    assert [c.body.split("\n")[0] for c in comments_of(ticket)[1:]] == [
        "Thanks, the printer works again after the restart — you can close it.",
        "It still jams on the second tray. Could someone come by this afternoon?",
        "The toner light is blinking now too.",
        "I tried the other printer on the floor; it prints fine, so it is this one."]
    assert db.session.scalar(select(func.count(Ticket.id))) == 4
    assert dovecot.folder_counts(SUPPORT) == {"INBOX": 0, "Processed": 8, "Rejected": 3}
    # The new sender is in the user search index (brought in step once per batch), and the outbox drained.
    from portal.models import User
    from portal.search.models import SearchOutbox
    from portal.search.services import search_users

    andre = db.session.scalar(select(User).where(User.email == "andre@laposte.example"))
    assert andre.id in [hit.user_id for hit in search_users(world.brand, "andre@laposte.example")]
    assert db.session.scalar(select(func.count(SearchOutbox.id))) == 0
    keys = db.session.scalars(select(InboundMail.imap_key).order_by(InboundMail.id)).all()
    assert len(keys) == 10 and all(key and ":" in key for key in keys)  # the 11th was the duplicate
    # A second pass finds nothing new; the processed messages stay where they are.
    again = fetch(app)
    assert "acme: 0 processed, 0 rejected, 0 left for later" in again.output
    assert db.session.scalar(select(func.count(InboundMail.id))) == 10


def test_a_message_received_but_not_moved_is_only_moved_at_the_next_pass(app, world, dovecot, monkeypatch):
    from portal.mail import imap

    dovecot.deliver(SUPPORT, corpus("html_only.eml"))
    monkeypatch.setattr(imap, "_move", lambda *args: (_ for _ in ()).throw(OSError("connection reset")))
    assert fetch(app).exit_code == 1  # the mailbox could not be finished: said, and tried again later
    assert db.session.scalar(select(func.count(Ticket.id))) == 1
    monkeypatch.undo()
    monkeypatch.setenv("GUICHET_IMAP_PASSWORD_ACME", PASSWORD)
    result = fetch(app)
    assert "acme: 1 processed" in result.output
    assert db.session.scalar(select(func.count(Ticket.id))) == 1
    assert dovecot.folder_counts(SUPPORT)["Processed"] == 1


def test_a_temporary_failure_leaves_the_message_in_the_inbox(app, world, dovecot, monkeypatch):
    from portal.mail import imap
    from portal.mail.receive import EX_TEMPFAIL, TEMPORARY, Outcome

    dovecot.deliver(SUPPORT, corpus("html_only.eml"))
    monkeypatch.setattr(imap, "receive", lambda *args, **kwargs: Outcome(TEMPORARY, "database", EX_TEMPFAIL))
    assert "0 processed, 0 rejected, 1 left for later" in fetch(app).output
    assert dovecot.folder_counts(SUPPORT)["INBOX"] == 1


def test_starttls_a_30_mb_message_and_a_second_brand_from_the_environment(app, world, dovecot, make_brand, monkeypatch):
    make_brand("globex", "Globex HR", mail_support_addresses=["hr@globex.example"])
    monkeypatch.setenv("GUICHET_IMAP_URL_GLOBEX", dovecot.url("hr@globex.example", starttls=True))
    monkeypatch.setenv("GUICHET_IMAP_PASSWORD_GLOBEX", PASSWORD)
    _empty(dovecot, "hr@globex.example")
    head = corpus("html_only.eml", to="hr@globex.example").split(b"\n\n", 1)[0].replace(b"text/html", b"text/plain")
    huge = head + b"\n\n" + (b"B" * 76 + b"\r\n") * (30 * 1024 * 1024 // 78)
    dovecot.deliver("hr@globex.example", huge, corpus("iso_8859_1.eml", to="hr@globex.example"))
    result = fetch(app)
    assert "globex: 1 processed, 1 rejected, 0 left for later" in result.output, result.output
    row = db.session.scalar(select(InboundMail).where(InboundMail.reason == "too_large"))
    assert row.size >= 30 * 1024 * 1024 - 100 and len(row.raw) < 2000
    assert dovecot.folder_counts("hr@globex.example") == {"INBOX": 0, "Processed": 1, "Rejected": 1}


def test_a_wrong_password_is_reported_and_nothing_is_taken(app, world, dovecot, monkeypatch):
    monkeypatch.setenv("GUICHET_IMAP_PASSWORD_ACME", "wrong")
    dovecot.deliver(SUPPORT, corpus("html_only.eml"))
    result = fetch(app)
    assert result.exit_code == 1 and "acme:" in result.output
    assert dovecot.folder_counts(SUPPORT)["INBOX"] == 1


def _command_env(app, tmp_path, dovecot):
    env = {key: value for key, value in os.environ.items() if not key.startswith("GUICHET_")}
    env.update(GUICHET_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], GUICHET_SECRET_KEY=secrets.token_hex(32),
               GUICHET_SEARCH_INDEX_DIR=str(tmp_path / "command-index"), GUICHET_MAIL_DROP_DIR=str(tmp_path / "drop"),
               GUICHET_IMAP_PASSWORD_ACME=PASSWORD, GUICHET_IMAP_CA_FILE=dovecot.ca_file)
    return env


def test_the_commands_as_the_mail_server_and_systemd_run_them(app, world, dovecot, tmp_path):
    """`receive` with the message on a real pipe, and `fetch --loop` stopped by SIGTERM."""
    import signal
    import subprocess
    import sys
    import time

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = _command_env(app, tmp_path, dovecot)
    db.session.commit()
    piped = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "mail", "receive"], cwd=root, env=env,
                           input=corpus("iso_8859_1.eml", sender="andre@laposte.example"), capture_output=True,
                           timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert b"accepted: new_request" in piped.stderr
    bounced = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "mail", "receive"], cwd=root, env=env,
                             input=corpus("no_sender.eml"), capture_output=True, timeout=120)
    assert bounced.returncode == 65
    dovecot.deliver(SUPPORT, corpus("html_only.eml"))
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "mail", "fetch", "--loop",
                               "--interval", "0.2"], cwd=root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while dovecot.folder_counts(SUPPORT)["Processed"] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert "acme: 1 processed" in out and "Mail fetch stopped." in out
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Ticket.id))) == 2


def test_a_locked_database_between_messages_leaves_them_in_the_mailbox(app, world, dovecot, monkeypatch):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from portal.mail import imap

    def locked(*_args):
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))

    dovecot.deliver(SUPPORT, corpus("html_only.eml"))
    monkeypatch.setattr(imap, "_batch", locked)
    result = fetch(app)
    assert result.exit_code == 1 and "acme: database unavailable (OperationalError)" in result.output
    assert dovecot.folder_counts(SUPPORT)["INBOX"] == 1
