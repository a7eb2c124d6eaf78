"""Brand admins see the delivery of their brand's messages, never a body (DESIGN §14)."""
from sqlalchemy import update

from portal.extensions import db
from portal.mail.models import MailOutbox
from portal.mail.outbox import queue_mail
from tests.conftest import signin


def test_the_admin_sees_delivery_state_but_never_a_body(app, client, login, make_brand, make_user):
    acme, globex = make_brand("acme"), make_brand("globex")
    admin = make_user(roles={acme: "admin"})
    with app.test_request_context("/"):
        queue_mail(acme, "ada@example.com", "Reset your password", "SECRET-LINK https://x/reset/abc", "password_reset",
                   html="<p>HTML-SECRET</p>")
        failed = queue_mail(acme, "bob@example.com", "Invitation to Acme", "INVITE-SECRET", "invitation")
        queue_mail(globex, "carol@example.com", "Globex news", "GLOBEX-BODY", "test")
        db.session.commit()
        db.session.execute(update(MailOutbox).where(MailOutbox.id == failed.id)
                           .values(state="failed", attempts=1, last_error="550 5.1.1 No such user"))
        db.session.commit()
    login(acme, admin)
    page = client.get("/acme/admin/mail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for shown in ("ada@example.com", "Reset your password", "Password reset", "Queued", "bob@example.com",
                  "Failed", "550 5.1.1 No such user"):
        assert shown in html
    for hidden in ("SECRET-LINK", "HTML-SECRET", "INVITE-SECRET", "carol@example.com", "Globex news", "GLOBEX-BODY"):
        assert hidden not in html
    assert 'href="/acme/admin/mail"' in client.get("/acme/admin/").get_data(as_text=True)
    french = client.get("/acme/admin/mail", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Destinataire" in french or "Recipient" in french


def test_only_the_brand_admins_get_in(app, client, make_brand, make_user):
    acme, globex = make_brand("acme"), make_brand("globex")
    agent = make_user(roles={acme: "agent"})
    end_user = make_user(roles={acme: "end_user"})
    other_admin = make_user(roles={globex: "admin"})
    anonymous = client.get("/acme/admin/mail")
    assert anonymous.status_code == 302 and "/signin" in anonymous.headers["Location"]
    for user, brand in ((agent, acme), (end_user, acme), (other_admin, globex)):
        other = app.test_client()
        assert signin(other, brand, user).status_code == 302
        assert other.get("/acme/admin/mail").status_code == 404


def test_pages_are_bounded(app, client, login, make_brand, make_user):
    acme = make_brand("acme")
    admin = make_user(roles={acme: "admin"})
    with app.test_request_context("/"):
        for number in range(101):
            queue_mail(acme, f"user{number}@example.com", f"Subject {number}", "body", "test")
        db.session.commit()
    login(acme, admin)
    first = client.get("/acme/admin/mail").get_data(as_text=True)
    assert "user100@example.com" in first and "user0@example.com" not in first
    assert "page=2" in first
    second = client.get("/acme/admin/mail?page=2").get_data(as_text=True)
    assert "user0@example.com" in second and "user100@example.com" not in second
    for wrong in ("0", "-1", "abc", "99999999999999999999999", "1e9"):
        assert client.get(f"/acme/admin/mail?page={wrong}").status_code == 200


def test_the_sender_is_set_on_the_settings_page(app, client, login, make_brand, make_user):
    acme = make_brand("acme")
    login(acme, make_user(roles={acme: "admin"}))
    page = client.get("/acme/admin/settings").get_data(as_text=True)
    assert 'name="mail_from_name"' in page and 'name="mail_from_address"' in page
    assert "E-mail sender address" in page
    refused = client.post("/acme/admin/settings", data={"mail_from_address": "not an address"})
    assert refused.status_code == 422
    saved = client.post("/acme/admin/settings",
                        data={"mail_from_name": "  Acme   Help ", "mail_from_address": "help@acme.test"})
    assert saved.status_code == 302
    db.session.refresh(acme)
    assert (acme.settings["mail_from_name"], acme.settings["mail_from_address"]) == ("Acme Help", "help@acme.test")
