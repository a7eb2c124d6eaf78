"""Users, brands, ticket forms and ticket fields, as each role may see them."""
from portal.api.tokens import create_token
from portal.extensions import db
from portal.tickets.services import create_request
from portal.actor import Actor


def test_me_and_users_as_end_users_and_staff_see_them(world, api):
    me = api("GET", world.brand, "/users/me.json", world.light).get_json()["user"]
    assert (me["role"], me["role_type"]) == ("agent", 1)
    path = f"/users/{world.other.id}.json"
    assert api("GET", world.brand, path, world.user).status_code == 403  # end users see only themselves
    assert api("GET", world.brand, f"/users/{world.user.id}.json", world.user).status_code == 200
    shown = api("GET", world.brand, path, world.agent).get_json()["user"]
    assert shown["email"] == "niels@example.com" and shown["role"] == "end-user"
    assert api("GET", world.brand, f"/users/{world.globex_agent.id}.json", world.agent).status_code == 404


def test_light_agents_read_name_and_email_of_people_on_their_tickets_never_contact(world, api):
    other, acme = world.other, world.brand
    other.phone, other.address = "+33 1 23 45 67 89", "1 rue de la Paix, Paris"
    db.session.commit()
    path = f"/users/{other.id}.json"
    full = api("GET", acme, path, world.agent).get_json()["user"]
    assert (full["phone"], full["details"]) == ("+33 1 23 45 67 89", "1 rue de la Paix, Paris")
    # Not on any ticket the light agent sees: refused, as for an end user.
    assert api("GET", acme, path, world.light).status_code == 403
    assert api("GET", acme, f"/users/{other.id}/requests.json", world.light).status_code == 403
    create_request(acme, world.general, other, Actor.itself(other), "Printer jams", "Body", {world.category.id: "hardware"})
    shown = api("GET", acme, path, world.light)
    assert shown.status_code == 200
    user = shown.get_json()["user"]
    assert (user["name"], user["email"]) == (other.name, "niels@example.com")
    assert "phone" not in user and "details" not in user
    assert "+33" not in shown.get_data(as_text=True) and "Paix" not in shown.get_data(as_text=True)
    assert api("GET", acme, f"/users/{world.light.id}.json", world.light).get_json()["user"]["phone"] is None
    # End users read only themselves, whatever tickets they share.
    assert api("GET", acme, path, world.user).status_code == 403
    assert api("GET", acme, f"/users/{world.agent.id}.json", world.other).status_code == 403
    assert api("GET", acme, path, other).get_json()["user"]["phone"] == "+33 1 23 45 67 89"


def test_the_workspace_shows_contact_details_to_agents_not_light_agents(world, client, login):
    other, acme = world.other, world.brand
    other.phone, other.address = "+33 1 23 45 67 89", "1 rue de la Paix, Paris"
    db.session.commit()
    ticket = create_request(acme, world.general, other, Actor.itself(other), "Printer jams", "Body",
                            {world.category.id: "hardware"})
    login(acme, world.light)
    page = client.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "niels@example.com" in page and "+33 1 23" not in page and "rue de la Paix" not in page
    client.post("/acme/hc/en/signout")
    login(acme, world.agent)
    page = client.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "+33 1 23 45 67 89" in page and "rue de la Paix" in page


def test_user_search_is_for_agents_only(world, api):
    found = api("GET", world.brand, "/users/search.json?query=niels", world.agent).get_json()
    assert [u["email"] for u in found["users"]] == ["niels@example.com"] and found["count"] == 1
    for who in ("user", "light"):
        assert api("GET", world.brand, "/users/search.json?query=niels", getattr(world, who)).status_code == 403
    assert api("GET", world.brand, "/users/search.json", world.agent).status_code == 400


def test_a_users_requests(world, api):
    ticket = create_request(world.brand, world.general, world.other, Actor.itself(world.other), "Password reset loop",
                            "Body", {world.category.id: "hardware"})
    path = f"/users/{world.other.id}/requests.json"
    assert [r["id"] for r in api("GET", world.brand, path, world.other).get_json()["requests"]] == [ticket.id]
    assert [r["id"] for r in api("GET", world.brand, path, world.agent).get_json()["requests"]] == [ticket.id]
    assert api("GET", world.brand, path, world.user).status_code == 403
    assert api("GET", world.other_brand, path, world.globex_agent).status_code == 404


def test_brands_list_only_this_brand(world, api):
    listed = api("GET", world.brand, "/brands.json", world.user).get_json()
    assert [b["subdomain"] for b in listed["brands"]] == ["acme"]
    assert api("GET", world.brand, f"/brands/{world.brand.id}.json", world.user).status_code == 200
    assert api("GET", world.brand, f"/brands/{world.other_brand.id}.json", world.user).status_code == 404


