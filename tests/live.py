"""A real HTTP server with the demo data, for browser and real-client tests."""
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextmanager
def demo_server(tmp, **config):
    """Yield (app, base_url, port): the demo app served on a free loopback port until exit."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(tmp / "search-index"), "SECRET_KEY_FILE": str(tmp / "secret_key"),
                      "ATTACHMENTS_DIR": str(tmp / "attachments"),
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, **config})
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}", server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        with app.app_context():
            db.engine.dispose()


def sign_in(page, base, email, locale="en"):
    """Sign in through the real help-centre page with the demo password; lands on its home."""
    page.goto(f"{base}/acme/hc/{locale}/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "demo-password")
    page.click("form:has(input[name=password]) [type=submit]")
    page.wait_for_url(f"{base}/acme/hc/{locale}/")


def acme_form_id(app, name: str) -> int:
    """The id of one of the demo brand acme's forms, by name."""
    from sqlalchemy import select

    from portal.brands.models import Brand
    from portal.tickets.models import TicketForm

    with app.app_context():
        return db.session.scalar(select(TicketForm.id).join(Brand, Brand.id == TicketForm.brand_id)
                                 .where(Brand.slug == "acme", TicketForm.name == name))
