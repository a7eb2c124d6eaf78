"""`flask --app app brands create|list`: the same brand services as the admin pages."""
import re

import click
from sqlalchemy import select

from ..extensions import db
from .models import Brand
from .services import create_brand
from .settings import SETTINGS
from ..service_error import ServiceError


def _parse_settings(pairs) -> dict:
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not key=value.", param_hint="--setting")
        if key.strip() not in SETTINGS:
            raise click.BadParameter(
                f"unknown setting {key.strip()!r}; known: {', '.join(SETTINGS)}.", param_hint="--setting")
        settings[key.strip()] = value
    return settings


def _check_colour(_ctx, _param, value):
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise click.BadParameter(f"{value!r} is not a colour like #0d6efd.")
    return value.lower()


def register(app):
    @app.cli.group()
    def brands():
        """Manage brands (help centres)."""

    @brands.command("create")
    @click.argument("slug")
    @click.option("--name", required=True, help="Name shown on the pages.")
    @click.option("--host", "host_mapping", help="Host name that serves this brand without the /<slug> prefix.")
    @click.option("--colour", default="#0d6efd", show_default=True, callback=_check_colour, help="Theme colour.")
    @click.option("--setting", "settings", multiple=True, metavar="KEY=VALUE",
                  help="A brand setting (repeatable), e.g. --setting default_locale=fr.")
    def create(slug, name, host_mapping, colour, settings):
        """Create a brand."""
        values = _parse_settings(settings)
        try:
            brand = create_brand(slug, name, host_mapping=host_mapping, colour=colour, settings=values)
        except ServiceError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(f"Created brand {brand.slug} (id {brand.id}).")

    @brands.command("list")
    def list_brands():
        """List brands: slug, host mapping, name."""
        for brand in db.session.scalars(select(Brand).order_by(Brand.slug)):
            click.echo(f"{brand.slug}\t{brand.host_mapping or '-'}\t{brand.name}")
