"""The directory of help centres, brand root redirect and the brand's theme stylesheet."""
from flask import Blueprint, Response, redirect, render_template, url_for
from sqlalchemy import select

from ..extensions import db
from . import current_brand
from .models import Brand

bp = Blueprint("brands", __name__)


@bp.get("/")
def directory():
    brands = db.session.scalars(select(Brand).order_by(Brand.name)).all()
    return render_template("brands/directory.html", brands=brands)


@bp.get("/<brand>/")
def brand_root():
    return redirect(url_for("helpcenter.home"))


@bp.get("/<brand>/theme.css")
def theme():
    # Served as a stylesheet so the brand colour needs no inline style under the CSP.
    colour = current_brand.colour if _is_hex(current_brand.colour) else "#0d6efd"
    css = f":root {{ --brand-colour: {colour}; }}\n"
    response = Response(css, mimetype="text/css")
    response.cache_control.max_age = 300
    return response


def _is_hex(value: str) -> bool:
    return bool(value) and len(value) == 7 and value[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in value[1:])
