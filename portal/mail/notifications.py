"""What Guichet tells people by e-mail, and to whom (DESIGN §14, issue 15 "What is sent").

Each function is called by the service that causes it, in the same transaction: it only adds
outbox rows (`queue_mail`), one per recipient, and `flask mail deliver` sends them later.
Recipients are read in one statement per notification, never one per person; a deactivated
account, a person who is not (yet) a member of the brand and the author of the change get
nothing. Each message is written in its recipient's language (their own, else the brand's
default), as text and HTML (templates/mail/), with the brand's name and colour.

Requesters and CCs only ever hear of what is public: an internal note, or a request that is
internal (a light agent's, DESIGN §5.1), is never mailed to them, whoever they are (an agent who
requested a ticket included, with or without `hide_internal_notes_from_agent_requesters`).

Threading: every message about a request answers its root id `<ticket-{id}@{host}>`
(In-Reply-To, References), so a mail client shows one thread per request, and its Reply-To is
`{local}+{token}@{domain}` from the brand's sender, with the request's secret `reply_token`
(read back by the incoming mail of issue 16). That token is never shown anywhere else.
"""
from email.utils import parseaddr
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, select

from ..audit.models import AuditEvent
from ..auth.models import User
from ..brands.models import STAFF_ROLES, AgentPreference, Group, GroupMember, Membership
from ..brands.settings import settings_for
from ..extensions import db
from ..labels import channel_label
from ..statements import statement
from ..tickets.models import Comment, Ticket, TicketCollaborator, new_reply_token
from .links import mail_link
from .outbox import queue_mail, sender_for

DEFAULT_COLOUR = "#0d6efd"
EXCERPT = 4000  # characters of a reply quoted in its notification


class Person(NamedTuple):
    id: int
    email: str
    name: str
    locale: str | None
    role: str | None = None
    wants_group_mail: bool | None = None


def _person_columns():
    return (User.id, User.email, User.name, User.locale, Membership.role)


@statement
def _members():
    """Active members of a brand (`brand_id` bound at execution)."""
    return (select(*_person_columns())
            .join(Membership, and_(Membership.user_id == User.id, Membership.brand_id == bindparam("brand_id")))
            .where(User.active.is_(True)))


# --- requesters and CCs ---------------------------------------------------------------------------
def request_received(ticket, actor) -> None:
    """A new request: its requester (and CCs) are told it arrived, unless it is internal; the
    agents of its group (and its assignee, if it has one) learn of new work."""
    brand, settings = ticket.brand, settings_for(ticket.brand)
    if ticket.is_public:
        for person in _parties(ticket):
            with force_locale(_locale(settings, person)):
                _ticket_mail(ticket, person, "request_received",
                             _("[#%(id)d] Request received: %(subject)s", id=ticket.id, subject=ticket.subject),
                             [_("We have received your request #%(id)d, “%(subject)s”. We will answer you "
                                "as soon as we can.", id=ticket.id, subject=ticket.subject)],
                             links=[(_("Open your request"), _request_link(brand, ticket, person, settings))])
    ticket_routed(ticket, actor, group=ticket.group_id is not None, assignee=ticket.assignee_id is not None)


def comment_added(ticket, comment, actor) -> None:
    """A public reply reaches the requester and CCs (never its author); a requester's (or CC's)
    reply reaches the ticket's assignee. An internal note is mailed to nobody."""
    if not comment.is_public or not ticket.is_public:
        return
    brand, settings = ticket.brand, settings_for(ticket.brand)
    author_name = actor.person.name if actor.person is not None and actor.person.id == comment.author_id \
        else comment.author.name
    parties = _parties(ticket)
    for person in parties:
        if person.id == comment.author_id:
            continue
        with force_locale(_locale(settings, person)):
            _ticket_mail(ticket, person, "public_reply",
                         _("[#%(id)d] New reply: %(subject)s", id=ticket.id, subject=ticket.subject),
                         [_("%(name)s replied to your request #%(id)d, “%(subject)s”:", name=author_name,
                            id=ticket.id, subject=ticket.subject)],
                         quote=_excerpt(comment.body), quote_author=author_name,
                         links=[(_("Open your request"), _request_link(brand, ticket, person, settings))])
    from_party = comment.author_id == ticket.requester_id or comment.author_id in {p.id for p in parties}
    if from_party and ticket.assignee_id is not None and ticket.assignee_id != comment.author_id:
        for person in _staff(ticket, [ticket.assignee_id]):
            with force_locale(_locale(settings, person)):
                _ticket_mail(ticket, person, "requester_replied",
                             _("[#%(id)d] %(name)s replied: %(subject)s", id=ticket.id, name=author_name,
                               subject=ticket.subject),
                             [_("%(name)s replied on ticket #%(id)d, “%(subject)s”, which is assigned to you:",
                                name=author_name, id=ticket.id, subject=ticket.subject)],
                             quote=_excerpt(comment.body), quote_author=author_name,
                             links=[(_("Open the ticket"), mail_link(brand, "agent.ticket", ticket_id=ticket.id))])


