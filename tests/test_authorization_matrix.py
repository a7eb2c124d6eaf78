"""The authorization matrix: every route x method x actor x object, against a written table (issue 12).

The routes come from `app.url_map`, so a route added later fails this test until a row for it is
written into EXPECTED below (the failure prints the row it observed, to be checked and pasted).
Each `<int:…>` path value (and the few query/form ids listed in OBJECT_FIELDS) is filled with a
real object of the right brand:
- "own": an object of acme, the brand in the URL: its answer must equal the table;
- "other": the same route on /acme/ naming an object of globex (all ids, and for routes naming
  several objects each id swapped alone): it must answer 404 to every actor (DESIGN §2), unless
  the actor was already refused before any object was read (the same sign-in, 403 or workspace
  answer as for acme's object) — either way the answer says nothing about the object. Sessions
  and API tokens belong to a person, not a brand: there "other" is someone else's (niels@'s).

Runs on the demo data (DESIGN §10). Every request that is not a GET is followed by a restore of
the database to its state before the walk, and every actor's cookie is sent unchanged, so a sign
out, a removed member or an ended assist changes nothing for the next cell. HTML routes send
empty forms, the API `{}` (authenticated with HTTP Basic; it never sees the cookie).

Codes (one response -> one class):
  "."  let in: 2xx, a redirect elsewhere than below, or 400/409/422 (empty input refused on its merits)
  "L"  sign in first: 401, or a redirect to …/signin
  "F"  forbidden: 403
  "N"  hidden: 404
  "W"  a help-centre route sending staff to the agent workspace (a redirect to /acme/agent/…, §5)
  429 and 5xx are never acceptable.
Actors (columns, in this order):
  a  anonymous                   n  marie@, globex only (non-member of acme)
  u  user@, end user              l  light@, light agent
  s  super@, agent without can_assist
  g  agent@, agent with can_assist (a session not assisting)
  d  admin@, admin                o  a globex-only admin (another brand's admin)
  x  agent@ while assisting user@ (phone, "General request")
"""
import base64
import re
import sqlite3
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal import create_app
from portal.agent.models import AssistanceRequest
from portal.api.auth import hash_secret
from portal.api.models import ApiToken
from portal.assist.models import Interaction
from portal.attachments.models import Attachment
from portal.attachments.services import _token_hash
from portal.attachments.storage import storage
from portal.auth import invitations as invitation_service
from portal.auth import reset as reset_service
from portal.auth.models import Invitation, User, UserSession
from portal.auth.services import add_membership, create_user
from portal.extensions import db
from portal.mail.models import InboundMail
from portal.models import Brand, Comment, Group, Membership
from portal.models_base import utcnow
from portal.tickets.models import Draft, FieldCondition, Ticket, TicketField, TicketForm
from tests.conftest import _serve_each_request_on_its_own

PASSWORD = "demo-password"
ACTORS = ("anonymous", "non_member", "end_user", "light_agent", "agent", "assist_agent", "admin",
          "other_admin", "assisting")
EMAILS = {"anonymous": None, "non_member": "marie@example.com", "end_user": "user@example.com",
          "light_agent": "light@example.com", "agent": "super@example.com",
          "assist_agent": "agent@example.com", "admin": "admin@example.com",
          "other_admin": "globex-admin@example.com", "assisting": "agent@example.com"}
# Where each actor signs in: never on acme for the people who are not its members (signing in to
# an open brand makes you its end user, DESIGN §2).
SIGNIN_BRAND = {"non_member": "globex", "other_admin": "globex"}

