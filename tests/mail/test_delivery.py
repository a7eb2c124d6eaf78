"""Delivery over real SMTP (aiosmtpd on loopback): what arrives, retries, failures, drops."""
import os
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.mail.delivery import parse_smtp_url
from portal.mail.models import MailOutbox
from portal.mail.outbox import DEFAULT_FROM, queue_mail
from portal.models_base import utcnow

from .conftest import run_delivery
from .smtp_server import free_port


def _queue(brand, to="ada@example.com", subject="Your request #12", body="Hello Ada,\nthe body.", kind="test",
           **headers):
    with db.session.no_autoflush:
        mail = queue_mail(brand, to, subject, body, kind, **headers)
    db.session.commit()
    return mail


def _row(mail_id) -> MailOutbox:
    return db.session.get(MailOutbox, mail_id)


def test_a_message_arrives_with_its_headers_and_both_bodies(mail_app, smtp, make_brand):
    brand = make_brand("acme", name="Acme Support", mail_from_address="support@acme.test",
                       mail_from_name="Acme Help Desk")
    mail = _queue(brand, html="<p>Hello <b>Ada</b></p>", language="fr", in_reply_to="<first@guichet.test>",
                  references="<first@guichet.test> <second@guichet.test>", reply_to="reply+abc123@acme.test")
    counts = run_delivery()
    assert (counts.claimed, counts.sent) == (1, 1)
    [received] = smtp.recorder.received
    assert received.mail_from == "support@acme.test" and received.rcpt_tos == ["ada@example.com"]
    message = received.message
    assert message["From"] == "Acme Help Desk <support@acme.test>"
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Your request #12"
    assert message["Message-ID"] == _row(mail.id).message_id and message["Message-ID"].startswith("<")
    assert message["In-Reply-To"] == "<first@guichet.test>"
    assert message["References"] == "<first@guichet.test> <second@guichet.test>"
    assert message["Reply-To"] == "reply+abc123@acme.test"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "fr"
    assert message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n").strip() == "Hello Ada,\nthe body."
    assert "<b>Ada</b>" in message.get_body(("html",)).get_content()
    row = _row(mail.id)
    assert (row.state, row.attempts, row.last_error, row.lease_owner) == ("sent", 1, None, None)
    assert row.sent_at is not None


def test_french_text_and_long_headers_arrive_intact(mail_app, smtp, make_brand):
    brand = make_brand("acme", mail_from_name="Équipe d’assistance Acmé", mail_from_address="aide@acme.test")
    subject = "Votre demande n°12 « Problème de facturation » a reçu une réponse — " + "très " * 20
    body = "Bonjour Zoé,\n\nVoici la réponse : ça marche à présent.\n" + "é" * 300 + "\n.\nFin\n"
    references = " ".join(f"<message-{n}@guichet.test>" for n in range(40))
    _queue(brand, subject=subject, body=body, html="<p>Réponse : <b>ça marche</b></p>", references=references)
    run_delivery()
    [received] = smtp.recorder.received
    assert max(len(line) for line in received.content.split(b"\r\n")) <= 998
    message = received.message
    assert message["Subject"] == " ".join(subject.split())
    assert message["From"].addresses[0].display_name == "Équipe d’assistance Acmé"
    assert message["From"].addresses[0].addr_spec == "aide@acme.test"
    assert message["References"].split() == references.split()
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == body
    assert "<b>ça marche</b>" in message.get_body(("html",)).get_content()


def test_a_header_injection_adds_no_header_and_no_recipient(mail_app, smtp, make_brand):
    brand = make_brand("acme", mail_from_name="Acme\r\nBcc: name@evil.test")
    _queue(brand, subject="Hello\r\nBcc: x@evil.test", in_reply_to="<a@b>\nBcc: z@evil.test")
    # A Reply-To that is not one address fails its message: it is never sent elsewhere.
    bad = _queue(brand, to="bob@example.com", reply_to="reply@acme.test\r\nBcc: y@evil.test")
    counts = run_delivery()
    assert (counts.sent, counts.failed) == (1, 1) and _row(bad.id).state == "failed"
    [received] = smtp.recorder.received
    assert received.rcpt_tos == ["ada@example.com"]
    message = received.message
    assert message["Bcc"] is None and message.get_all("To") == ["ada@example.com"]
    assert message["Subject"] == "Hello Bcc: x@evil.test"
    raw = received.content.decode()
    assert "\nBcc:" not in raw and "\r\nBcc:" not in raw


