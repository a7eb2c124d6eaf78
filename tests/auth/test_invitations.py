"""Consent before a brand sees a person (DESIGN §2, issue 12 item 2): every path by which staff name
a person by e-mail invites them; until they accept, the brand knows only the e-mail typed."""
import base64
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.auth.models import Invitation, User
from portal.brands.models import Membership
from portal.extensions import db
from portal.mail.models import MailOutbox
from portal.tickets.models import Ticket
from tests.conftest import PASSWORD, invitation_link, signin

NEW_PASSWORD = "a-brand-new-password"


@pytest.fixture
def world(make_world):
    """The shared world: acme with assisted service, agents managing requests and no
    self-registration; its agent may assist and register users; Marie (the outsider, an end user
    of globex only) reads French."""
    w = make_world("acme", other_brand="globex", assisted_service=True, agents_manage_requests=True,
                   self_registration=False,
                   capabilities={"agent": {"can_assist": True, "can_register_users": True}})
    w.outsider.locale = "fr"
    db.session.commit()
    return w


def _basic(user, password=PASSWORD):
    return {"Authorization": "Basic " + base64.b64encode(f"{user.email}:{password}".encode()).decode()}


def _member(user, brand):
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.brand_id == brand.id))


def _new_ticket(client, email, subject="Printer on fire"):
    return client.post("/acme/agent/tickets/new", data={
        "requester_email": email, "subject": subject, "body": "Smoke everywhere", "channel": "phone",
        "priority": "normal", "type": "question", "public": "1"})


def test_a_ticket_for_another_brands_person_shows_only_the_typed_email(client, world, login, app):
    login(world.brand, world.agent)
    response = _new_ticket(client, "Marie@Example.com")
    assert response.status_code == 302
    ticket = db.session.scalar(select(Ticket))
    assert ticket.requester_id == world.outsider.id and _member(world.outsider, world.brand) is None
    for path in (f"/acme/agent/tickets/{ticket.id}", "/acme/agent/?view=all_unsolved", "/acme/agent/"):
        page = client.get(path).get_data(as_text=True)
        assert "Marie Curie" not in page and "11 22 33 44" not in page and "rue Pierre" not in page, path
    assert "marie@example.com" in client.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    # No search hit, no Customer 360, no assisting, no reset mail on her behalf, no API profile.
    assert "Marie" not in client.get("/acme/agent/users?q=marie").get_data(as_text=True)
    assert client.get(f"/acme/agent/users/{world.outsider.id}").status_code == 404
    assert client.get(f"/acme/agent/assist/start?user_id={world.outsider.id}").status_code == 404
    mails = db.session.scalar(select(db.func.count(MailOutbox.id)))
    app.test_client().post("/acme/hc/en/password/forgot", data={"email": "marie@example.com"})
    assert db.session.scalar(select(db.func.count(MailOutbox.id))) == mails
    api = app.test_client().get(f"/acme/api/v2/users/{world.outsider.id}.json", headers=_basic(world.agent))
    assert "Marie Curie" not in api.get_data(as_text=True) and "11 22 33 44" not in api.get_data(as_text=True)


def test_the_answer_is_the_same_for_a_new_email_and_an_existing_account(client, world, login):
    login(world.brand, world.agent)
    shown = []
    for email in ("marie@example.com", "nobody@example.com"):
        response = _new_ticket(client, email)
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        # The requester card and the "requested by" line show the typed e-mail, the same number of times.
        start = page.index('id="requester-title"')
        card = page[start:page.index("</section>", start)]
        shown.append((page.count(email), card.replace(email, "E")))
    assert shown[0] == shown[1]
    assert shown[0][0] >= 2
    assert db.session.scalar(select(User).where(User.email == "nobody@example.com")).password_hash is None
    assert {m.to_email for m in db.session.scalars(select(MailOutbox))} == {"marie@example.com", "nobody@example.com"}


def test_the_invitation_mail_is_in_the_persons_language_and_accepting_makes_the_membership(client, world, login, app):
    login(world.brand, world.admin)
    assert client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "end_user"}).status_code == 302
    mail = db.session.scalar(select(MailOutbox))
    assert mail.subject.startswith("Vous êtes invité") and "/acme/hc/fr/invitation/" in mail.body
    link = invitation_link("marie@example.com")
    marie = app.test_client()
    page = marie.get(link)
    assert page.status_code == 200 and "marie@example.com" in page.get_data(as_text=True)
    assert _member(world.outsider, world.brand) is None  # a GET never writes
    assert marie.post(link, data={"decision": "accept"}).status_code == 302
    assert _member(world.outsider, world.brand).role == "end_user"
    assert db.session.scalar(select(Invitation)) is None
    assert marie.get(link).status_code == 404  # spent
    assert signin(marie, world.brand, world.outsider).status_code == 302  # her own password, unchanged
    # Now acme may know her.
    assert "Marie Curie" in client.get("/acme/admin/members").get_data(as_text=True)


