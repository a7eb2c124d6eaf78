from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..tickets.services import MAX_BODY, MAX_SUBJECT


class RequestForm(FlaskForm):
    """Subject and description; the form's own fields are read by tickets.fields."""

    subject = StringField(_l("Subject"), validators=[
        DataRequired(message=_l("Please enter a subject.")),
        Length(max=MAX_SUBJECT, message=_l("The subject is too long (at most %(max)d characters).")),
    ])
    description = TextAreaField(_l("Description"), validators=[
        DataRequired(message=_l("Please describe your request.")),
        Length(max=MAX_BODY, message=_l("The message is too long (at most %(max)d characters).")),
    ])
    # Read by portal.attachments.web; its hint (the brand's limits) is set by the view.
    attachments = MultipleFileField(_l("Attach files (optional)"))


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Add a comment"), validators=[
        DataRequired(message=_l("Please write a message.")),
        Length(max=MAX_BODY, message=_l("The message is too long (at most %(max)d characters).")),
    ])
    attachments = MultipleFileField(_l("Attach files (optional)"))


class RatingForm(FlaskForm):
    score = RadioField(_l("How would you rate the support you received?"),
                       choices=[SelectChoice("good", _l("Good, I'm satisfied")),
                                SelectChoice("bad", _l("Bad, I'm unsatisfied"))],
                       validators=[DataRequired(message=_l("Please choose good or bad."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[
        Optional(),
        Length(max=MAX_BODY, message=_l("The message is too long (at most %(max)d characters).")),
    ])


class ActionForm(FlaskForm):
    """A button-only POST (mark as solved, delete a draft): CSRF and nothing else."""
