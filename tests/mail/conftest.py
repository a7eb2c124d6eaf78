"""A real SMTP server (aiosmtpd on loopback) and an app that delivers to it."""
import pytest

from portal.extensions import db
from tests.conftest import missing_component


def _require_aiosmtpd():
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        missing_component("aiosmtpd is missing: pip install -e '.[test]'")


@pytest.fixture
def smtp():
    _require_aiosmtpd()
    from .smtp_server import SmtpServer

    with SmtpServer() as server:
        yield server


@pytest.fixture
def mail_app(app, smtp):
    """The test app with delivery configured: 3 tries, a minute then two between them."""
    app.config.update(SMTP_URL=smtp.url, MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_SECONDS=60, MAIL_SMTP_TIMEOUT_SECONDS=5,
                      MAIL_LEASE_SECONDS=60, MAIL_BATCH_SIZE=50, MAIL_FROM="Guichet Test <help@guichet.test>")
    return app


def run_delivery():
    """One `deliver` pass, as the command runs it: the test's own transaction is committed first
    (on SQLite it holds the write lock), and what the pass wrote is read afresh after."""
    from portal.mail.delivery import deliver

    db.session.commit()
    counts = deliver()
    db.session.expire_all()
    return counts
