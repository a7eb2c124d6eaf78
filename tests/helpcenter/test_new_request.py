"""The new-request form: fields by type and access, requirements, conditions, bad input."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Comment, Draft, Ticket, TicketFieldValue

from .conftest import hc


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def post_form(client, w, form, **data):
    return client.post(hc(w, f"requests/new?ticket_form_id={form.id}"), data=data)


def values_of(ticket):
    return {v.field_id: v.value for v in db.session.scalars(
        select(TicketFieldValue).where(TicketFieldValue.ticket_id == ticket.id))}


def test_home_lists_only_end_user_forms(client, world):
    html = client.get(hc(world)).get_data(as_text=True)
    assert "General request" in html and "Security report" in html
    assert "Incident" not in html


def test_form_page_shows_editable_fields_only(client, world, login):
    login(world.brand, world.user)
    response = client.get(hc(world, f"requests/new?ticket_form_id={world.general.id}"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for title in ("Category", "Notes", "Tags", "I agree", "Since", "Machines"):
        assert title in html
    assert "Reference" not in html  # read-only: shown on the request page, not the form
    assert "Internal priority" not in html
    assert 'type="date"' in html and 'type="number"' in html and "multiple" in html


def test_submit_creates_the_request_with_its_fields(client, world, login):
    login(world.brand, world.user)
    response = client.post(hc(world, f"requests/new?ticket_form_id={world.general.id}"), data={
        "subject": "Printer jams", "description": "Line one\nline two", f"field_{world.category.id}": "hardware",
        f"field_{world.tags.id}": ["urgent", "vip"], f"field_{world.consent.id}": "1",
        f"field_{world.when.id}": "2024-05-01", f"field_{world.count.id}": "3",
    })
    assert response.status_code == 302
    ticket = db.session.scalar(select(Ticket))
    assert response.headers["Location"].endswith(f"/requests/{ticket.id}")
    assert (ticket.requester_id, ticket.submitter_id, ticket.channel) == (world.user.id, world.user.id, "web")
    assert ticket.group_id == world.support.id and ticket.is_public and ticket.status == "new"
    assert values_of(ticket) == {world.category.id: "hardware", world.tags.id: ["urgent", "vip"],
                                 world.consent.id: True, world.when.id: "2024-05-01", world.count.id: 3}
    page = client.get(hc(world, f"requests/{ticket.id}")).get_data(as_text=True)
    assert "Line one<br>" in page and "hardware" in page


def test_missing_required_field_is_refused(client, world, login):
    login(world.brand, world.user)
    response = post_form(client, world, world.general, subject="Hi", description="Help")
    assert response.status_code == 422
    assert "Category is required." in response.get_data(as_text=True)
    assert count(Ticket) == 0


def test_option_not_in_the_list_is_refused(client, world, login):
    login(world.brand, world.user)
    response = post_form(client, world, world.general, subject="Hi", description="Help",
                         **{f"field_{world.category.id}": "teapot"})
    assert response.status_code == 422
    assert "teapot is not one of the choices." in response.get_data(as_text=True)
    assert count(Ticket) == 0


def test_bad_number_and_date_are_refused(client, world, login):
    login(world.brand, world.user)
    response = post_form(client, world, world.general, subject="Hi", description="Help",
                         **{f"field_{world.category.id}": "access", f"field_{world.count.id}": "many",
                            f"field_{world.when.id}": "yesterday"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please enter a number." in html and "Please enter a date" in html
    assert count(Ticket) == 0


def test_fields_the_person_may_not_edit_are_ignored(client, world, login):
    """Chosen behaviour: read-only, agent-only and foreign fields posted by hand are dropped."""
    login(world.brand, world.user)
    response = post_form(client, world, world.general, subject="Hi", description="Help", **{
        f"field_{world.category.id}": "access", f"field_{world.reference.id}": "forged",
        f"field_{world.internal_priority.id}": "high", f"field_{world.device.id}": "laptop"})
    assert response.status_code == 302
    assert values_of(db.session.scalar(select(Ticket))) == {world.category.id: "access", world.consent.id: False}


def test_twenty_kilobyte_subject_and_empty_description_are_refused(client, world, login):
    login(world.brand, world.user)
    response = post_form(client, world, world.general, subject="x" * 20_000, description="Help",
                         **{f"field_{world.category.id}": "access"})
    assert response.status_code == 422
    assert "The subject is too long" in response.get_data(as_text=True)
    response = post_form(client, world, world.general, subject="Hi", description="   ",
                         **{f"field_{world.category.id}": "access"})
    assert response.status_code == 422
    assert "Please describe your request." in response.get_data(as_text=True)
    assert count(Ticket) == 0 and count(Comment) == 0


def test_condition_hides_field_drops_value_and_lifts_requirement(client, world, login):
    login(world.brand, world.user)
    serial = f"field_{world.serial.id}"
    response = post_form(client, world, world.security_report, subject="Lost", description="My phone",
                         **{f"field_{world.device.id}": "phone", serial: "SN-1"})
    assert response.status_code == 302
    assert values_of(db.session.scalar(select(Ticket))) == {world.device.id: "phone"}
    response = post_form(client, world, world.security_report, subject="Lost", description="My laptop",
                         **{f"field_{world.device.id}": "laptop"})
    assert response.status_code == 422
    assert "Laptop serial is required." in response.get_data(as_text=True)
    assert count(Ticket) == 1


def test_conditional_field_starts_hidden_and_carries_its_rule(client, world, login):
    login(world.brand, world.user)
    html = client.get(hc(world, f"requests/new?ticket_form_id={world.security_report.id}")).get_data(as_text=True)
    assert f'data-field="field_{world.serial.id}"' in html
    assert "d-none" in html and "data-shown-when" in html and "helpcenter.js" in html


def test_form_of_another_brand_or_agent_only_form_is_not_found(client, world, make_world, login):
    other = make_world("globex")
    login(world.brand, world.user)
    assert client.get(hc(world, f"requests/new?ticket_form_id={other.general.id}")).status_code == 404
    assert client.get(hc(world, f"requests/new?ticket_form_id={world.incident.id}")).status_code == 404
    response = post_form(client, world, world.incident, subject="Hi", description="Help",
                         **{f"field_{world.category.id}": "access"})
    assert response.status_code == 404 and count(Ticket) == 0


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(hc(world, f"requests/new?ticket_form_id={world.general.id}"))
    assert response.status_code in (302, 401)
    assert count(Ticket) == 0


def test_draft_saved_resumed_and_submitted(client, world, login):
    login(world.brand, world.user)
    response = post_form(client, world, world.general, subject="Half done", description="",
                         save_draft="1", **{f"field_{world.notes.id}": "so far"})
    assert response.status_code == 302 and count(Ticket) == 0
    draft = db.session.scalar(select(Draft))
    listing = client.get(hc(world, "requests?tab=drafts")).get_data(as_text=True)
    assert "Half done" in listing
    resume = client.get(hc(world, f"requests/new?ticket_form_id={world.general.id}&draft_id={draft.id}"))
    assert "Half done" in resume.get_data(as_text=True) and "so far" in resume.get_data(as_text=True)
    response = client.post(hc(world, f"requests/new?ticket_form_id={world.general.id}&draft_id={draft.id}"),
                           data={"subject": "Done", "description": "All of it",
                                 f"field_{world.category.id}": "software"})
    assert response.status_code == 302
    assert count(Ticket) == 1 and count(Draft) == 0


def test_someone_elses_draft_is_not_found(client, world, login):
    login(world.brand, world.other)
    post_form(client, world, world.general, subject="Mine", description="", save_draft="1")
    draft = db.session.scalar(select(Draft))
    client.post(hc(world, "signout"))
    login(world.brand, world.user)
    assert client.get(hc(world, f"requests/new?ticket_form_id={world.general.id}&draft_id={draft.id}")).status_code == 404
    assert client.post(hc(world, f"drafts/{draft.id}/delete")).status_code == 404
    assert count(Draft) == 1


def test_draft_can_be_deleted_by_its_owner(client, world, login):
    login(world.brand, world.user)
    post_form(client, world, world.general, subject="Mine", description="", save_draft="1")
    draft = db.session.scalar(select(Draft))
    assert client.post(hc(world, f"drafts/{draft.id}/delete")).status_code == 302
    assert count(Draft) == 0


def test_signed_in_non_member_may_not_submit(client, world, make_world, login):
    elsewhere = make_world("globex")
    db.session.add(world.outsider)
    from portal.models import Membership

    db.session.add(Membership(user_id=world.outsider.id, brand_id=elsewhere.brand.id, role="end_user"))
    db.session.commit()
    login(elsewhere.brand, world.outsider)
    response = client.get(hc(world, f"requests/new?ticket_form_id={world.general.id}"))
    assert response.status_code == 403
    assert "You are not a member of this help centre." in response.get_data(as_text=True)
    response = post_form(client, world, world.general, subject="Hi", description="Help",
                         **{f"field_{world.category.id}": "access"})
    assert response.status_code == 403 and count(Ticket) == 0
