"""`/healthz` for load balancers (DESIGN §11): is this worker up, can it reach the database.

Outside every brand (the host-mapping rewrite leaves it alone) and without a session; the answer
names no version, host, path or error text.
"""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError:
        current_app.logger.exception("health check: the database cannot be reached")
        db.session.remove()
        response = jsonify(status="unavailable", database="unavailable")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
