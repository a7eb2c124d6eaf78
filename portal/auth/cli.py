"""`flask --app app users create …`: the same account services as the sign-up and admin pages."""
import click
from sqlalchemy import select

from ..brands.models import ROLES, Brand
from ..extensions import db
from .services import add_membership, create_user
from ..service_error import ServiceError


def register(app):
    @app.cli.group()
    def users():
        """Manage user accounts."""

    @users.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                  help="At least 10 characters; asked for when left out.")
    @click.option("--phone")
    @click.option("--address")
    @click.option("--brand", "brand_slug", help="Slug of a brand to give the user a role in.")
    @click.option("--role", type=click.Choice(ROLES), help="Role in --brand (default end_user).")
    @click.option("--can-assist", is_flag=True, help="May assist users (assisted service) in --brand.")
    @click.option("--can-register-users", is_flag=True, help="May register end users in --brand.")
    def create(email, name, password, phone, address, brand_slug, role, can_assist, can_register_users):
        """Create a user, optionally with a role in one brand."""
        if not brand_slug and (role or can_assist or can_register_users):
            raise click.UsageError("--role, --can-assist and --can-register-users need --brand.")
        brand = None
        if brand_slug:
            brand = db.session.scalar(select(Brand).where(Brand.slug == brand_slug.strip().lower()))
            if brand is None:
                raise click.ClickException(f"No brand with the slug {brand_slug!r}.")
        try:
            user = create_user(email, name, password, phone=phone, address=address)
            if brand is not None:
                add_membership(user, brand, role or "end_user", can_assist=can_assist,
                               can_register_users=can_register_users, reason="cli")
        except ServiceError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        where = f" ({role or 'end_user'} in {brand.slug})" if brand else ""
        click.echo(f"Created user {user.email} (id {user.id}){where}.")
