"""Guichet: a multi-brand help centre and helpdesk."""
import os

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(root, "instance"),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    app.config.from_object("config.default")
    if config:
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    from .input_filter import install as install_input_filter
    from .secret_key import install_secret_key

    install_secret_key(app)
    install_input_filter(app)  # control characters out of forms, queries and JSON (DESIGN §12)

    from . import models  # noqa: F401  (every model registered before anything binds)
    from .auth import sessions  # noqa: F401  (registers the session loader)
    from .brands.resolver import HostMappingMiddleware, add_brand_values, load_brand, pull_brand_values
    from .database import configure_engine, init_database
    from .errors import register_error_handlers
    from .extensions import babel, bootstrap, csrf, db, login_manager, migrate
    from .i18n import install_template_gettext, select_locale
    from .numbers import install_converters
    from .mail.outbox import install_hooks as install_mail_hooks
    from .security import add_security_headers
    from .transaction import install as install_transaction_owner

    configure_engine(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(root, "translations"))
    install_template_gettext(app)
    bootstrap.init_app(app)
    init_database(app)
    install_mail_hooks()

    app.url_value_preprocessor(pull_brand_values)
    app.url_defaults(add_brand_values)
    app.before_request(load_brand)
    install_transaction_owner(app)  # first, so its after-request hook runs last
    app.after_request(add_security_headers)
    register_error_handlers(app)
    install_converters(app)  # before the blueprints: their <int:…> rules take the bounded converter
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_cli(app)
    app.wsgi_app = app.host_mapping = HostMappingMiddleware(app)
    return app


def _register_blueprints(app):
    from .admin import bp as admin_bp
    from .agent import bp as agent_bp
    from .api import bp as api_bp, tokens_bp as api_tokens_bp
    from .assist import bp as assist_bp
    from .attachments import bp as attachments_bp
    from .auth import bp as auth_bp
    from .brands.views import bp as brands_bp
    from .health import bp as health_bp
    from .helpcenter import bp as helpcenter_bp
    from .i18n import bp as i18n_bp
    from .search import bp as search_bp
    from .static_routes import bp as static_routes_bp

    for bp in (brands_bp, i18n_bp, auth_bp, helpcenter_bp, agent_bp, admin_bp, search_bp,
               assist_bp, attachments_bp, api_bp, api_tokens_bp, static_routes_bp, health_bp):
        app.register_blueprint(bp)


def _register_template_helpers(app):
    from .templating import register

    register(app)


def _register_cli(app):
    from .cli import register

    register(app)
