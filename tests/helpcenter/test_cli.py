"""`flask tickets close-solved`: per-brand delay counted from solved_at."""
from datetime import timedelta

from portal.extensions import db
from portal.models import Ticket, TicketEvent
from portal.models_base import utcnow


def test_close_solved_per_brand(app, make_world):
    quick = make_world("quick", auto_close_solved_after_days=1)
    slow = make_world("slow")  # default: 4 days
    now = utcnow()
    two_days = quick.make_ticket(quick.user, status="solved", solved_at=now - timedelta(days=2))
    fresh_one = quick.make_ticket(quick.user, status="solved", solved_at=now - timedelta(hours=12))
    slow_two_days = slow.make_ticket(slow.user, status="solved", solved_at=now - timedelta(days=2))
    slow_five_days = slow.make_ticket(slow.user, status="solved", solved_at=now - timedelta(days=5))
    still_open = slow.make_ticket(slow.user, status="open")
    ids = [t.id for t in (two_days, fresh_one, slow_two_days, slow_five_days, still_open)]

    result = app.test_cli_runner().invoke(args=["tickets", "close-solved"])

    assert result.exit_code == 0, result.output
    assert f"closed #{ids[0]} (quick" in result.output and f"closed #{ids[3]} (slow" in result.output
    assert "2 request(s) closed." in result.output
    db.session.expire_all()
    statuses = [db.session.get(Ticket, i).status for i in ids]
    assert statuses == ["closed", "solved", "solved", "closed", "open"]
    event = db.session.query(TicketEvent).filter_by(ticket_id=ids[0], field="status").one()
    assert (event.old_value, event.new_value, event.actor_id) == ("solved", "closed", None)

    again = app.test_cli_runner().invoke(args=["tickets", "close-solved"])
    assert "0 request(s) closed." in again.output
