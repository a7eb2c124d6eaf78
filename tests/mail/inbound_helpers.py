"""Shared by the incoming-mail tests: a brand with its cast, the corpus, and `flask mail receive`."""
import os
from types import SimpleNamespace

from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import InboundMail
from portal.models import Comment, Ticket, TicketCollaborator, TicketForm

CORPUS = os.path.join(os.path.dirname(__file__), "corpus")
SUPPORT = "support@acme.example"


def build_world(make_brand, make_user, make_group, **settings):
    brand = make_brand("acme", "Acme IT", mail_from_address=SUPPORT, mail_support_addresses=["help@acme.example"],
                       **settings)
    w = SimpleNamespace(brand=brand)
    w.user = make_user(email="haru@example.com", name="Haru Tanaka", roles={brand: "end_user"})
    w.french = make_user(email="zoe@example.com", name="Zoé Lefèvre", locale="fr", roles={brand: "end_user"})
    w.cc = make_user(email="carla@example.com", name="Carla Copy", roles={brand: "end_user"})
    w.other = make_user(email="niels@example.com", name="Niels Bohr", roles={brand: "end_user"})
    w.agent = make_user(email="sarah@example.org", name="Sarah Agent", roles={brand: "agent"})
    w.light = make_user(email="louis@example.org", name="Louis Light", roles={brand: "light_agent"})
    w.admin = make_user(email="ada@example.org", name="Ada Admin", roles={brand: "admin"})
    w.support = make_group(brand, "Support", members=[w.agent, w.light])
    w.form = TicketForm(brand_id=brand.id, name="General request", end_user_visible=True,
                        default_group_id=w.support.id)
    db.session.add(w.form)
    db.session.commit()
    return w


def make_ticket(w, requester=None, status="pending", subject="Printer jams", ccs=()):
    requester = requester or w.user
    ticket = Ticket(brand_id=w.brand.id, subject=subject, status=status, requester_id=requester.id,
                    submitter_id=requester.id, group_id=w.support.id, form_id=w.form.id)
    db.session.add(ticket)
    db.session.flush()
    db.session.add(Comment(ticket_id=ticket.id, author_id=requester.id, body="It jams."))
    for person in ccs:
        db.session.add(TicketCollaborator(ticket_id=ticket.id, user_id=person.id))
    db.session.commit()
    return ticket


def reply_address(ticket) -> str:
    return f"support+{ticket.reply_token}@acme.example"


def corpus(name: str, *, to=SUPPORT, sender="haru@example.com", ref="<none@nowhere.example>", number=0) -> bytes:
    with open(os.path.join(CORPUS, name), "rb") as handle:
        raw = handle.read()
    for key, value in ((b"%TO%", to), (b"%FROM%", sender), (b"%REF%", ref), (b"%N%", str(number))):
        raw = raw.replace(key, value.encode())
    return raw


def receive(app, raw: bytes, *args):
    """`flask mail receive` in-process, as the mail server's pipe runs it; the test's own
    transaction is committed first (SQLite's write lock) and its objects read afresh after."""
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "receive", *args], input=raw)
    db.session.expire_all()
    return result


def comments_of(ticket) -> list:
    return list(db.session.scalars(select(Comment).where(Comment.ticket_id == ticket.id).order_by(Comment.id)))


def inbound_rows() -> list:
    return list(db.session.scalars(select(InboundMail).order_by(InboundMail.id)))
