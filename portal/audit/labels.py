"""Audit actions worded for people: the log stores codes, the admin page shows these labels.

Every code passed to `record()` (or written by `assist.services.close`) needs a label here;
tests/admin/test_labels.py fails when one is missing.
"""
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "assist.acted": _l("Change made on a user's behalf"),
    "assist.edit": _l("Interaction edited"),
    "assist.end": _l("Assist session ended"),
    "assist.log": _l("Interaction logged"),
    "assist.pause": _l("Assist session paused"),
    "assist.register_user": _l("User registered by an agent"),
    "assist.resume": _l("Assist session resumed"),
    "assist.start": _l("Assist session started"),
    "assistance.accepted": _l("Supervisor assistance accepted"),
    "assistance.cancelled": _l("Supervisor assistance cancelled"),
    "assistance.done": _l("Supervisor assistance marked done"),
    "assistance.requested": _l("Supervisor assistance requested"),
    "brand.create": _l("Brand created"),
    "brand.setting_changed": _l("Setting changed"),
    "group.create": _l("Group created"),
    "group.member_add": _l("Agent added to a group"),
    "group.member_remove": _l("Agent removed from a group"),
    "group.members_removed": _l("Removed from groups (no longer an agent)"),
    "group.supervisor_set": _l("Group supervisor changed"),
    "group.update": _l("Group changed"),
    "invitation.accepted": _l("Invitation accepted"),
    "invitation.declined": _l("Invitation declined"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.withdrawn": _l("Invitation withdrawn"),
    "membership.remove": _l("Member removed"),
    "membership.set": _l("Role set"),
    "session.ended": _l("Session signed out"),
    "session.others_ended": _l("Other sessions signed out"),
    "ticket_field.create": _l("Ticket field created"),
    "ticket_field.update": _l("Ticket field changed"),
    "ticket_form.activate": _l("Ticket form activated"),
    "ticket_form.condition_add": _l("Field condition added"),
    "ticket_form.condition_remove": _l("Field condition removed"),
    "ticket_form.create": _l("Ticket form created"),
    "ticket_form.deactivate": _l("Ticket form deactivated"),
    "ticket_form.field_add": _l("Field added to a form"),
    "ticket_form.field_move": _l("Field moved in a form"),
    "ticket_form.field_remove": _l("Field removed from a form"),
    "ticket_form.move": _l("Ticket form moved"),
    "ticket_form.update": _l("Ticket form changed"),
    "user.create": _l("Account created"),
    "user.email_changed": _l("E-mail address changed"),
    "user.password_changed": _l("Password changed"),
    "user.password_link_sent": _l("Password reset link sent"),
    "user.password_reset": _l("Password reset"),
    "user.profile_changed": _l("Profile changed"),
    "user.signed_up": _l("Signed up"),
}


def action_label(action: str):
    """The translated label of an audit action; an unknown code (an older release's) as stored."""
    return ACTION_LABELS.get(action, action)
