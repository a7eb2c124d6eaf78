"""Admin forms; labels are lazy so they translate per request."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..assist.models import CHANNEL_LABELS
from ..attachments.web import ATTACHMENT_KIND_LABELS
from ..numbers import parse_id

ROLE_LABELS = {"end_user": _l("End user"), "light_agent": _l("Light agent"), "agent": _l("Agent"),
               "admin": _l("Admin")}
FIELD_TYPE_LABELS = {"text": _l("Text"), "textarea": _l("Multi-line text"), "dropdown": _l("Dropdown"),
                     "multiselect": _l("Multi-select"), "checkbox": _l("Checkbox"), "date": _l("Date"),
                     "number": _l("Number")}
PORTAL_ACCESS_LABELS = {"agent_only": _l("Agents only"), "read_only": _l("Read-only for end users"),
                        "editable": _l("Editable by end users")}
AUDIENCE_LABELS = {"end_user": _l("End users"), "agent": _l("Agents")}
LANGUAGE_LABELS = {"en": _l("English"), "fr": _l("French")}
# The names shown for the choices of settings that have choices, by setting key.
SETTING_CHOICE_LABELS = {"assist_channels": CHANNEL_LABELS, "locales": LANGUAGE_LABELS,
                         "default_locale": LANGUAGE_LABELS, "attachment_kinds": ATTACHMENT_KIND_LABELS}


def choices(labels: dict) -> list[SelectChoice]:
    """Select options from {value: label}."""
    return [SelectChoice(value, label) for value, label in labels.items()]


def _id_or_zero(value):
    """Select values are ids; anything else becomes 0 (none), then the view answers for it."""
    return parse_id(value) or 0


class TicketFormForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    end_user_visible = BooleanField(_l("Visible to end users (otherwise for agents only)"), default=True)
    active = BooleanField(_l("Active"), default=True)
    # Choices are this brand's groups; an id of another brand is answered 404 by the view.
    default_group_id = SelectField(_l("Default group"), coerce=_id_or_zero, validate_choice=False)


class TicketFieldForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=120)])
    field_type = SelectField(_l("Type"), choices=choices(FIELD_TYPE_LABELS))
    options = TextAreaField(_l("Options, one per line (dropdown and multi-select)"),
                            validators=[Length(max=20000)])
    portal_access = SelectField(_l("In the help centre"), choices=choices(PORTAL_ACCESS_LABELS),
                                default="editable")
    required_in_portal = BooleanField(_l("Required to submit a request in the help centre"))
    required_to_solve = BooleanField(_l("Required to solve (agents)"))
    active = BooleanField(_l("Active"), default=True)


class AddFieldForm(FlaskForm):
    field_id = SelectField(_l("Field"), coerce=_id_or_zero, validate_choice=False)


class ConditionForm(FlaskForm):
    parent_field_id = SelectField(_l("When field"), coerce=_id_or_zero, validate_choice=False)
    parent_value = StringField(_l("has the value"), validators=[InputRequired(), Length(max=200)])
    child_field_id = SelectField(_l("show field"), coerce=_id_or_zero, validate_choice=False)
    audience = SelectField(_l("to"), choices=choices(AUDIENCE_LABELS))


class MemberForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS), default="end_user")
    can_assist = BooleanField(_l("May assist users (assisted service)"))
    can_register_users = BooleanField(_l("May register users on their behalf"))


class AddMemberForm(MemberForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=120)])


class GroupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    sensitive = BooleanField(_l("Sensitive (for example HR or payroll)"))


class AddGroupMemberForm(FlaskForm):
    user_id = SelectField(_l("Agent"), coerce=_id_or_zero, validate_choice=False)
    is_supervisor = BooleanField(_l("Supervisor"))
