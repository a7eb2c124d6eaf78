def test_start_and_banner(client, assisting, world):
    page = client.get("/acme/hc/en/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html[:2000]
    assert "Assisting Haru Tanaka" in html
