"""/healthz (DESIGN §11): JSON for load balancers, outside every brand, with no secrets."""
import pytest
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.brands.models import RESERVED_SLUGS
from portal.brands.services import create_brand
from portal.extensions import db
from portal.service_error import ServiceError


def test_healthz_answers_ok_in_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_on_a_mapped_host_is_not_a_brand_page(app, client, make_brand):
    make_brand("acme", host_mapping="acme.localhost")
    app.host_mapping.forget_hosts()
    response = client.get("/healthz", base_url="http://acme.localhost:5000")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"
    # The rest of the host is still the brand's.
    assert client.get("/hc/en/", base_url="http://acme.localhost").status_code == 200
    assert client.get("/acme/healthz").status_code == 404


def test_healthz_is_a_reserved_brand_name(app):
    assert "healthz" in RESERVED_SLUGS
    with pytest.raises(ServiceError):
        create_brand("healthz", "Health")


def test_an_unreachable_database_is_503_and_names_nothing(app, client, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("unable to open database file /srv/secret.sqlite3"))

    monkeypatch.setattr(db.session, "execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
    assert b"secret" not in response.get_data() and b"sqlite" not in response.get_data()


def test_a_database_file_that_cannot_be_opened_is_503(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(tmp_path / "search-index")})
    response = app.test_client().get("/healthz", base_url="http://acme.localhost")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
    with app.app_context():
        db.engine.dispose()
