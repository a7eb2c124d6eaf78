"""Absolute links in messages, built from configuration, never from the request.

A link in a reset or invitation mail carries a secret. Built from the request's Host header
(`url_for(_external=True)`), anyone could ask for a reset of someone else's account with
`Host: evil.example` and receive its secret when the owner clicks. So the scheme, host and port
come from `BASE_URL` (`GUICHET_BASE_URL`), and a brand with a host mapping gets that host.
"""
from urllib.parse import urlsplit

from flask import current_app, url_for


def mail_link(brand, endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    netloc = base.netloc
    if brand is not None and brand.host_mapping:
        netloc = brand.host_mapping + (f":{base.port}" if base.port else "")
    if brand is not None:
        values.setdefault("brand", brand.slug)
    path = url_for(endpoint, **values)
    return f"{base.scheme}://{netloc}{base.path.rstrip('/')}{path}"