# fmt: off
# "METHOD rule": codes for the actors a n u l s g d o x (each API path's `.json` twin uses its row)
EXPECTED = {
    #                                                                                        anulsgdox
    # --- Help centre (acme: agents_manage_requests on, so staff stay; §5)
    "GET /<brand>/hc/<locale>/":                                                            ".........",
    "POST /<brand>/hc/<locale>/drafts/<int:draft_id>/delete":                               "LN.NNNNN.",
    "GET /<brand>/hc/<locale>/invitation":                                                  "L.NNNNNNN",
    "POST /<brand>/hc/<locale>/invitation":                                                 "L.NNNNNNN",
    "GET /<brand>/hc/<locale>/invitation/<token>":                                          ".........",
    "POST /<brand>/hc/<locale>/invitation/<token>":                                         "L.LLLLLLL",
    "GET /<brand>/hc/<locale>/password/forgot":                                             ".........",
    "POST /<brand>/hc/<locale>/password/forgot":                                            ".........",
    "GET /<brand>/hc/<locale>/password/reset/<token>":                                      ".........",
    "POST /<brand>/hc/<locale>/password/reset/<token>":                                     ".........",
    "GET /<brand>/hc/<locale>/profile":                                                     "L........",
    "POST /<brand>/hc/<locale>/profile":                                                    "L........",
    "POST /<brand>/hc/<locale>/profile/email":                                              "L.......F",
    "POST /<brand>/hc/<locale>/profile/password":                                           "L.......F",
    "POST /<brand>/hc/<locale>/profile/sessions/<int:session_id>/end":                      "LN.NNNNNN",
    "POST /<brand>/hc/<locale>/profile/sessions/end-others":                                "L........",
    "POST /<brand>/hc/<locale>/profile/tokens":                                             "L.......F",
    "POST /<brand>/hc/<locale>/profile/tokens/<int:token_id>/revoke":                       "LN.NNNNNF",
    "GET /<brand>/hc/<locale>/requests":                                                    "LF.....F.",
    "GET /<brand>/hc/<locale>/requests/<int:ticket_id>":                                    "LN.NNNNN.",
    "POST /<brand>/hc/<locale>/requests/<int:ticket_id>/comments":                          "LN.NNNNN.",
    "POST /<brand>/hc/<locale>/requests/<int:ticket_id>/rating":                            "LN.NNNNNF",
    "POST /<brand>/hc/<locale>/requests/<int:ticket_id>/solve":                             "LN.NNNNN.",
    "GET /<brand>/hc/<locale>/requests/new":                                                "LF.....F.",
    "POST /<brand>/hc/<locale>/requests/new":                                               "LF.....F.",
    "GET /<brand>/hc/<locale>/signin":                                                      ".........",
    "POST /<brand>/hc/<locale>/signin":                                                     ".........",
    "POST /<brand>/hc/<locale>/signout":                                                    ".........",
    "GET /<brand>/hc/<locale>/signup":                                                      ".........",
    "POST /<brand>/hc/<locale>/signup":                                                     ".........",
    # --- Agent workspace, assisted service (§6, §8)
    "GET /<brand>/agent/":                                                                  "LFF....F.",
    "GET /<brand>/agent/assist":                                                            "LNNNN.NN.",
    "GET /<brand>/agent/assist/end":                                                        "LNNNN.NN.",
    "POST /<brand>/agent/assist/end":                                                       "LNNNN.NN.",
    "POST /<brand>/agent/assist/pause":                                                     "LNNNN.NN.",
    "GET /<brand>/agent/assist/register":                                                   "LNNNN.NN.",
    "POST /<brand>/agent/assist/register":                                                  "LNNNN.NN.",
    "POST /<brand>/agent/assist/resume":                                                    "LNNNN.NN.",
    "GET /<brand>/agent/assist/start":                                                      "LNNNN.NN.",
    "POST /<brand>/agent/assist/start":                                                     "LNNNN.NN.",
    "GET /<brand>/agent/assist/state":                                                      "L........",  # the caller's own state ({"active": false} when not assisting): nothing of the brand
    "POST /<brand>/agent/assistance/<int:request_id>/<any(cancelled, done):outcome>":       "LFFFF.FF.",
    "POST /<brand>/agent/assistance/<int:request_id>/accept":                               "LFFF.FFFF",
    "POST /<brand>/agent/assistance/<int:request_id>/messages":                             "LFFFF.FF.",
    "GET /<brand>/agent/comments/<int:comment_id>/original":                                "LFF....F.",
    "GET /<brand>/agent/dashboards":                                                        "LNNNN..N.",
    "GET /<brand>/agent/dashboards.csv":                                                    "LNNNN..N.",
    "GET /<brand>/agent/interactions":                                                      "LNNNN..N.",
    "GET /<brand>/agent/interactions/<int:interaction_id>/edit":                            "LNNNN.NN.",
    "POST /<brand>/agent/interactions/<int:interaction_id>/edit":                           "LNNNN.NN.",
    "GET /<brand>/agent/interactions/new":                                                  "LNNNN.NN.",
    "POST /<brand>/agent/interactions/new":                                                 "LNNNN.NN.",
    "GET /<brand>/agent/poll":                                                              "LFF....F.",
    "POST /<brand>/agent/preferences":                                                      "LFF....F.",
    "GET /<brand>/agent/tickets/<int:ticket_id>":                                           "LFF....F.",
    "POST /<brand>/agent/tickets/<int:ticket_id>":                                          "LFFF...F.",
    "POST /<brand>/agent/tickets/<int:ticket_id>/assistance":                               "LFFF...F.",
    "GET /<brand>/agent/tickets/new":                                                       "LFF....F.",
    "POST /<brand>/agent/tickets/new":                                                      "LFF....F.",
    "GET /<brand>/agent/users":                                                             "LFFF...F.",
    "GET /<brand>/agent/users/<int:user_id>":                                               "LNNNN..N.",
    "GET /<brand>/agent/users/suggest":                                                     "LFFF...F.",
    # --- Brand administration: hidden from everyone but the brand's admins
    "GET /<brand>/admin/":                                                                  "LNNNNN.NN",
    "GET /<brand>/admin/audit":                                                             "LNNNNN.NN",
    "GET /<brand>/admin/fields":                                                            "LNNNNN.NN",
    "POST /<brand>/admin/fields":                                                           "LNNNNN.NN",
    "GET /<brand>/admin/fields/<int:field_id>":                                             "LNNNNN.NN",
    "POST /<brand>/admin/fields/<int:field_id>":                                            "LNNNNN.NN",
    "GET /<brand>/admin/forms":                                                             "LNNNNN.NN",
    "POST /<brand>/admin/forms":                                                            "LNNNNN.NN",
    "GET /<brand>/admin/forms/<int:form_id>":                                               "LNNNNN.NN",
    "POST /<brand>/admin/forms/<int:form_id>":                                              "LNNNNN.NN",
    "POST /<brand>/admin/forms/<int:form_id>/active":                                       "LNNNNN.NN",
    "POST /<brand>/admin/forms/<int:form_id>/conditions":                                   "LNNNNN.NN",
    "POST /<brand>/admin/forms/<int:form_id>/conditions/<int:condition_id>/remove":         "LNNNNN.NN",
    "POST /<brand>/admin/forms/<int:form_id>/fields":                                       "LNNNNN.NN",
    "POST /<brand>/admin/forms/<int:form_id>/fields/<int:field_id>/move":                   "LNNNNN.NN",
    "POST /<brand>/admin/forms/<int:form_id>/fields/<int:field_id>/remove":                 "LNNNNN.NN",
    "POST /<brand>/admin/forms/<int:form_id>/move":                                         "LNNNNN.NN",
    "GET /<brand>/admin/groups":                                                            "LNNNNN.NN",
    "POST /<brand>/admin/groups":                                                           "LNNNNN.NN",
    "GET /<brand>/admin/groups/<int:group_id>":                                             "LNNNNN.NN",
    "POST /<brand>/admin/groups/<int:group_id>":                                            "LNNNNN.NN",
    "POST /<brand>/admin/groups/<int:group_id>/members":                                    "LNNNNN.NN",
    "POST /<brand>/admin/groups/<int:group_id>/members/<int:user_id>/remove":               "LNNNNN.NN",
    "POST /<brand>/admin/groups/<int:group_id>/members/<int:user_id>/supervisor":           "LNNNNN.NN",
    "POST /<brand>/admin/invitations/<int:invitation_id>/withdraw":                         "LNNNNN.NN",
    "GET /<brand>/admin/mail":                                                              "LNNNNN.NN",
    "GET /<brand>/admin/mail/rejected":                                                     "LNNNNN.NN",
    "GET /<brand>/admin/mail/rejected/<int:inbound_id>":                                    "LNNNNN.NN",
    "GET /<brand>/admin/members":                                                           "LNNNNN.NN",
    "POST /<brand>/admin/members":                                                          "LNNNNN.NN",
    "POST /<brand>/admin/members/<int:membership_id>":                                      "LNNNNN.NN",
    "GET /<brand>/admin/members/<int:membership_id>/remove":                                "LNNNNN.NN",
    "POST /<brand>/admin/members/<int:membership_id>/remove":                               "LNNNNN.NN",
    "GET /<brand>/admin/settings":                                                          "LNNNNN.NN",
    "POST /<brand>/admin/settings":                                                         "LNNNNN.NN",
    # --- API, HTTP Basic as each actor (x = agent@'s password: the API knows no assist)
    "GET /<brand>/api/v2/brands":                                                           "LF.....F.",
    "GET /<brand>/api/v2/brands/<int:brand_id>":                                            "LF.....F.",
    "GET /<brand>/api/v2/openapi.json":                                                     ".........",
    "GET /<brand>/api/v2/requests":                                                         "LF.....F.",
    "POST /<brand>/api/v2/requests":                                                        "LF.....F.",
    "GET /<brand>/api/v2/requests/<int:request_id>":                                        "LF.NNNNFN",
    "PUT /<brand>/api/v2/requests/<int:request_id>":                                        "LF.NNNNFN",
    "GET /<brand>/api/v2/requests/<int:request_id>/comments":                               "LF.NNNNFN",
    "GET /<brand>/api/v2/requests/ccd":                                                     "LF.....F.",
    "GET /<brand>/api/v2/requests/open":                                                    "LF.....F.",
    "GET /<brand>/api/v2/requests/search":                                                  "LF.....F.",
    "GET /<brand>/api/v2/requests/solved":                                                  "LF.....F.",
    "GET /<brand>/api/v2/ticket_fields":                                                    "LF.....F.",
    "GET /<brand>/api/v2/ticket_fields/<int:field_id>":                                     "LF.....F.",
    "GET /<brand>/api/v2/ticket_forms":                                                     "LF.....F.",
    "GET /<brand>/api/v2/ticket_forms/<int:form_id>":                                       "LF.....F.",
    "GET /<brand>/api/v2/tickets":                                                          "LFF....F.",
    "POST /<brand>/api/v2/tickets":                                                         "LFF....F.",
    "GET /<brand>/api/v2/tickets/<int:ticket_id>":                                          "LFF....F.",
    "PUT /<brand>/api/v2/tickets/<int:ticket_id>":                                          "LFFF...F.",
    "GET /<brand>/api/v2/tickets/<int:ticket_id>/comments":                                 "LFF....F.",
    "POST /<brand>/api/v2/tickets/<int:ticket_id>/satisfaction_rating":                     "LF.NNNNFN",
    "GET /<brand>/api/v2/users/<int:user_id>":                                              "LFF....F.",
    "GET /<brand>/api/v2/users/<int:user_id>/requests":                                     "LFF....F.",
    "GET /<brand>/api/v2/users/me":                                                         "LF.....F.",
    "GET /<brand>/api/v2/users/search":                                                     "LFFF...F.",
    "POST /<brand>/api/v2/uploads":                                                         "LF.....F.",
    "DELETE /<brand>/api/v2/uploads/<token>":                                               "LF.NNNNFN",  # user@'s upload: hers alone
    # --- Attachments (§15): exactly who reads the comment (a public one on user@'s request here)
    "GET /<brand>/attachments/<int:attachment_id>":                                         "LN.....N.",
    "GET /<brand>/attachments/<int:attachment_id>/thumbnail":                               "LNNNNNNNN",  # a text file has none
    # --- Directory, assets, locale switch: open to all
    "GET /":                                                                                ".........",
    "GET /<brand>/":                                                                        ".........",
    "GET /<brand>/favicon.ico":                                                             ".........",
    "GET /<brand>/theme.css":                                                               ".........",
    "GET /bootstrap/static/<path:filename>":                                                ".........",
    "GET /favicon.ico":                                                                     ".........",
    "GET /healthz":                                                                         ".........",
    "POST /locale":                                                                         ".........",
}
# fmt: on