def test_a_new_account_chooses_its_first_password_when_accepting(client, world, login, app):
    login(world.brand, world.agent)
    client.post("/acme/agent/assist/register", data={"name": "Ada Lovelace", "email": "ada@example.com",
                                                     "phone": "06 11 22 33 44"})
    link = invitation_link("ada@example.com")
    ada_client = app.test_client()
    assert 'type="password"' in ada_client.get(link).get_data(as_text=True)
    short = ada_client.post(link, data={"decision": "accept", "password": "short"})
    assert short.status_code == 422 and "at least" in short.get_data(as_text=True)
    ada = db.session.scalar(select(User).where(User.email == "ada@example.com"))
    assert _member(ada, world.brand) is None and ada.password_hash is None
    assert ada_client.post(link, data={"decision": "accept", "password": NEW_PASSWORD}).status_code == 302
    assert signin(ada_client, world.brand, ada, NEW_PASSWORD).status_code == 302
    db.session.refresh(ada)
    assert (ada.name, ada.phone) == ("Ada Lovelace", "06 11 22 33 44")  # what the agent typed, now hers
    # Once she accepted, the agent may assist her.
    response = client.post("/acme/agent/assist/start", data={"user_id": ada.id, "channel": "phone",
                                                             "service": "General request"})
    assert response.status_code == 302


def test_signing_in_to_a_members_only_help_centre_offers_the_invitation(client, world, login, app):
    login(world.brand, world.agent)
    _new_ticket(client, "marie@example.com")
    marie = app.test_client()
    response = signin(marie, world.brand, world.outsider)
    assert response.status_code == 302 and response.headers["Location"].endswith("/acme/hc/en/invitation")
    assert "marie@example.com" in marie.get("/acme/hc/en/invitation").get_data(as_text=True)
    assert marie.post("/acme/hc/en/invitation", data={"decision": "accept"}).status_code == 302
    assert _member(world.outsider, world.brand).role == "end_user"
    ticket = db.session.scalar(select(Ticket))
    assert "Printer on fire" in marie.get("/acme/hc/en/requests").get_data(as_text=True)
    assert "Marie Curie" in client.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)


def test_declining_keeps_the_brand_out(client, world, login, app):
    login(world.brand, world.agent)
    _new_ticket(client, "marie@example.com")
    marie = app.test_client()
    signin(marie, world.brand, world.outsider)
    assert marie.post("/acme/hc/en/invitation", data={"decision": "decline"}).status_code == 302
    assert _member(world.outsider, world.brand) is None and db.session.scalar(select(Invitation)) is None
    assert marie.get("/acme/hc/en/invitation").status_code == 404
    # Signing in again to the members-only help centre is refused as for anyone.
    assert signin(app.test_client(), world.brand, world.outsider).status_code == 401


def test_invitation_links_are_bound_to_their_brand_and_expire(client, world, login, app):
    login(world.brand, world.admin)
    client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "end_user"})
    link = invitation_link("marie@example.com")
    assert app.test_client().get(link.replace("/acme/", "/globex/")).status_code == 404
    assert app.test_client().get(link[:-3] + "xyz").status_code == 404
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(link).status_code == 404
    assert app.test_client().post(link, data={"decision": "accept"}).status_code == 404
    assert _member(world.outsider, world.brand) is None


def test_no_page_shows_the_invitation_secret(client, world, login):
    login(world.brand, world.admin)
    client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "end_user"})
    secret = invitation_link("marie@example.com").rsplit("/", 1)[1]
    for path in ("/acme/admin/members", "/acme/admin/audit", "/acme/agent/"):
        assert secret not in client.get(path).get_data(as_text=True), path


def test_the_api_names_no_one_by_id_outside_the_brand(client, world):
    payload = {"ticket": {"subject": "S", "comment": {"body": "B"}, "requester_id": world.outsider.id}}
    outsider = client.post("/acme/api/v2/tickets.json", json=payload, headers=_basic(world.agent))
    payload["ticket"]["requester_id"] = 999999
    missing = client.post("/acme/api/v2/tickets.json", json=payload, headers=_basic(world.agent))
    assert outsider.status_code == missing.status_code == 422
    assert outsider.get_json() == missing.get_json()
    assert _member(world.outsider, world.brand) is None and db.session.scalar(select(Invitation)) is None
    # By e-mail (Zendesk's requester object), the person is invited and the ticket opened.
    payload["ticket"].pop("requester_id")
    payload["ticket"]["requester"] = {"email": "marie@example.com", "name": "Whatever"}
    created = client.post("/acme/api/v2/tickets.json", json=payload, headers=_basic(world.agent))
    assert created.status_code == 201
    # Her global id would tell whether the e-mail had an account: not shown until she accepts.
    assert created.get_json()["ticket"]["requester_id"] is None
    assert db.session.get(User, world.outsider.id).name == "Marie Curie"  # nothing typed overwrote her
    assert _member(world.outsider, world.brand) is None


