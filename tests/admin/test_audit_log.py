"""The audit log in words (issue 14): who, what and on which object by name, details with their
names, never a bare "Membership #12"; filtered by who, what and when; paged with the filter kept;
bad filters answer 400 with the GOV.UK error summary; another brand's events never show."""
from datetime import timedelta

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.extensions import db
from portal.models import Group, Membership
from portal.models_base import utcnow

from .conftest import audit_events


def _page(client, **query):
    response = client.get("/acme/admin/audit", query_string=query)
    return response.status_code, response.get_data(as_text=True)


def test_events_read_in_words_with_names_not_ids(client, as_admin, world):
    light = world.light
    membership = db.session.scalar(select(Membership).where(Membership.user_id == light.id,
                                                            Membership.brand_id == world.brand.id))
    assert client.post(f"/acme/admin/members/{membership.id}", data={"role": "agent"}).status_code == 302
    group = Group(brand_id=world.brand.id, name="Printers")
    db.session.add(group)
    db.session.flush()
    record("group.member_add", actor=world.admin, brand=world.brand, obj=group, user_id=light.id)
    record("membership.remove", actor=world.admin, brand=world.brand, obj=None, user_id=light.id,
           group_ids=[group.id])
    db.session.commit()
    status, html = _page(client)
    assert status == 200
    [membership_event] = audit_events(world.brand, "membership.set")
    assert f"Membership #{membership_event.object_id}" not in html and "LocalProxy" not in html
    assert f"Membership: {light.name}" in html  # the membership's person
    assert "Group: Printers" in html and f"Person:</span> {light.name}" in html
    assert "Groups:</span> Printers" in html  # ids in details become names
    assert "Role:</span> Agent" in html and "Previous role:</span> Light agent" in html


def test_a_deleted_object_keeps_its_kind_and_number(client, as_admin, world):
    record("group.update", actor=world.admin, brand=world.brand, obj=None, group_ids=[987654])
    db.session.add(AuditEvent(action="group.update", brand_id=world.brand.id, object_type="Group", object_id=987655,
                              actor_id=world.admin.id, data={}))
    db.session.commit()
    html = _page(client)[1]
    assert "Group #987654 (deleted)" in html and "Group: Group #987655 (deleted)" in html


def test_an_assisted_change_says_on_whose_behalf(client, as_admin, world):
    record("user.profile_changed", actor=world.agent, brand=world.brand, obj=world.user, on_behalf_of=world.user,
           fields=["phone"])
    db.session.commit()
    html = _page(client)[1]
    assert f"on behalf of {world.user.name}" in html and "Fields changed:</span> phone" in html


def test_filters_by_who_what_and_when(client, as_admin, world):
    client.post("/acme/admin/settings", data={"satisfaction_ratings": "0"})
    record("user.profile_changed", actor=world.agent, brand=world.brand, obj=world.agent, fields=["name"])
    db.session.commit()
    assert "Satisfaction ratings" in _page(client, who="ADA")[1]
    html = _page(client, who="sarah")[1]
    assert '<td title="user.profile_changed">' in html and "Satisfaction ratings" not in html
    html = _page(client, action="brand.setting_changed")[1]
    assert "Satisfaction ratings" in html and '<td title="user.profile_changed">' not in html
    today = utcnow().date()
    assert '<td title="user.profile_changed">' in _page(client, since=(today - timedelta(days=1)).isoformat(),
                                      until=(today + timedelta(days=1)).isoformat())[1]
    status, html = _page(client, since=(today + timedelta(days=2)).isoformat())
    assert status == 200 and "No event matches this filter." in html
    assert "No event matches this filter." in _page(client, who="nobody-like-this")[1]
    assert "No event matches this filter." in _page(client, who="%")[1]  # LIKE wildcards are text


def test_bad_filters_answer_400_with_the_error_summary(client, as_admin):
    status, html = _page(client, since="2026-02-30", action="no.such.action", who="x" * 300)
    assert status == 400
    assert "<title>Error: " in html and "There is a problem" in html
    assert 'href="#since"' in html and 'href="#action"' in html and 'href="#who"' in html
    assert 'id="since" name="since" value="2026-02-30" aria-invalid="true" aria-describedby="since-error"' in html
    status, html = _page(client, since="2026-12-02", until="2026-12-01")
    assert status == 400 and "The end date must be on or after the start date." in html
    assert _page(client, since="9" * 400)[0] == 400
    for odd in ("\x00", "2026-12-02\x00", "%FF%FE"):  # NUL bytes are dropped from input: never a 500
        assert _page(client, since=odd, who=odd)[0] in (200, 400)


def test_paging_keeps_the_filter(client, as_admin, world):
    db.session.add_all(AuditEvent(action="user.profile_changed", brand_id=world.brand.id, actor_id=world.agent.id,
                                  object_type="User", object_id=world.agent.id, data={}) for _ in range(55))
    db.session.add(AuditEvent(action="brand.setting_changed", brand_id=world.brand.id, data={}))
    db.session.commit()
    html = _page(client, action="user.profile_changed")[1]
    assert html.count("<td title=\"user.profile_changed\">") == 50
    assert "page=2" in html and "action=user.profile_changed" in html
    html = _page(client, action="user.profile_changed", page=2)[1]
    assert html.count("<td title=\"user.profile_changed\">") == 5 and '<td title="brand.setting_changed">' not in html


def test_another_brands_events_and_names_never_show(client, as_admin, world, login):
    record("user.profile_changed", actor=world.other_admin, brand=world.other_brand, obj=world.other_admin,
           fields=["secret-globex-field"])
    db.session.commit()
    assert "secret-globex-field" not in _page(client)[1]
    assert "secret-globex-field" not in _page(client, who="Gil")[1]


def test_the_log_reads_in_french(client, as_admin, world):
    client.post("/acme/admin/settings", data={"satisfaction_ratings": "0"})
    world.admin.locale = "fr"
    db.session.commit()
    html = _page(client)[1]
    assert "Journal d’audit" in html or "Journal d'audit" in html
    assert "Paramètre :</span> Évaluations de satisfaction" in html or \
        "Paramètre:</span> Évaluations de satisfaction" in html
    assert "Toutes les actions" in html and "Avant:</span> Oui" in html