# Query or form ids that name an object, treated like path ids: (method, endpoint) -> (where, name).
OBJECT_FIELDS = {
    ("GET", "assist.start_form"): ("query_string", "user_id"),
    ("POST", "assist.start"): ("data", "user_id"),
    ("POST", "assist.pause_assist"): ("data", "interaction_id"),
    ("POST", "assist.resume_assist"): ("data", "interaction_id"),
    ("POST", "assist.end"): ("data", "interaction_id"),
    ("GET", "helpcenter.new_request"): ("query_string", "ticket_form_id"),
    ("GET", "agent.new_ticket"): ("query_string", "ticket_form_id"),
    ("POST", "admin.add_form_field"): ("data", "field_id"),
    ("POST", "admin.add_group_member"): ("data", "user_id"),
}
# Ids that mean something else on some routes: (endpoint, name) -> key in the objects table.
ID_KIND = {("agent.end_help", "request_id"): "assistance_id", ("agent.accept_help", "request_id"): "assistance_id",
           ("agent.help_message", "request_id"): "assistance_id", ("api.show_request", "request_id"): "ticket_id",
           ("api.update_request", "request_id"): "ticket_id", ("api.request_comments", "request_id"): "ticket_id",
           ("admin.remove_group_member", "user_id"): "group_member_id",
           ("admin.set_supervisor", "user_id"): "group_member_id",
           ("admin.remove_condition", "form_id"): "condition_form_id",
           ("helpcenter.new_request", "ticket_form_id"): "form_id", ("agent.new_ticket", "ticket_form_id"): "form_id"}
