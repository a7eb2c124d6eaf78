"""The development mail drop (issue 12 item 1): committed messages become 0600 .eml files for the
developer; rolled-back ones never do; no page shows a body."""
import email
import os

from portal.extensions import db
from portal.mail.outbox import queue_mail


def _dropped(app):
    folder = app.config["MAIL_DROP_DIR"]
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_a_committed_message_is_a_private_file(app, make_brand):
    brand = make_brand("acme")
    with app.test_request_context("/"):
        queue_mail(brand, "ada@example.com", "Hello\r\nBcc: evil@example.com", "Body with a secret", "test")
        db.session.commit()
    [name] = _dropped(app)
    path = os.path.join(app.config["MAIL_DROP_DIR"], name)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    with open(path, "rb") as handle:
        message = email.message_from_bytes(handle.read())
    assert message["To"] == "ada@example.com" and message["Bcc"] is None
    assert message["Subject"] == "Hello Bcc: evil@example.com"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "Body with a secret" in message.get_payload()


def test_a_rolled_back_message_is_never_written(app, make_brand):
    brand = make_brand("acme")
    with app.test_request_context("/"):
        queue_mail(brand, "ada@example.com", "Hello", "Body", "test")
        db.session.rollback()
        db.session.commit()
    assert _dropped(app) == []