def test_a_recipient_with_a_line_break_fails_and_never_reaches_the_server(mail_app, smtp, make_brand):
    brand = make_brand("acme")
    bad = _queue(brand, to="ada@example.com\r\nRCPT TO:<x@evil.test>")
    good = _queue(brand, to="bob@example.com")
    counts = run_delivery()
    assert (counts.sent, counts.failed) == (1, 1)
    assert [r.rcpt_tos for r in smtp.recorder.received] == [["bob@example.com"]]
    assert _row(bad.id).state == "failed" and "could not be written" in _row(bad.id).last_error
    assert _row(good.id).state == "sent"


def test_the_default_sender_when_the_brand_sets_none(mail_app, smtp, make_brand):
    _queue(make_brand("acme"))
    mail_app.config["MAIL_FROM"] = None
    _queue(None, to="bob@example.com")
    run_delivery()
    senders = {r.rcpt_tos[0]: r.message["From"] for r in smtp.recorder.received}
    assert senders == {"ada@example.com": DEFAULT_FROM, "bob@example.com": DEFAULT_FROM}


def test_the_configured_default_sender(mail_app, smtp, make_brand):
    _queue(make_brand("acme"))
    run_delivery()
    [received] = smtp.recorder.received
    assert received.message["From"] == "Guichet Test <help@guichet.test>"
    assert received.mail_from == "help@guichet.test"