STRING_VALUES = {"brand": "acme", "locale": "en", "outcome": "done", "filename": "css/bootstrap.min.css"}
# Where an empty body is refused before the actor is judged, a harmless real change instead (the
# database is restored after it), so the cell says whether this actor may make it.
BODIES = {"api.update": {"ticket": {"priority": "high"}}, "agent.update": {"priority": "high"},  # + version
          "agent.help_message": {"body": "matrix"}, "agent.request_help": {"reason": "matrix"}}


def code_of(response, rule: str) -> str:
    status = response.status_code
    if status == 401:
        return "L"
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers.get("Location", "")).path
        if target.endswith("/signin"):
            return "L"
        if rule.startswith("/<brand>/hc/") and re.match(r"^/acme/agent(/|$)", target):
            return "W"
        return "."
    if 200 <= status < 300 or status in (400, 409, 422):
        return "."
    return {403: "F", 404: "N"}.get(status, str(status))


def _by(model, **where):
    row = db.session.scalar(select(model).filter_by(**where))
    assert row is not None, (model.__name__, where)
    return row


def _user(email):
    return _by(User, email=email)


def _first_comment(ticket) -> int:
    return db.session.scalar(select(Comment.id).where(Comment.ticket_id == ticket.id).order_by(Comment.id).limit(1))


