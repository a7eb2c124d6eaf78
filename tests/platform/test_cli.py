"""`users create` and `brands create`: good input writes, bad input says why, exits non-zero, writes nothing."""
import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.passwords import verify_password
from portal.brands.settings import settings_for
from portal.extensions import db
from portal.models import Brand, Membership, User

GOOD_PASSWORD = "long-enough-password"


def invoke(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    db.session.expire_all()
    return result


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def counts():
    return {model.__name__: count(model) for model in (User, Brand, Membership, AuditEvent)}


def test_users_create_with_a_role(app, make_brand):
    make_brand("acme")
    result = invoke(app, "users", "create", "--email", "Nina@Example.com", "--name", "Nina Simone",
                    "--password", GOOD_PASSWORD, "--phone", "06 12 34 56 78", "--brand", "acme",
                    "--role", "agent", "--can-assist")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "nina@example.com"))
    assert user.name == "Nina Simone" and user.phone == "06 12 34 56 78"
    assert verify_password(user, GOOD_PASSWORD)
    (membership,) = user.memberships
    assert (membership.brand.slug, membership.role, membership.can_assist, membership.can_register_users) == (
        "acme", "agent", True, False)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.set")) is not None


def test_users_create_refuses_assist_capabilities_to_a_light_agent(app, make_brand):
    make_brand("acme")
    result = invoke(app, "users", "create", "--email", "lea@example.com", "--name", "Léa",
                    "--password", GOOD_PASSWORD, "--brand", "acme", "--role", "light_agent", "--can-assist")
    assert result.exit_code != 0 and "Only agents and admins may assist users" in result.output
    assert db.session.scalar(select(User).where(User.email == "lea@example.com")) is None  # nothing written


def test_users_create_without_brand(app):
    result = invoke(app, "users", "create", "--email", "solo@example.com", "--name", "Solo",
                    "--password", GOOD_PASSWORD)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "solo@example.com")).memberships == []


def test_users_create_asks_for_the_password(app):
    result = invoke(app, "users", "create", "--email", "ask@example.com", "--name", "Ask",
                    input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert verify_password(db.session.scalar(select(User).where(User.email == "ask@example.com")), GOOD_PASSWORD)


@pytest.mark.parametrize("args, message", [
    (["--email", "not-an-email"], "valid e-mail"),
    (["--password", "short"], "at least 10 characters"),
    (["--name", "  "], "Enter a name"),
    (["--email", "taken@example.com"], "already uses this e-mail"),
    (["--brand", "nowhere"], "No brand with the slug"),
    (["--brand", "acme", "--role", "emperor"], "Invalid value for '--role'"),
    (["--brand", None, "--role", "agent"], "need --brand"),
])
def test_users_create_refuses_bad_input(app, make_brand, make_user, args, message):
    make_brand("acme")
    make_user(email="taken@example.com")
    before = counts()
    options = {"--email": "new@example.com", "--name": "New Person", "--password": GOOD_PASSWORD,
               "--brand": "acme"}
    options.update(dict(zip(args[::2], args[1::2])))
    parts = [part for option, value in options.items() if value is not None for part in (option, value)]
    result = invoke(app, "users", "create", *parts)
    assert result.exit_code != 0
    assert message in result.output
    assert counts() == before


def test_brands_create_with_settings(app):
    result = invoke(app, "brands", "create", "initech", "--name", "Initech", "--host", "Initech.Localhost",
                    "--colour", "#AA3300", "--setting", "default_locale=fr", "--setting", "assisted_service=on",
                    "--setting", "auto_close_solved_after_days=7")
    assert result.exit_code == 0, result.output
    brand = db.session.scalar(select(Brand).where(Brand.slug == "initech"))
    assert (brand.name, brand.host_mapping, brand.colour) == ("Initech", "initech.localhost", "#aa3300")
    settings = settings_for(brand)
    assert (settings.default_locale, settings.assisted_service, settings.auto_close_solved_after_days) == (
        "fr", True, 7)
    assert not settings.agents_manage_requests
    listing = invoke(app, "brands", "list")
    assert "initech\tinitech.localhost\tInitech" in listing.output


@pytest.mark.parametrize("args, message", [
    (["hc"], "not reserved"),
    (["Bad Slug!"], "lower-case letters"),
    (["taken"], "already uses this short name"),
    (["fresh", "--host", "taken.localhost"], "already uses this host name"),
    (["fresh", "--setting", "no_such_key=1"], "unknown setting 'no_such_key'"),
    (["fresh", "--setting", "default_locale"], "is not key=value"),
    (["fresh", "--setting", "default_locale=de"], "default_locale"),
    (["fresh", "--setting", "auto_close_solved_after_days=0"], "at least 1"),
    (["fresh", "--colour", "red"], "is not a colour"),
])
def test_brands_create_refuses_bad_input(app, make_brand, args, message):
    make_brand("taken", host_mapping="taken.localhost")
    before = counts()
    result = invoke(app, "brands", "create", *args, "--name", "Fresh")
    assert result.exit_code != 0
    assert message in result.output
    assert counts() == before