def request_solved(ticket, actor) -> None:
    """The requester and CCs learn their request is solved (not the one who solved it), with a
    link to rate it when the brand asks for ratings. Nothing for an internal request."""
    if not ticket.is_public:
        return
    brand, settings = ticket.brand, settings_for(ticket.brand)
    me = _person_id(actor)
    for person in _parties(ticket):
        if person.id == me:
            continue
        with force_locale(_locale(settings, person)):
            link = _request_link(brand, ticket, person, settings)
            lines = [_("Your request #%(id)d, “%(subject)s”, is solved. If something is still wrong, "
                       "reply on the request and it opens again.", id=ticket.id, subject=ticket.subject)]
            links = [(_("Open your request"), link)]
            if settings.satisfaction_ratings and not ticket.rating:
                lines.append(_("How did we do? You can rate our answer on the request's page."))
                links.append((_("Rate our answer"), link + "#rating"))
            _ticket_mail(ticket, person, "request_solved",
                         _("[#%(id)d] Request solved: %(subject)s", id=ticket.id, subject=ticket.subject),
                         lines, links=links)


# --- agents ---------------------------------------------------------------------------------------
def ticket_routed(ticket, actor, *, group: bool, assignee: bool) -> None:
    """Routed to a group: its agents who want it are told (not the actor, not the assignee);
    assigned: the assignee is told, unless they assigned it to themselves."""
    brand, settings = ticket.brand, settings_for(ticket.brand)
    me = _person_id(actor)
    link = mail_link(brand, "agent.ticket", ticket_id=ticket.id)
    if assignee and ticket.assignee_id is not None and ticket.assignee_id != me:
        for person in _staff(ticket, [ticket.assignee_id]):
            with force_locale(_locale(settings, person)):
                _ticket_mail(ticket, person, "ticket_assigned",
                             _("[#%(id)d] Assigned to you: %(subject)s", id=ticket.id, subject=ticket.subject),
                             [_("Ticket #%(id)d, “%(subject)s”, is now assigned to you.", id=ticket.id,
                                subject=ticket.subject)],
                             links=[(_("Open the ticket"), link)])
    if not group or ticket.group_id is None:
        return
    rows = _read(
        select(*_person_columns(), AgentPreference.mail_new_in_group, Group.name)
        .join(GroupMember, GroupMember.user_id == User.id)
        .join(Group, and_(Group.id == GroupMember.group_id, Group.brand_id == ticket.brand_id))
        .join(Membership, and_(Membership.user_id == User.id, Membership.brand_id == ticket.brand_id,
                               Membership.role.in_(STAFF_ROLES)))
        .outerjoin(AgentPreference, AgentPreference.user_id == User.id)
        .where(GroupMember.group_id == ticket.group_id, User.active.is_(True)).order_by(User.id))
    for *columns, wants, group_name in rows:
        person = Person(*columns)
        if person.id in (me, ticket.assignee_id) or wants is False:
            continue
        with force_locale(_locale(settings, person)):
            _ticket_mail(ticket, person, "new_in_group",
                         _("[#%(id)d] New request in %(group)s: %(subject)s", id=ticket.id, group=group_name,
                           subject=ticket.subject),
                         [_("Request #%(id)d, “%(subject)s”, was routed to your group %(group)s.",
                            id=ticket.id, subject=ticket.subject, group=group_name)],
                         links=[(_("Open the ticket"), link)],
                         footer=_("You can stop these messages in the workspace's notification settings."))


