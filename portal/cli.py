"""Command-line entry points; each module's commands call the same services as the pages."""
import importlib

# Each of these modules defines `register(app)` adding its own commands.
COMMAND_MODULES = (
    "portal.i18n",
    "portal.demo",
    "portal.auth.cli",
    "portal.brands.cli",
    "portal.tickets.cli",
    "portal.search.cli",
    "portal.mail.cli",
    "portal.attachments.cli",
)


def register(app):
    for name in COMMAND_MODULES:
        # Every module exists: a missing one (a typo, a rename) must fail loudly, not drop commands.
        importlib.import_module(name).register(app)