def _objects(acme, globex):
    """{kind: (acme id, globex id)} on the demo data, plus the few rows the demo does not have."""
    now = utcnow()
    user, marie, niels, rh, agent = (_user(f"{n}@example.com") for n in ("user", "marie", "niels", "rh", "agent"))
    light = _user("light@example.com")
    printer = _by(Ticket, brand_id=acme.id, subject="Printer jams on floor 2")
    payslip = _by(Ticket, brand_id=globex.id, subject="Payslip missing for October")
    forms = [_by(TicketForm, brand_id=b.id, name="General request") for b in (acme, globex)]
    categories = [_by(TicketField, brand_id=b.id, title="Category") for b in (acme, globex)]
    references = [_by(TicketField, brand_id=b.id, title="Reference") for b in (acme, globex)]
    support, paie = _by(Group, brand_id=acme.id, name="Support"), _by(Group, brand_id=globex.id, name="Paie")
    acme_condition = db.session.scalar(select(FieldCondition).join(TicketForm).where(TicketForm.brand_id == acme.id))
    globex_condition = FieldCondition(form_id=forms[1].id, parent_field_id=categories[1].id, parent_value="hardware",
                                      child_field_id=references[1].id, audience="end_user")
    drafts = [Draft(brand_id=b.id, user_id=user.id, form_id=f.id, subject="Matrix draft")
              for b, f in zip((acme, globex), forms)]
    tokens = [ApiToken(user_id=p.id, name="matrix", token_hash=hash_secret(f"matrix-token-{p.id}"))
              for p in (user, niels)]
    globex_interaction = Interaction(brand_id=globex.id, agent_id=rh.id, user_id=marie.id, channel="phone",
                                     service="Demande", manual=True, ended_at=now)
    help_requests = [AssistanceRequest(brand_id=acme.id, ticket_id=printer.id, group_id=support.id, agent_id=agent.id,
                                       reason="matrix", expires_at=now + timedelta(hours=1)),
                     AssistanceRequest(brand_id=globex.id, ticket_id=payslip.id, group_id=paie.id, agent_id=rh.id,
                                       reason="matrix", expires_at=now + timedelta(hours=1))]
    invitation_secrets = ("matrix-invitation-acme", "matrix-invitation-globex")
    invites = [Invitation(brand_id=acme.id, user_id=marie.id, email=marie.email, role="end_user",
                          token_hash=invitation_service._digest(invitation_secrets[0]), expires_at=now + timedelta(days=7)),
               Invitation(brand_id=globex.id, user_id=niels.id, email=niels.email, role="end_user",
                          token_hash=invitation_service._digest(invitation_secrets[1]), expires_at=now + timedelta(days=7))]
    db.session.add_all([globex_condition, *drafts, *tokens, globex_interaction, *help_requests, *invites])
    reset_secret = reset_service._new_secret(niels, 24)
    mailed = [Comment(ticket_id=t.id, author_id=t.requester_id, body="By mail", channel="email") for t in (printer, payslip)]
    db.session.add_all(mailed)
    db.session.flush()
    # Received mail: a comment's original (agents) and a rejected message (admins), in each brand.
    received = [InboundMail(brand_id=t.brand_id, message_id=f"<{n}@matrix>", outcome=o, reason=r, raw=b"x",
                            comment_id=c)
                for t in (printer, payslip) for n, o, r, c in ((f"c{t.id}", "accepted", "reply", mailed[t is payslip].id),
                                                              (f"r{t.id}", "rejected", "no_body", None))]
    db.session.add_all(received)
    # An attachment on each brand's request (its first, public comment), and an upload of user@'s
    # waiting for its comment in each brand (its token is the path value of DELETE /uploads/<token>).
    stored = storage().put_bytes(b"matrix attachment\n")
    files = [Attachment(brand_id=t.brand_id, comment_id=_first_comment(t), uploader_id=t.requester_id,
                        file_name="matrix.txt", content_type="text/plain", size=stored.size, content_key=stored.key)
             for t in (printer, payslip)]
    upload_tokens = ("matrix-upload-acme", "matrix-upload-globex")
    uploads = [Attachment(brand_id=b.id, uploader_id=user.id, token_hash=_token_hash(token), file_name="up.txt",
                          content_type="text/plain", size=stored.size, content_key=stored.key)
               for b, token in zip((acme, globex), upload_tokens)]
    db.session.add_all(files + uploads)
    db.session.commit()
    membership = [_by(Membership, brand_id=acme.id, user_id=niels.id).id,
                  _by(Membership, brand_id=globex.id, user_id=marie.id).id]
    return {
        "ticket_id": (printer.id, payslip.id), "form_id": tuple(f.id for f in forms),
        "field_id": tuple(f.id for f in categories), "group_id": (support.id, paie.id),
        "user_id": (niels.id, marie.id), "group_member_id": (light.id, rh.id), "membership_id": tuple(membership),
        "condition_id": (acme_condition.id, globex_condition.id),
        "condition_form_id": (acme_condition.form_id, forms[1].id),
        "draft_id": tuple(d.id for d in drafts), "token_id": tuple(t.id for t in tokens),
        "assistance_id": tuple(r.id for r in help_requests), "invitation_id": tuple(i.id for i in invites),
        "interaction_id": (None, globex_interaction.id),  # acme's: the assist started below
        "brand_id": (acme.id, globex.id), "session_id": (None, None),  # filled once people signed in
        "comment_id": tuple(c.id for c in mailed), "inbound_id": (received[1].id, received[3].id),
        "version": printer.version, "attachment_id": tuple(f.id for f in files),
        "token": {"auth.invitation": invitation_secrets, "auth.reset_password": (reset_secret, None),
                  "api.delete_upload": upload_tokens},
    }


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("matrix")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"), "MAIL_DROP_DIR": str(tmp_path / "mail"),
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"), "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "WTF_CSRF_ENABLED": False,
        "API_RATE_LIMIT_PER_MINUTE": 10**9, "SIGNIN_MAX_FAILURES": 10**6,
        "SIGNIN_MAX_FAILURES_PER_IP": 10**7, "SIGNIN_MAX_FAILURES_PER_ACCOUNT": 10**7,
        "PASSWORD_RESET_MAX_PER_IP": 10**6,
    })
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        _serve_each_request_on_its_own(app)
        acme, globex = _by(Brand, slug="acme"), _by(Brand, slug="globex")
        other_admin = create_user(EMAILS["other_admin"], "Gloria Globex", PASSWORD)
        add_membership(other_admin, globex, "admin")
        db.session.commit()
        objects = _objects(acme, globex)
        cookies = {}
        for actor in ACTORS:
            if EMAILS[actor] is not None:
                cookies[actor] = _sign_in(app, actor)
        # Sessions and API tokens belong to a person, not a brand: "own" is one of user@'s (a
        # second session), "other" one of niels@'s, who is none of the actors.
        _sign_in(app, "end_user")
        _sign_in(app, None, "niels@example.com")
        rows = {email: db.session.scalars(select(UserSession.id).join(User).where(User.email == email)
                                          .order_by(UserSession.id.desc())).first()
                for email in ("user@example.com", "niels@example.com")}
        objects["session_id"] = (rows["user@example.com"], rows["niels@example.com"])
        response = app.test_client(use_cookies=False).post(
            "/acme/agent/assist/start", headers={"Cookie": cookies["assisting"]},
            data={"user_id": _user("user@example.com").id, "channel": "phone",
                  "service": "General request"})
        assert response.status_code == 302 and "/hc/" in response.headers["Location"], response.status_code
        cookies["assisting"] = _cookie_header(response, cookies["assisting"])
        interaction = db.session.scalars(select(Interaction).where(Interaction.brand_id == acme.id)
                                         .order_by(Interaction.id.desc())).first()
        assert interaction.ended_at is None
        objects["interaction_id"] = (interaction.id, objects["interaction_id"][1])
        db.session.commit()
        db.session.remove()
        snapshot = sqlite3.connect(":memory:")
        _copy(app, snapshot, into_app=False)
        yield app, objects, cookies, snapshot
        db.session.remove()
        db.engine.dispose()


