"""Command-line entry points; each calls the same services as the web pages."""


def register(app):
    from .i18n import register_cli as register_translate

    register_translate(app)
