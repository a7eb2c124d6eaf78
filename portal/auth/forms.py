"""Account forms. Rules that need the database (unique e-mail, username) live in services.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from .services import MIN_PASSWORD_LENGTH

# Each language named in itself, so anyone can find theirs.
LANGUAGE_CHOICES = [SelectChoice("en", "English", {"lang": "en"}), SelectChoice("fr", "Français", {"lang": "fr"})]


def _email_validators():
    return [DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter a valid e-mail address.")), Length(max=254)]


def _new_password_validators():
    return [DataRequired(_l("Choose a password.")),
            Length(min=MIN_PASSWORD_LENGTH, max=1000,
                   message=_l("The password must have at least %(min)d characters."))]


def _confirm_validators(field_name: str):
    return [DataRequired(_l("Type the password again.")),
            EqualTo(field_name, _l("The two passwords are different."))]


class SigninForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=_email_validators())
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=1000)])
    submit = SubmitField(_l("Sign in"))


class SignupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=_email_validators())
    password = PasswordField(_l("Password"), validators=_new_password_validators())
    confirm = PasswordField(_l("Confirm the password"), validators=_confirm_validators("password"))
    submit = SubmitField(_l("Sign up"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    username = StringField(_l("Username"), validators=[
        DataRequired(_l("Enter a username.")), Length(max=80)])
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    address = TextAreaField(_l("Postal address"), validators=[Optional(), Length(max=300)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Save the profile"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=1000)])
    new_password = PasswordField(_l("New password"), validators=_new_password_validators())
    confirm_password = PasswordField(_l("Confirm the new password"),
                                     validators=_confirm_validators("new_password"))
    submit = SubmitField(_l("Change the password"))


class EmailChangeForm(FlaskForm):
    new_email = EmailField(_l("New e-mail"), validators=_email_validators())
    email_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=1000)])
    submit = SubmitField(_l("Change the e-mail"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=_email_validators())
    submit = SubmitField(_l("Send me a link"))


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=_new_password_validators())
    confirm = PasswordField(_l("Confirm the new password"), validators=_confirm_validators("password"))
    submit = SubmitField(_l("Save the password"))
