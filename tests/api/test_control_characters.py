"""The API stores no control characters, and a JSON body nested too deep is a 400 (DESIGN §12)."""
import json

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Comment, Ticket

from .conftest import basic, end_test_transaction

KEPT = "Café 🎉\tcolonne\nligne\r\nfin"


def test_requests_api_drops_nul_and_controls_from_subject_comment_and_keys(world, api):
    response = api("POST", world.brand, "/requests.json", world.user, json={"request": {
        "subject": "Printer\x00 jams\x1b[31m", "comment": {"body": "Floor\x00 2.\x07 " + KEPT},
        "custom_fields": [{"i\x00d": world.category.id, "val\x07ue": "hard\x00ware"}]}})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()["request"]
    assert created["subject"] == "Printer jams[31m"
    ticket = db.session.get(Ticket, created["id"])
    body = db.session.scalar(select(Comment.body).where(Comment.ticket_id == ticket.id))
    assert ticket.subject == "Printer jams[31m"
    assert body == "Floor 2. " + KEPT  # accents, emoji, tab and line breaks survive
    category = [f for f in created["custom_fields"] if f["id"] == world.category.id]
    assert category[0]["value"] == "hardware"


def test_tickets_api_drops_nul_from_the_subject(world, api):
    response = api("POST", world.brand, "/tickets.json", world.agent, json={"ticket": {
        "subject": "\x00Phone\x7f call\x0c", "comment": {"body": "Called\x00 about the VPN.", "public": False},
        "requester_id": world.user.id, "ticket_form_id": world.incident.id}})
    assert response.status_code == 201, response.get_json()
    assert db.session.get(Ticket, response.get_json()["ticket"]["id"]).subject == "Phone call"


@pytest.mark.parametrize("depth", [65, 5000, 100_000])
def test_a_body_nested_too_deep_answers_400_in_json(world, client, depth):
    end_test_transaction()
    response = client.post("/acme/api/v2/requests.json", data="[" * depth + "]" * depth,
                           content_type="application/json", headers=basic(world.user))
    assert response.status_code == 400
    error = response.get_json()
    assert error["error"] == "InvalidRequest" and "nested" in error["description"]
    end_test_transaction()
    assert db.session.scalar(select(Ticket.id)) is None


def test_a_body_nested_within_the_limit_is_still_read(world, client):
    deep = {"request": {"subject": "Printer jams", "comment": {"body": "Floor 2."},
                        "custom_fields": [{"id": world.category.id, "value": "hardware"}],
                        "extra": json.loads("[" * 50 + "]" * 50)}}
    end_test_transaction()
    response = client.post("/acme/api/v2/requests.json", json=deep, headers=basic(world.user))
    assert response.status_code == 201, response.get_json()


def test_an_api_subject_loses_its_line_breaks(world, api):
    response = api("POST", world.brand, "/tickets.json", world.agent, json={"ticket": {
        "subject": "Invoice\r\nBcc: evil@example.com", "comment": {"body": "Line 1\nLine 2", "public": False},
        "requester_id": world.user.id, "ticket_form_id": world.incident.id}})
    assert response.status_code == 201, response.get_json()
    ticket = db.session.get(Ticket, response.get_json()["ticket"]["id"])
    assert ticket.subject == "Invoice  Bcc: evil@example.com"
    assert db.session.scalar(select(Comment.body).where(Comment.ticket_id == ticket.id)) == "Line 1\nLine 2"
    response = api("POST", world.brand, "/requests.json", world.user, json={"request": {
        "subject": "Printer\u2028jams", "comment": {"body": "Floor 2."},
        "custom_fields": [{"id": world.category.id, "value": "hardware"}]}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["request"]["subject"] == "Printer jams"
