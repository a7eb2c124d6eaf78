"""/favicon.ico answers on every host, so browsers do not log a 404 on each page."""
def _get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    body = response.get_data()
    response.close()  # a file response: closing it releases the file (warnings are errors)
    return response, body


def test_favicon_is_an_icon(client):
    response, body = _get(client, "/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert body[:4] == b"\x00\x00\x01\x00"  # ICO header: reserved 0, type 1 (icon)
    assert response.cache_control.max_age > 0


def test_favicon_svg_is_served_from_static(client):
    response, body = _get(client, "/static/favicon.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert body.startswith(b"<svg")


def test_favicon_on_a_host_mapped_to_a_brand(app, client, make_brand):
    make_brand("acme", host_mapping="help.acme.test")
    app.host_mapping.forget_hosts()
    response, body = _get(client, "/favicon.ico", base_url="http://help.acme.test")
    assert response.status_code == 200 and body[:4] == b"\x00\x00\x01\x00"


def test_under_a_brand_prefix_only_for_a_brand_that_exists(client, make_brand):
    make_brand("acme")
    assert _get(client, "/acme/favicon.ico")[0].status_code == 200
    assert _get(client, "/nosuchbrand/favicon.ico")[0].status_code == 404
