"""The directory of help centres, brand root redirect and the brand's theme stylesheet."""
from flask import Blueprint, Response, redirect, render_template, url_for
from sqlalchemy import select

from ..extensions import db
from . import current_brand
from .colours import DEFAULT_COLOUR, is_colour, text_colour_on
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
    # Served as a stylesheet so the brand colour needs no inline style under the CSP; the text on
    # it is computed to reach 4.5:1 (static/css/app.css uses both for the header).
    colour = current_brand.colour if is_colour(current_brand.colour) else DEFAULT_COLOUR
    css = f":root {{ --brand-colour: {colour}; --brand-on-colour: {text_colour_on(colour)}; }}\n"
    response = Response(css, mimetype="text/css")
    response.cache_control.max_age = 300
    return response