def assistance_requested(assistance, ticket, agent, notified_ids) -> None:
    """The group's supervisors who were not online (and so got no notice) hear of it by mail."""
    if assistance.group_id is None:
        return
    brand, settings = ticket.brand, settings_for(ticket.brand)
    skip = set(notified_ids) | {agent.id}
    rows = db.session.execute(
        select(*_person_columns())
        .join(GroupMember, and_(GroupMember.user_id == User.id, GroupMember.group_id == assistance.group_id,
                                GroupMember.is_supervisor.is_(True)))
        .join(Membership, and_(Membership.user_id == User.id, Membership.brand_id == ticket.brand_id,
                               Membership.role.in_(STAFF_ROLES)))
        .where(User.active.is_(True)).order_by(User.id)).all()
    link = mail_link(brand, "agent.ticket", ticket_id=ticket.id)
    for row in rows:
        person = Person(*row)
        if person.id in skip:
            continue
        with force_locale(_locale(settings, person)):
            _ticket_mail(ticket, person, "assistance_requested",
                         _("[#%(id)d] Assistance requested: %(subject)s", id=ticket.id, subject=ticket.subject),
                         [_("%(name)s asks a supervisor for assistance on ticket #%(id)d, “%(subject)s”:",
                            name=agent.name, id=ticket.id, subject=ticket.subject)],
                         quote=assistance.reason, quote_author=agent.name,
                         links=[(_("Open the ticket"), link)])


# --- accounts -------------------------------------------------------------------------------------
def email_changed(user, old_email: str, brand) -> None:
    """The sign-in address changed: a notice to the old address (in case it was not its owner)
    and to the new one."""
    settings = settings_for(brand) if brand is not None else None
    person = Person(user.id, user.email, user.name, user.locale)
    with force_locale(_locale(settings, person)):
        subject = _("Your e-mail address was changed")
        lines = [_("The sign-in e-mail address of your account %(name)s was changed from %(old)s to %(new)s.",
                   name=user.name, old=old_email, new=user.email),
                 _("If you did not make this change, reset your password at once and tell the help centre's team.")]
        links = []
        if brand is not None:
            links = [(_("Open your profile"), mail_link(brand, "auth.profile", locale=_locale(settings, person)))]
        for address in (old_email, user.email):
            _queue(brand, Person(user.id, address, user.name, user.locale), "email_changed", subject, lines,
                   links=links)


# --- assisted service -----------------------------------------------------------------------------
def assist_summary(executor, interaction, end_point) -> None:
    """When an assist ends (by the agent, a switch or the idle timeout) the assisted person gets
    what was done on their behalf, read from the interaction's rows: requests created, replies
    added, profile changes. `executor` is the session or the connection that ends the assist: the
    message is written in the same transaction as the end."""

    brand, user, agent = interaction.brand, interaction.user, interaction.agent
    settings = settings_for(brand)
    if not settings.assist_summary_mail or not user.active:
        return
    start = interaction.started_at
    created = executor.execute(
        select(Ticket.id, Ticket.subject).where(
            Ticket.brand_id == brand.id, Ticket.requester_id == user.id, Ticket.assisted_by_id == agent.id,
            Ticket.created_at >= start, Ticket.created_at <= end_point).order_by(Ticket.id)).all()
    created_ids = {row[0] for row in created}
    replied = [ticket_id for (ticket_id,) in executor.execute(
        select(Comment.ticket_id).join(Ticket, Ticket.id == Comment.ticket_id).where(
            Ticket.brand_id == brand.id, Comment.author_id == user.id, Comment.assisted_by_id == agent.id,
            Comment.created_at >= start, Comment.created_at <= end_point).distinct().order_by(Comment.ticket_id)).all()
        if ticket_id not in created_ids]
    profile = executor.execute(
        select(AuditEvent.id).where(
            AuditEvent.action.in_(("user.profile_changed", "user.email_changed")), AuditEvent.object_type == "User",
            AuditEvent.object_id == user.id, AuditEvent.created_at >= start,
            AuditEvent.created_at <= end_point).limit(1)).first()
    person = Person(user.id, user.email, user.name, user.locale)
    locale = _locale(settings, person)
    with force_locale(locale):
        lines = [_("%(agent)s helped you on %(date)s (%(channel)s).", agent=agent.name,
                   date=format_date(start, "medium"), channel=channel_label(interaction.channel))]
        done = [_("Request #%(id)d created: %(subject)s", id=ticket_id, subject=subject)
                for ticket_id, subject in created]
        done += [_("Reply added to request #%(id)d", id=ticket_id) for ticket_id in replied]
        if profile is not None:
            done.append(_("Profile updated"))
        lines.append(_("What was done on your behalf:") if done else
                     _("Nothing was changed on your behalf."))
        if done:
            lines.append(done)  # a list: written as bullets
        lines.append(_("If something here is not what you asked for, tell the help centre's team."))
        links = [(_("See your requests"), mail_link(brand, "helpcenter.my_activities", locale=locale))]
        _queue(brand, person, "assist_summary",
               _("Summary of the help you received from %(brand)s", brand=brand.name), lines, links=links,
               executor=executor)


