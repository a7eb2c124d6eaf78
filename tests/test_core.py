"""Brand resolution, host mapping, the directory and security headers."""


def test_directory_lists_brands(client, make_brand):
    make_brand("acme", "Acme IT")
    page = client.get("/")
    assert page.status_code == 200
    assert "Acme IT" in page.get_data(as_text=True)


def test_unknown_brand_and_locale_are_404(client, make_brand):
    make_brand("acme")
    missing = client.get("/nope/hc/fr/")
    assert missing.status_code == 404
    assert "n&#39;existe pas" in missing.get_data(as_text=True)  # the French message
    assert client.get("/acme/hc/de/").status_code == 404
    assert client.get("/acme/hc/en/").status_code == 200


def test_host_mapping_adds_prefix_and_refuses_other_brand(client, make_brand):
    make_brand("acme", host_mapping="acme.localhost")
    make_brand("globex", host_mapping="globex.localhost")
    page = client.get("/hc/en/", headers={"Host": "ACME.localhost:5000"})
    assert page.status_code == 200
    assert "/acme/hc/en/" in page.get_data(as_text=True)
    assert client.get("/acme/hc/en/", headers={"Host": "acme.localhost"}).status_code == 200
    assert client.get("/globex/hc/en/", headers={"Host": "acme.localhost"}).status_code == 404
    static = client.get("/static/css/app.css", headers={"Host": "acme.localhost"})
    assert static.status_code == 200
    static.close()


def test_csp_has_no_inline_script(client, make_brand):
    make_brand("acme")
    response = client.get("/acme/hc/en/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in response.get_data(as_text=True)