def _sign_in(app, actor, email=None) -> str:
    client = app.test_client()
    response = client.post(f"/{SIGNIN_BRAND.get(actor, 'acme')}/hc/en/signin",
                           data={"email": email or EMAILS[actor], "password": PASSWORD})
    assert response.status_code == 302 and not response.headers["Location"].endswith("/signin"), actor
    return "; ".join(f"{cookie.key}={cookie.value}" for cookie in client._cookies.values())


def _cookie_header(response, old: str) -> str:
    """The cookie after a response that set a new session cookie (assist start rotates the session)."""
    jar = dict(part.split("=", 1) for part in old.split("; "))
    for header in response.headers.getlist("Set-Cookie"):
        key, value = header.split(";", 1)[0].split("=", 1)
        jar[key] = value
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _copy(app, snapshot, into_app: bool):
    """Copy the whole database into the snapshot, or back (SQLite's online backup)."""
    db.session.remove()
    raw = db.engine.raw_connection()
    try:
        if into_app:
            snapshot.backup(raw.driver_connection)
        else:
            raw.driver_connection.backup(snapshot)
    finally:
        raw.close()


def _basic(email):
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{PASSWORD}".encode()).decode()}


def _row_key(rule, twins) -> str:
    path = rule.rule
    if path.endswith(".json") and path[:-5] in twins.get(rule.endpoint, ()):
        path = path[:-5]
    return path