def test_a_4xx_is_retried_later_with_backoff_then_delivered(mail_app, smtp, make_brand):
    brand = make_brand("acme")
    mail = _queue(brand)
    smtp.recorder.answers["ada@example.com"] = "451 4.3.0 Mailbox busy, try later"
    before = utcnow()
    counts = run_delivery()
    assert (counts.sent, counts.retried) == (0, 1)
    row = _row(mail.id)
    assert (row.state, row.attempts) == ("queued", 1)
    assert row.last_error == "451 4.3.0 Mailbox busy, try later"
    assert before + timedelta(seconds=55) < row.next_attempt_at < utcnow() + timedelta(seconds=65)
    assert run_delivery().claimed == 0  # not due yet

    # The minute passes; the second failure waits twice as long.
    db.session.execute(update(MailOutbox).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    run_delivery()
    row = _row(mail.id)
    assert (row.state, row.attempts) == ("queued", 2)
    assert row.next_attempt_at > utcnow() + timedelta(seconds=115)

    del smtp.recorder.answers["ada@example.com"]
    db.session.execute(update(MailOutbox).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    assert run_delivery().sent == 1
    row = _row(mail.id)
    assert (row.state, row.attempts, row.last_error) == ("sent", 3, None)
    assert len(smtp.recorder.received) == 1


def test_a_4xx_after_the_last_try_fails_the_message(mail_app, smtp, make_brand):
    mail = _queue(make_brand("acme"))
    smtp.recorder.data_answer = "452 4.3.1 Insufficient system storage"
    for _ in range(3):
        db.session.execute(update(MailOutbox).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        run_delivery()
    row = _row(mail.id)
    assert (row.state, row.attempts) == ("failed", 3)
    assert row.last_error.startswith("452 4.3.1 Insufficient system storage")
    db.session.execute(update(MailOutbox).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    assert run_delivery().claimed == 0


@pytest.mark.parametrize("where", ["rcpt", "data"])
def test_a_5xx_fails_at_once_and_never_blocks_the_others(mail_app, smtp, make_brand, where):
    brand = make_brand("acme")
    bad = _queue(brand, to="nobody@example.com")
    good = _queue(brand, to="bob@example.com")
    if where == "rcpt":
        smtp.recorder.answers["nobody@example.com"] = "550 5.1.1 No such user"
    else:
        smtp.recorder.data_answer = "554 5.7.1 Message refused"
    counts = run_delivery()
    row = _row(bad.id)
    assert (row.state, row.attempts) == ("failed", 1)
    if where == "rcpt":
        assert row.last_error == "550 5.1.1 No such user"
        assert _row(good.id).state == "sent" and counts.sent == 1
    else:
        assert row.last_error == "554 5.7.1 Message refused"


def test_a_refused_connection_is_temporary(mail_app, make_brand):
    mail_app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    brand = make_brand("acme")
    first, second = _queue(brand), _queue(brand, to="bob@example.com")
    counts = run_delivery()
    assert (counts.claimed, counts.retried, counts.sent) == (2, 2, 0)
    for mail in (first, second):
        row = _row(mail.id)
        assert (row.state, row.attempts) == ("queued", 1)
        assert "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at > utcnow() + timedelta(seconds=50)


def test_a_deactivated_recipient_is_dropped_with_a_reason(mail_app, smtp, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(email="gone@example.com", roles={brand: "end_user"}, active=False)
    mail = _queue(brand, to=user.email)
    counts = run_delivery()
    assert counts.dropped == 1 and smtp.recorder.received == []
    row = _row(mail.id)
    assert row.state == "dropped" and "deactivated" in row.last_error


def test_a_worker_that_died_leaves_its_claim_to_the_next_after_the_lease(mail_app, smtp, make_brand):
    mail = _queue(make_brand("acme"))
    db.session.execute(update(MailOutbox).values(state="sending", attempts=1, lease_owner="dead-worker",
                                                 lease_until=utcnow() + timedelta(seconds=30)))
    assert run_delivery().claimed == 0  # still leased
    db.session.execute(update(MailOutbox).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert run_delivery().sent == 1
    row = _row(mail.id)
    assert (row.state, row.attempts) == ("sent", 2)


def test_with_smtp_configured_nothing_is_written_to_disk(mail_app, smtp, make_brand):
    _queue(make_brand("acme"))
    assert not os.path.exists(mail_app.config["MAIL_DROP_DIR"])


def test_the_drop_directory_defaults_only_without_smtp(tmp_path):
    import subprocess
    import sys

    code = "import config.default as c; print(c.MAIL_DROP_DIR)"
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUICHET_MAIL") and k != "GUICHET_SMTP_URL"}
    without = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    with_smtp = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                               env=dict(env, GUICHET_SMTP_URL="smtp://127.0.0.1:25"))
    assert without.stdout.strip().endswith(os.path.join("instance", "mail"))
    assert with_smtp.stdout.strip() == "None"


def test_smtp_urls():
    target = parse_smtp_url("smtp://us%40er:p%3Ass%2Fw@mail.example.com:587?starttls=1")
    assert (target.host, target.port, target.starttls, target.implicit_tls) == ("mail.example.com", 587, True, False)
    assert (target.username, target.password) == ("us@er", "p:ss/w")
    assert "p:ss" not in repr(target)
    target = parse_smtp_url("smtps://user:secret@mail.example.com")
    assert (target.port, target.implicit_tls, target.starttls) == (465, True, False)
    assert parse_smtp_url("smtp://localhost").port == 25
    for wrong in ("http://mail.example.com", "smtp://", "smtp://host:99999", ""):
        with pytest.raises(ValueError) as error:
            parse_smtp_url(wrong)
        assert "secret" not in str(error.value)


def test_the_commands_list_and_show(mail_app, smtp, make_brand):
    mail = _queue(make_brand("acme"), subject="Reset your password", body="Secret link https://x/reset/abc")
    mail_id, message_id = mail.id, mail.message_id
    db.session.commit()  # the command's writes must not wait for the test's transaction
    runner = mail_app.test_cli_runner()
    listed = runner.invoke(args=["mail", "list"])
    assert listed.exit_code == 0, listed.output
    assert f"{mail_id}\tqueued\t0\ttest\tada@example.com\tReset your password" in listed.output
    assert "Secret link" not in listed.output
    shown = runner.invoke(args=["mail", "show", str(mail_id)])
    assert shown.exit_code == 0, shown.output
    assert "Subject: Reset your password" in shown.output and "Secret link https://x/reset/abc" in shown.output
    assert f"Message-ID: {message_id}" in shown.output
    assert runner.invoke(args=["mail", "show", "99999"]).exit_code == 1
    delivered = runner.invoke(args=["mail", "deliver"])
    assert delivered.exit_code == 0 and "sent 1" in delivered.output
    assert runner.invoke(args=["mail", "list", "--state", "sent"]).output.startswith(f"{mail_id}\tsent")


def test_deliver_without_smtp_says_so(app):
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert result.exit_code == 1 and "GUICHET_SMTP_URL is not set" in result.output


def test_sender_settings_are_validated(make_brand):
    from portal.brands.settings import SettingError, coerce

    assert coerce("mail_from_address", " Support@Acme.test ").lower() == "support@acme.test"
    assert coerce("mail_from_address", "") == ""
    assert coerce("mail_from_name", "Acme\r\nBcc: x@y") == "Acme Bcc: x@y"
    for wrong in ("not an address", "a@b@c", "x" * 101 + "@acme.test"):
        with pytest.raises(SettingError):
            coerce("mail_from_address", wrong)


def test_rows_of_other_states_are_left_alone(mail_app, smtp, make_brand):
    brand = make_brand("acme")
    ids = [_queue(brand, to=f"u{i}@example.com").id for i in range(3)]
    for mail_id, state in zip(ids, ("sent", "failed", "dropped")):
        db.session.execute(update(MailOutbox).where(MailOutbox.id == mail_id).values(state=state))
    assert run_delivery().claimed == 0
    assert [m.state for m in db.session.scalars(select(MailOutbox).order_by(MailOutbox.id))] == \
        ["sent", "failed", "dropped"]