def test_reset_and_invitation_links_never_follow_the_host_header(client, world, login, app):
    """A reset asked with `Host: evil.example` must not mail a link to evil.example (issue 12 re-audit)."""
    app.config["BASE_URL"] = "https://help.example.org"
    client.post("/acme/hc/en/password/forgot", data={"email": "admin@example.com"},
                headers={"Host": "evil.example"})
    reset = db.session.scalar(select(MailOutbox).where(MailOutbox.kind == "password_reset"))
    assert "evil.example" not in reset.body and "https://help.example.org/acme/hc/en/password/reset/" in reset.body
    world.brand.host_mapping = "help.acme.example"
    db.session.commit()
    evil = {"Host": "evil.example"}
    client.post("/acme/hc/en/signin", data={"email": world.admin.email, "password": PASSWORD}, headers=evil)
    assert client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "end_user"},
                       headers=evil).status_code == 302
    invitation = db.session.scalar(select(MailOutbox).where(MailOutbox.kind == "invitation"))
    assert "evil.example" not in invitation.body and "https://help.acme.example/acme/hc/" in invitation.body


def test_a_live_invitation_is_kept_as_the_admin_made_it(client, world, login, app):
    login(world.brand, world.admin)
    client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "agent"})
    login(world.brand, world.agent)
    for _ in range(3):
        assert _new_ticket(client, "marie@example.com").status_code == 302
    assert db.session.scalar(select(db.func.count(MailOutbox.id))) == 1
    assert db.session.scalar(select(Invitation)).role == "agent"


def test_an_invited_new_address_can_still_be_claimed_at_another_help_centre(client, world, login, app):
    """acme's invitation made a password-less account: its owner is not locked out of globex, and
    globex never reads what acme's agent typed."""
    login(world.brand, world.agent)
    client.post("/acme/agent/assist/register", data={"name": "Typed By Acme", "email": "fresh@example.com",
                                                     "phone": "06 00 00 00 01"})
    owner = app.test_client()
    owner.post("/globex/hc/en/password/forgot", data={"email": "fresh@example.com"})
    reset = db.session.scalar(select(MailOutbox).where(MailOutbox.kind == "password_reset"))
    assert reset is not None and reset.to_email == "fresh@example.com"
    path = reset.body[reset.body.index("/globex/hc/en/password/reset/"):].split()[0]
    assert owner.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    fresh = db.session.scalar(select(User).where(User.email == "fresh@example.com"))
    assert signin(owner, world.other_brand, fresh, NEW_PASSWORD).status_code == 302
    db.session.refresh(fresh)
    assert fresh.role_in(world.other_brand) == "end_user"
    assert fresh.name != "Typed By Acme" and fresh.phone is None


def test_an_admin_invitation_sets_the_role_of_a_live_one_and_accepting_never_changes_a_member(
        client, world, login, app):
    login(world.brand, world.agent)
    _new_ticket(client, "marie@example.com")  # invited as an end user, by a ticket
    login(world.brand, world.admin)
    client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "agent", "can_assist": "y"})
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.role, invitation.can_assist) == ("agent", True)
    assert db.session.scalar(select(db.func.count(MailOutbox.id))) == 1  # no second mail
    # She becomes a member another way (the CLI); the leftover link must not change her role.
    link = invitation_link("marie@example.com")
    from portal.auth.services import add_membership

    add_membership(world.outsider, world.brand, "end_user", reason="cli")
    db.session.commit()
    assert app.test_client().post(link, data={"decision": "accept"}).status_code == 302
    assert _member(world.outsider, world.brand).role == "end_user"
    assert db.session.scalar(select(Invitation)) is None


def test_the_invitation_link_speaks_one_of_the_brands_languages(client, world, login):
    world.brand.settings = {**world.brand.settings, "locales": ["en"], "default_locale": "en"}
    db.session.commit()
    login(world.brand, world.admin)
    client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "end_user"})  # marie: fr
    link = invitation_link("marie@example.com")
    assert link.startswith("/acme/hc/en/invitation/")
    assert client.get(link).status_code == 200