def _objects_for(rule, method, objects):
    """[(object label, path values, extra request kwargs)] for one route and method."""
    names = [name for name in rule.arguments if name not in STRING_VALUES]
    field = OBJECT_FIELDS.get((method, rule.endpoint))
    kinds = {name: ID_KIND.get((rule.endpoint, name), name) for name in names}
    if field:
        kinds[field[1]] = ID_KIND.get((rule.endpoint, field[1]), field[1])

    def values(which):
        chosen = {}
        for name, kind in kinds.items():
            if kind == "token":
                chosen[name] = objects["token"][rule.endpoint][which[name]]
            else:
                chosen[name] = objects[kind][which[name]]
        return chosen

    if not kinds:
        return [("own", {}, {})]
    variants = [("own", {n: 0 for n in kinds}), ("other", {n: 1 for n in kinds})]
    if len(kinds) > 1:
        variants += [(f"other:{n}", {m: int(m == n) for m in kinds}) for n in kinds]
    result = []
    for label, which in variants:
        chosen = values(which)
        if any(value is None for value in chosen.values()):
            continue  # no such object of the other brand (a reset link belongs to no brand)
        extra = {}
        if field:
            extra[field[0]] = {field[1]: chosen.pop(field[1])}
        result.append((label, chosen, extra))
    return result


