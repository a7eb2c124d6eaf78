"""Extensions, created unbound; create_app binds them."""
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations work on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
# Sign-in state is our server-side session row (auth.sessions), rotated on sign-in and assist.
# Flask-Login's own check only marks a session "not fresh", which nothing here reads, at the
# cost of rewriting the session cookie; off, the cookie changes only when the session does.
login_manager.session_protection = None
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
bootstrap = Bootstrap5()