# --- building and queueing ------------------------------------------------------------------------
def _person_id(actor):
    person = getattr(actor, "person", None)
    return getattr(person, "id", None)


def _read(query, parameters=None) -> list:
    """Rows read on the transaction's connection: never flushing the caller's pending changes (the
    workspace flushes them itself, where a concurrent change is a 409), and without the ORM's
    per-statement work (half the cost of a reply's notification)."""
    return db.session.connection().execute(query, parameters or {}).all()


@statement
def _parties_statement():
    copied = select(TicketCollaborator.user_id).where(TicketCollaborator.ticket_id == bindparam("ticket_id"))
    return _members().where(or_(User.id == bindparam("requester_id"), User.id.in_(copied))).order_by(User.id)


def _parties(ticket) -> list[Person]:
    """The requester and CCs who are active members of the ticket's brand, in one statement
    (built once: building it cost more than running it, on every public reply)."""
    return [Person(*row) for row in _read(_parties_statement(), {
        "brand_id": ticket.brand_id, "ticket_id": ticket.id, "requester_id": ticket.requester_id})]


def _staff(ticket, ids) -> list[Person]:
    """These people, if active staff of the ticket's brand."""
    return [Person(*row) for row in _read(
        _members().where(User.id.in_(ids), Membership.role.in_(STAFF_ROLES)), {"brand_id": ticket.brand_id})]


def _locale(settings, person) -> str:
    if settings is None:
        return person.locale if person.locale in current_app.config["LANGUAGES"] else \
            current_app.config["BABEL_DEFAULT_LOCALE"]
    return person.locale if person.locale in settings.locales else settings.default_locale


def _request_link(brand, ticket, person, settings) -> str:
    return mail_link(brand, "helpcenter.request_page", locale=_locale(settings, person), ticket_id=ticket.id)


def _excerpt(body: str) -> str:
    body = (body or "").strip()
    return body if len(body) <= EXCERPT else body[:EXCERPT].rstrip() + " […]"


def _colour(brand) -> str:
    colour = getattr(brand, "colour", None) or ""
    ok = len(colour) == 7 and colour[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    return colour if ok else DEFAULT_COLOUR


def thread_id(ticket) -> str:
    """The root every message about this request answers (In-Reply-To, References)."""
    host = urlsplit(current_app.config.get("BASE_URL") or "").hostname or "guichet.invalid"
    return f"<ticket-{ticket.id}@{host}>"


def reply_address(brand, ticket) -> str:
    """`{local}+{token}@{domain}` on the brand's sender address: replies to it reach the request."""
    if not ticket.reply_token:  # a request written without one (bulk loads): given one now
        ticket.reply_token = new_reply_token()
    mailbox = _mailbox(sender_for(brand))
    local, _at, domain = mailbox.rpartition("@")
    return f"{local.split('+')[0]}+{ticket.reply_token}@{domain}"


@lru_cache(maxsize=256)  # a brand's sender, parsed for each of its messages
def _mailbox(sender: str) -> str:
    return parseaddr(sender)[1]


def _ticket_mail(ticket, person, kind, subject, lines, *, quote=None, quote_author=None, links=(), footer=None):
    root = thread_id(ticket)
    footer = footer or _("You receive this message about request #%(id)d at %(brand)s.", id=ticket.id,
                         brand=ticket.brand.name)
    _queue(ticket.brand, person, kind, subject, lines, quote=quote, quote_author=quote_author, links=links,
           footer=footer, in_reply_to=root, references=root, reply_to=reply_address(ticket.brand, ticket))


def _queue(brand, person, kind, subject, lines, *, quote=None, quote_author=None, links=(), footer=None,
           executor=None, **headers) -> None:
    """Queue one message as its content, in the current forced locale: the words are translated
    now, and laid out as text and HTML when it is sent (layout.py)."""
    brand_name = brand.name if brand is not None else "Guichet"
    language = str(_current_locale())
    content = {"subject": subject, "brand_name": brand_name, "colour": _colour(brand),
               "greeting": _("Hello %(name)s,", name=person.name), "lines": lines, "quote": quote,
               "quote_author": quote_author, "links": list(links), "footer": footer,
               "signature": _("The %(brand)s team", brand=brand_name), "language": language}
    # `executor`: the connection that ends an assist (a GET's own short transaction).
    queue_mail(brand, person.email, subject, None, kind, content=content, language=language,
               executor=None if executor is db.session else executor, **headers)


def _current_locale():
    from flask_babel import get_locale

    return get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