def _path(rule, chosen) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = chosen.get(name, STRING_VALUES.get(name))
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?%s>" % name, str(value), path)
    return path


def test_every_route_method_actor_and_object_against_the_table(matrix):
    app, objects, cookies, snapshot = matrix
    rules = sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"), key=lambda r: r.rule)
    assert len(rules) > 100  # the whole map, not a filtered part of it
    twins = {}
    for rule in rules:
        twins.setdefault(rule.endpoint, set()).add(rule.rule)
    observed, isolation, surprises, cells = {}, [], [], 0
    started = time.monotonic()
    client = app.test_client(use_cookies=False)
    for rule in rules:
        is_api = rule.rule.startswith("/<brand>/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = f"{method} {_row_key(rule, twins)}"
            for label, chosen, extra in _objects_for(rule, method, objects):
                path = _path(rule, chosen)
                codes = []
                for actor in ACTORS:
                    email = EMAILS[actor]
                    if is_api:
                        headers = _basic(email) if email else {}
                        body = {"json": BODIES.get(rule.endpoint, {})} if method != "GET" else {}
                    else:
                        headers = {"Cookie": cookies[actor]} if email else {}
                        data = dict(BODIES.get(rule.endpoint, {}), **extra.get("data", {}))
                        if rule.endpoint == "agent.update":
                            data["version"] = objects["version"]
                        body = {"data": data} if method != "GET" else {}
                    rest = {k: v for k, v in extra.items() if k != "data"}
                    response = client.open(path, method=method, headers=headers, **body, **rest)
                    response.close()
                    cells += 1
                    if method != "GET":
                        _copy(app, snapshot, into_app=True)
                    code = code_of(response, rule.rule)
                    if not re.fullmatch(r"[.LFNW]", code):
                        surprises.append(f"{method} {path} {actor}: {response.status_code} "
                                         f"{response.headers.get('Location', '')}")
                    codes.append(code)
                codes = "".join(codes)
                if label == "own":
                    observed.setdefault(key, {})[rule.rule] = codes
                else:
                    own = observed[key][rule.rule]
                    for actor, mine, theirs in zip(ACTORS, own, codes):
                        if theirs != "N" and not (theirs == mine and mine in "LFW"):
                            isolation.append(f"{method} {path} ({label}) {actor}: {theirs} (acme's object: {mine})")
    elapsed = time.monotonic() - started
    print(f"\n{cells} cells ({len(rules)} rules) in {elapsed:.1f}s")

    missing, wrong = [], []
    for key, by_rule in sorted(observed.items()):
        for rule, codes in by_rule.items():
            if key not in EXPECTED:
                missing.append(f'    "{key}":{" " * max(1, 62 - len(key))}"{codes}",')
            elif codes != EXPECTED[key]:
                wrong.append(f"{key} ({rule}): expected {EXPECTED[key]}, got {codes} "
                             f"(actors {' '.join(a[:2] for a in ACTORS)})")
    stale = sorted(set(EXPECTED) - set(observed))
    report = []
    if surprises:
        report.append("answers no class allows (429, 5xx, 405...):\n" + "\n".join(surprises))
    if isolation:
        report.append("another brand's object not hidden (DESIGN §2):\n" + "\n".join(isolation))
    if missing:
        report.append("routes with no row in EXPECTED (check, then paste):\n" + "\n".join(dict.fromkeys(missing)))
    if wrong:
        report.append("cells that differ from EXPECTED:\n" + "\n".join(wrong))
    if stale:
        report.append("rows for routes that no longer exist:\n" + "\n".join(stale))
    assert not report, "\n\n".join(report)


def test_the_api_never_takes_the_browser_session(matrix):
    """An admin's cookie alone opens nothing in the API (DESIGN §11): 401 on every API route."""
    app, objects, cookies, snapshot = matrix
    client = app.test_client(use_cookies=False)
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/<brand>/api/") or rule.endpoint == "api.openapi":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            _, chosen, _extra = _objects_for(rule, method, objects)[0]
            response = client.open(_path(rule, chosen), method=method, headers={"Cookie": cookies["admin"]},
                                   **({"json": {}} if method != "GET" else {}))
            if method != "GET":
                _copy(app, snapshot, into_app=True)
            assert response.status_code == 401, (method, rule.rule, response.status_code)
