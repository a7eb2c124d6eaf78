"""The brand colour in the admin settings (issue 14): the header's text follows from it (white when
it reaches 4.5:1, else black) and the page warns when it turns black; a bad value is refused with
the form's error pattern, writing nothing."""
from portal.extensions import db
from tests.test_forms_guide import assert_guides

from .conftest import audit_events

WARNING = 'alert-warning mt-2 mb-0">White text reaches only'


def test_the_colour_is_saved_audited_and_drives_the_header_text(client, as_admin):
    response = client.post("/acme/admin/settings", data={"colour": "#FFC107"})
    assert response.status_code == 302
    db.session.refresh(as_admin.brand)
    assert as_admin.brand.colour == "#ffc107"
    event = next(e for e in audit_events(as_admin.brand, "brand.setting_changed") if e.data["key"] == "colour")
    assert (event.data["old"], event.data["new"]) == ("#0d6efd", "#ffc107")
    css = client.get("/acme/theme.css").get_data(as_text=True)
    assert "--brand-colour: #ffc107" in css and "--brand-on-colour: #000000" in css
    html = client.get("/acme/admin/settings").get_data(as_text=True)
    assert 'value="#ffc107"' in html and WARNING in html and "1.63:1" in html
    assert "/acme/theme.css?v=ffc107" in html  # a new colour is a new stylesheet URL: no stale cache


def test_a_colour_white_text_reads_on_gives_no_warning(client, as_admin):
    html = client.get("/acme/admin/settings").get_data(as_text=True)
    assert 'id="setting-colour"' in html and WARNING not in html and "js/admin.js" in html
    assert "--brand-on-colour: #ffffff" in client.get("/acme/theme.css").get_data(as_text=True)


def test_the_warning_speaks_french_with_a_french_number(client, as_admin):
    client.post("/acme/admin/settings", data={"colour": "#ffc107"})
    as_admin.admin.locale = "fr"
    db.session.commit()
    html = client.get("/acme/admin/settings").get_data(as_text=True)
    assert 'alert-warning mt-2 mb-0">Le texte blanc n\'atteint que 1,63:1' in html


def test_a_bad_colour_is_refused_and_guides_to_the_field(client, as_admin):
    response = client.post("/acme/admin/settings", data={"colour": "blue;}", "satisfaction_ratings": "0"})
    assert response.status_code == 422
    assert_guides(response.get_data(as_text=True), "setting-colour")
    db.session.refresh(as_admin.brand)
    assert as_admin.brand.colour == "#0d6efd"
    assert not [e for e in audit_events(as_admin.brand, "brand.setting_changed")]


def test_a_bad_setting_guides_to_its_field(client, as_admin):
    response = client.post("/acme/admin/settings", data={"assist_idle_timeout_minutes": "0"})
    assert response.status_code == 422
    assert_guides(response.get_data(as_text=True), "setting-assist_idle_timeout_minutes")


def test_a_refused_page_keeps_what_was_typed(client, as_admin):
    response = client.post("/acme/admin/settings", data={
        "assist_idle_timeout_minutes": "999", "assist_services": "Laptops, Badges", "colour": "#123456",
        "satisfaction_ratings": ["0", "1"]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="999"' in html and 'value="Laptops, Badges"' in html and 'value="#123456"' in html
    db.session.refresh(as_admin.brand)
    assert as_admin.brand.colour == "#0d6efd" and not audit_events(as_admin.brand, "brand.setting_changed")
