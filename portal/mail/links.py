"""Absolute links in messages, built from configuration, never from the request.

A link in a reset or invitation mail carries a secret. Built from the request's Host header
(`url_for(_external=True)`), anyone could ask for a reset of someone else's account with
`Host: evil.example` and receive its secret when the owner clicks. So the scheme, host and port
come from `BASE_URL` (`GUICHET_BASE_URL`), and a brand with a host mapping gets that host.
Outside a request (a command, the assist idle timeout swept by a worker) the path is built from
the URL map alone, as it would be in one.
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def mail_link(brand, endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    netloc = base.netloc
    if brand is not None and brand.host_mapping:
        netloc = brand.host_mapping + (f":{base.port}" if base.port else "")
    if brand is not None:
        values.setdefault("brand", brand.slug)
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        current_app.inject_url_defaults(endpoint, values)
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{base.scheme}://{netloc}{base.path.rstrip('/')}{path}"