def test_ticket_forms_and_fields_end_users_see_only_the_portals(world, api):
    def names(who, path, key, attribute):
        return [item[attribute] for item in api("GET", world.brand, path, getattr(world, who)).get_json()[key]]

    assert names("user", "/ticket_forms.json", "ticket_forms", "name") == ["General request", "Security report"]
    assert sorted(names("agent", "/ticket_forms.json", "ticket_forms", "name")) == [
        "General request", "Incident", "Security report"]
    portal_fields = ["Category", "Reference", "Device", "Laptop serial", "Notes", "Tags", "I agree", "Since", "Machines"]
    assert names("user", "/ticket_fields.json", "ticket_fields", "title") == portal_fields
    assert names("agent", "/ticket_fields.json", "ticket_fields", "title") == [
        "Category", "Reference", "Internal priority", *portal_fields[2:]]
    form = api("GET", world.brand, f"/ticket_forms/{world.general.id}.json", world.user).get_json()["ticket_form"]
    assert form["ticket_field_ids"] == [field.id for field in (world.category, world.reference, world.notes, world.tags,
                                                               world.consent, world.when, world.count)]
    assert api("GET", world.brand, f"/ticket_forms/{world.incident.id}.json", world.user).status_code == 404
    assert api("GET", world.brand, f"/ticket_fields/{world.internal_priority.id}.json", world.user).status_code == 404
    field = api("GET", world.brand, f"/ticket_fields/{world.internal_priority.id}.json", world.agent).get_json()
    assert field["ticket_field"]["custom_field_options"] == [{"name": "low", "value": "low"},
                                                             {"name": "high", "value": "high"}]
    # Another brand's form and field ids are not found there.
    assert api("GET", world.other_brand, f"/ticket_forms/{world.general.id}.json", world.globex_agent).status_code == 404
    assert api("GET", world.other_brand, f"/ticket_fields/{world.category.id}.json", world.globex_agent).status_code == 404


def test_form_conditions_follow_the_audience(world, api):
    from portal.extensions import db
    from portal.tickets.models import FieldCondition, FormField, TicketField

    serial = TicketField(brand_id=world.brand.id, title="Serial", field_type="text", portal_access="editable")
    db.session.add(serial)
    db.session.flush()
    category, internal, form = world.category, world.internal_priority, world.general
    db.session.add_all([
        FormField(form_id=form.id, field_id=serial.id, position=3),
        FieldCondition(form_id=form.id, parent_field_id=category.id, parent_value="hardware",
                       child_field_id=serial.id, audience="end_user"),
        FieldCondition(form_id=form.id, parent_field_id=category.id, parent_value="software",
                       child_field_id=internal.id, audience="agent"),
    ])
    db.session.commit()
    path = f"/ticket_forms/{form.id}.json"
    seen_by_user = api("GET", world.brand, path, world.user).get_json()["ticket_form"]
    expected = [{"parent_field_id": category.id, "value": "hardware", "child_fields": [{"id": serial.id}]}]
    assert seen_by_user["end_user_conditions"] == expected
    assert seen_by_user["agent_conditions"] == []
    seen_by_agent = api("GET", world.brand, path, world.agent).get_json()["ticket_form"]
    assert seen_by_agent["agent_conditions"] == [
        {"parent_field_id": category.id, "value": "software", "child_fields": [{"id": internal.id}]}]


def test_non_members_read_nothing_of_a_brand(world, api):
    """rh@ is a globex agent only; open brand or not, the API does not make them an acme member."""
    acme = world.brand
    paths = ("/ticket_forms.json", "/ticket_fields.json", "/users/me.json", "/requests.json",
             "/tickets.json", "/brands.json", f"/ticket_forms/{world.general.id}.json")
    for path in paths:
        refused = api("GET", acme, path, world.globex_agent)
        assert refused.status_code == 403, path
        assert "General request" not in refused.get_data(as_text=True)
    assert api("POST", acme, "/requests.json", world.globex_agent, json={"request": {
        "subject": "x", "comment": {"body": "y"}}}).status_code == 403
    _token, secret = create_token(world.globex_agent, "script")
    assert api("GET", acme, "/users/me.json", world.globex_agent, secret=secret, token=True).status_code == 403
    # Members of acme still read it; rh@ still reads globex.
    for who, path in [("user", "/ticket_forms.json"), ("user", "/ticket_fields.json"), ("user", "/users/me.json"),
                      ("user", "/requests.json"), ("agent", "/tickets.json"), ("light", "/ticket_fields.json")]:
        assert api("GET", acme, path, getattr(world, who)).status_code == 200, (who, path)
    assert api("GET", world.other_brand, "/users/me.json", world.globex_agent).get_json()["user"]["role"] == "agent"
    assert api("GET", acme, "/openapi.json").status_code == 200
