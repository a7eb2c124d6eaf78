"""Forms and query strings lose control characters before any view reads them (DESIGN §12); single-line
values lose their line breaks too."""
import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.input_filter import clean_text
from portal.models import Comment, Ticket

from .conftest import hc

KEPT = "Café 🎉\tcolonne\nligne\r\nfin"


def test_a_new_request_and_a_comment_are_stored_without_nul(client, world, login):
    login(world.brand, world.user)
    response = client.post(hc(world, f"requests/new?ticket_form_id={world.general.id}"), data={
        "subject": "Need\x00 a monitor\x08", "description": "A second\x00 one\x1f " + KEPT,
        f"field_{world.category.id}": "hard\x00ware"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    assert ticket.subject == "Need a monitor"
    first = db.session.scalar(select(Comment.body).where(Comment.ticket_id == ticket.id))
    assert first == "A second one " + KEPT
    response = client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "Still\x00 broken\x0b " + KEPT})
    assert response.status_code == 302
    db.session.expire_all()
    bodies = db.session.scalars(select(Comment.body).where(Comment.ticket_id == ticket.id).order_by(Comment.id))
    assert list(bodies)[-1] == "Still broken " + KEPT


@pytest.mark.parametrize("name, stored", [("Grace\x00 Hopper\x1b", "Grace Hopper"),
                                          ("Grace\r\nHopper\x85", "Grace  Hopper")], ids=["nul", "line-breaks"])
def test_a_sign_up_name_is_stored_without_nul_or_line_breaks(client, make_brand, name, stored):
    make_brand("acme", self_registration=True)
    response = client.post("/acme/hc/en/signup", data={
        "name": name, "email": "grace@example.com",
        "password": "long-enough-pw", "confirm": "long-enough-pw"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.session.scalar(select(User.name).where(User.email == "grace@example.com")) == stored


def test_query_values_and_keys_are_cleaned(app):
    with app.test_request_context("/?q=caf%C3%A9%00%07%09x&k%00ey=v%0A"):
        from flask import request

        assert request.args["q"] == "café\tx"
        assert request.args["key"] == "v\n"
        assert request.values["q"] == "café\tx"


def test_clean_text_keeps_text_and_drops_only_controls():
    assert clean_text("a\x00b\x01\x08\x0b\x0c\x0e\x1f\x7fc") == "abc"
    assert clean_text(KEPT) == KEPT
    assert clean_text("\u00a0\u200b\u2028") == "\u00a0\u200b\u2028"  # not C0 controls: kept
    assert clean_text(None) is None and clean_text(3) == 3


def test_single_line_values_lose_their_line_breaks_and_multi_line_text_keeps_them(client, world, login):
    login(world.brand, world.user)
    response = client.post(hc(world, f"requests/new?ticket_form_id={world.security_report.id}"), data={
        "subject": "Stolen laptop\r\nBcc: evil@example.com", "description": "Gone.\r\nSince Monday.",
        f"field_{world.device.id}": "laptop", f"field_{world.serial.id}": "SN-1\r\nBcc: evil@example.com\u2028x"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    assert ticket.subject == "Stolen laptop  Bcc: evil@example.com"
    values = {v.field_id: v.value for v in ticket.field_values}
    assert values[world.serial.id] == "SN-1  Bcc: evil@example.com x"
    assert db.session.scalar(select(Comment.body).where(Comment.ticket_id == ticket.id)) == "Gone.\r\nSince Monday."
    # A textarea field is multi-line text: its lines stay.
    response = client.post(hc(world, f"requests/new?ticket_form_id={world.general.id}"), data={
        "subject": "\tMonitor\n", "description": "Please.", f"field_{world.category.id}": "hardware",
        f"field_{world.notes.id}": "line one\r\nline two"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    ticket = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    assert ticket.subject == "Monitor"
    assert {v.field_id: v.value for v in ticket.field_values}[world.notes.id] == "line one\r\nline two"


def test_a_subject_of_line_breaks_only_is_empty(client, world, login):
    login(world.brand, world.user)
    response = client.post(hc(world, f"requests/new?ticket_form_id={world.general.id}"), data={
        "subject": "\r\n\u2029\t", "description": "Please.", f"field_{world.category.id}": "hardware"})
    assert response.status_code == 422


def test_single_line():
    from portal.input_filter import single_line

    assert single_line(" a\r\nb\tc\u2028d\u2029e\x85f\x0bg ") == "a  b c d e fg"
    assert single_line(None) == "" and single_line("Café 🎉") == "Café 🎉"
