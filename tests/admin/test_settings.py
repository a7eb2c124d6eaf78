"""The settings page: every key, translated descriptions, audited changes, refusals writing nothing."""
import pytest

from portal.brands.settings import SETTINGS, settings_for
from portal.extensions import db

from .conftest import audit_actions, audit_events


def test_page_lists_every_setting_with_its_description(client, as_admin):
    html = client.get("/acme/admin/settings").get_data(as_text=True)
    for key, setting in SETTINGS.items():
        assert f'name="{key}"' in html
        assert str(setting.description) in html
    assert 'type="number"' in html and 'min="1" max="240"' in html


def test_saving_changes_settings_and_audits_each_change(client, as_admin):
    response = client.post("/acme/admin/settings", data={
        "agents_manage_requests": ["0", "1"],
        "satisfaction_ratings": "0",
        "assist_idle_timeout_minutes": "25",
        "assist_channels": ["", "phone", "chat"],
        "assist_services": "Laptops, Badges",
        "default_phone_region": "be",
    })
    assert response.status_code == 302
    db.session.refresh(as_admin.brand)
    values = settings_for(as_admin.brand)
    assert values.agents_manage_requests is True
    assert values.satisfaction_ratings is False
    assert values.assist_idle_timeout_minutes == 25
    assert values.assist_channels == ["phone", "chat"]
    assert values.assist_services == ["Laptops", "Badges"]
    assert values.default_phone_region == "BE"
    events = {e.data["key"]: e for e in audit_events(as_admin.brand, "brand.setting_changed")}
    assert set(events) == {"agents_manage_requests", "satisfaction_ratings", "assist_idle_timeout_minutes",
                           "assist_channels", "assist_services", "default_phone_region"}
    timeout = events["assist_idle_timeout_minutes"]
    assert (timeout.data["old"], timeout.data["new"], timeout.actor_id) == (10, 25, as_admin.admin.id)


def test_posting_the_page_unchanged_writes_nothing(client, as_admin):
    values = settings_for(as_admin.brand)
    data = {}
    for key, setting in SETTINGS.items():
        value = values[key]
        data[key] = ("1" if value else "0") if setting.kind is bool else (
            value if setting.choices and setting.kind is list else (
                ", ".join(value) if setting.kind is list else str(value)))
    assert client.post("/acme/admin/settings", data=data).status_code == 302
    assert audit_actions(as_admin.brand) == []


@pytest.mark.parametrize("data, message", [
    ({"no_such_setting": "1"}, "Unknown setting: no_such_setting."),
    ({"assist_idle_timeout_minutes": "0"}, "must be a whole number from 1 to 240"),
    ({"assist_idle_timeout_minutes": "ten"}, "must be a whole number from 1 to 240"),
    ({"auto_close_solved_after_days": "366"}, "must be a whole number from 1 to 365"),
    ({"assist_channels": ["phone", "pigeon"]}, "choose at least one of"),
    ({"locales": [""]}, "choose at least one of"),
    ({"default_locale": "de"}, "choose one of en, fr"),
    ({"locales": "fr", "default_locale": "en"}, "The default language must be one of the help-centre languages."),
    ({"default_phone_region": "XX"}, "this value is not valid"),
    ({"self_registration": "maybe"}, "must be on or off"),
])
def test_bad_values_are_refused_and_nothing_is_written(client, as_admin, data, message):
    before = dict(as_admin.brand.settings or {})
    # A good change alongside the bad one must not be written either.
    response = client.post("/acme/admin/settings", data={"satisfaction_ratings": "0", **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(as_admin.brand)
    assert (as_admin.brand.settings or {}) == before
    assert audit_actions(as_admin.brand) == []


def test_audit_log_lists_the_brands_events_only(client, as_admin, login):
    client.post("/acme/admin/settings", data={"satisfaction_ratings": "0"})
    html = client.get("/acme/admin/audit").get_data(as_text=True)
    assert "brand.setting_changed" in html and "Ada Admin" in html and "Satisfaction ratings" in html
    login(as_admin.other_brand, as_admin.other_admin)
    assert "Satisfaction ratings" not in client.get("/globex/admin/audit").get_data(as_text=True)
