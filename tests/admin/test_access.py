"""Only the brand's admins reach administration; everyone else is sent to sign in or gets a 404."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.tickets.models import TicketForm

PAGES = ["/acme/admin/", "/acme/admin/settings", "/acme/admin/forms", "/acme/admin/fields",
         "/acme/admin/members", "/acme/admin/groups", "/acme/admin/audit"]


@pytest.mark.parametrize("path", PAGES)
def test_admin_sees_every_page(client, as_admin, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Acme IT" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/acme/hc/en/signin" in response.headers["Location"]


@pytest.mark.parametrize("who", ["agent", "light", "user", "other_admin"])
@pytest.mark.parametrize("path", PAGES)
def test_other_people_get_404(client, world, login, who, path):
    login(world.brand, getattr(world, who))
    assert client.get(path).status_code == 404


def test_non_member_gets_404(client, world, login, make_user):
    stranger = make_user(roles={world.other_brand: "end_user"})
    login(world.other_brand, stranger)
    assert client.get("/acme/admin/").status_code == 404


@pytest.mark.parametrize("who", ["agent", "other_admin"])
def test_refused_posts_write_nothing(client, world, login, who):
    login(world.brand, getattr(world, who))
    assert client.post("/acme/admin/forms", data={"name": "Sneaky"}).status_code == 404
    assert client.post("/acme/admin/settings", data={"self_registration": "0"}).status_code == 404
    assert db.session.scalar(select(func.count(TicketForm.id))) == 0


def test_other_brand_admin_is_admin_in_their_own_brand(client, world, login):
    login(world.other_brand, world.other_admin)
    assert client.get("/globex/admin/").status_code == 200
    assert client.get("/acme/admin/").status_code == 404


def test_admin_of_other_brand_link_not_shown(client, world, login):
    login(world.brand, world.other_admin)
    assert "/acme/admin/" not in client.get("/acme/hc/en/").get_data(as_text=True)


def test_posts_need_csrf(csrf_app, world, login):
    client = csrf_app.test_client()
    from tests.conftest import csrf_token_from, signin

    page = client.get("/acme/hc/en/signin")
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/acme/hc/en/signin", data={"email": world.admin.email, "password": "correct-horse-battery",
                                                       "csrf_token": token})
    assert response.status_code == 302
    assert client.post("/acme/admin/forms", data={"name": "Forged"}).status_code == 400
    page = client.get("/acme/admin/forms")
    token = csrf_token_from(page.get_data(as_text=True))
    assert client.post("/acme/admin/forms", data={"name": "Real", "csrf_token": token,
                                                  "default_group_id": "0"}).status_code == 302
    assert db.session.scalars(select(TicketForm.name)).all() == ["Real"]
