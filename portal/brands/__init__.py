"""Brands (tenants): the `current_brand` of a request is resolved once, in resolver.py."""
from flask import g
from werkzeug.local import LocalProxy

current_brand = LocalProxy(lambda: g.get("brand"))
