"""Help-centre accounts: sign in, sign up, sign out, profile (DESIGN §1, §2)."""
from flask import flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..access import blocked_while_acting, current_actor
from ..brands import current_brand
from ..errors import abort_with, render_error
from ..extensions import db, login_manager
from ..redirects import safe_local_target
from . import bp
from .forms import EmailChangeForm, PasswordChangeForm, ProfileForm, SigninForm, SignupForm
from .invitations import pending_invitation
from .models import User
from .passwords import burn_time, verify_password
from .services import (
    change_email,
    change_password,
    end_own_other_sessions,
    end_own_session,
    membership_at_signin,
    sign_up,
    update_profile,
)
from .browsers import browser_label
from .sessions import current_session_row, end_session, sessions_of, start_session
from .throttle import clear_failures, client_address, record_failure, too_many_failures
from ..service_error import ServiceError
from ..notices import N_, notify


def _safe_next(default: str) -> str:
    return safe_local_target(request.values.get("next"), default)


def _form_status() -> int:
    return 422 if request.method == "POST" else 200


@login_manager.unauthorized_handler
def ask_to_sign_in():
    if current_brand and "/api/" not in request.path:
        here = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.signin", next=here))
    return make_response(render_error(401, _("Please sign in.")))


# --- Sign in, sign up, sign out ------------------------------------------------------------

def _signin_page(form, error=None, status=200):
    return render_template("auth/signin.html", form=form, error=error), status


def _refusal_message() -> str:
    # One message for every refusal in this brand, so it never tells whether an e-mail exists.
    if g.brand_settings.self_registration:
        return _("Wrong e-mail or password.")
    return _("Wrong e-mail or password, or this help centre accepts only its members.")


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    form = SigninForm()
    if not form.validate_on_submit():
        return _signin_page(form, status=_form_status())
    email, password, address = form.email.data.strip().lower(), form.password.data, client_address()
    if too_many_failures(email, address):
        return _signin_page(form, _("Too many failed sign-ins. Wait a few minutes and try again."), 429)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        burn_time(password)
    if user is None or not verify_password(user, password) or not user.active:
        db.session.rollback()
        record_failure(email, address)
        db.session.commit()  # the failure counts though the answer is an error (throttle, DESIGN §13)
        return _signin_page(form, _refusal_message(), 401)
    if user.membership_in(current_brand) is None and pending_invitation(current_brand, user) is not None:
        # Invited here (even to a members-only help centre): sign in, then accept or decline.
        return _signed_in(user, email, address, url_for("auth.my_invitation"))
    if membership_at_signin(user, current_brand, g.brand_settings.self_registration) is None:
        db.session.commit()  # keeps an upgraded password hash though the answer is an error
        return _signin_page(form, _refusal_message(), 401)
    return _signed_in(user, email, address, _safe_next(url_for("helpcenter.home")))


def _signed_in(user, email, address, target):
    clear_failures(email, address)
    start_session(user)  # the session row, any membership and any upgraded hash commit together
    return redirect(target)


@bp.post("/signout")
def signout():
    end_session()
    notify(N_("You are signed out."), "info")
    return redirect(url_for("helpcenter.home"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if not g.brand_settings.self_registration:
        abort_with(404, _("This help centre does not take sign-ups. Ask its team for an account."))
    if current_user.is_authenticated:
        return redirect(url_for("helpcenter.home"))
    form = SignupForm()
    if not form.validate_on_submit():
        return render_template("auth/signup.html", form=form), _form_status()
    try:
        user = sign_up(current_brand, form.name.data, form.email.data, form.password.data,
                       locale=str(get_locale()))
    except IntegrityError:
        user = None  # the same e-mail signed up at the same moment (PostgreSQL): answer neutrally
    except ServiceError as error:
        _attach_error(form, error, {})
        return render_template("auth/signup.html", form=form), error.status
    if user is None:
        # The e-mail has an account: answer as neutrally (and as slowly) as a real sign-up.
        db.session.rollback()  # nothing of this sign-up may stand, though the answer is a 200
        burn_time(form.password.data)
        return render_template("auth/signup_received.html")
    start_session(user)
    notify(N_("Welcome, %(name)s. Your account is ready."), "success", name=user.name)
    return redirect(url_for("helpcenter.home"))


def _attach_error(form, error: ServiceError, aliases: dict[str, str]) -> None:
    """Show a service's refusal beside the field it is about (or above the form)."""
    field = form._fields.get(aliases.get(error.field, error.field))
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


# --- Profile -------------------------------------------------------------------------------

def _profile_person():
    """Whose profile this page edits: the user's own, or the assisted user's (DESIGN §8)."""
    return current_actor().person or current_user


def _profile_page(status=200, **forms):
    person = _profile_person()
    if "profile_form" not in forms:
        forms["profile_form"] = ProfileForm(formdata=None, obj=person)
        forms["profile_form"].locale.data = person.locale or str(get_locale())
    forms.setdefault("password_form", PasswordChangeForm(formdata=None))
    forms.setdefault("email_form", EmailChangeForm(formdata=None))
    this_session = current_session_row()
    # While assisting, the agent edits the user's details only: their own sessions, password,
    # e-mail and tokens are not the user's to see.
    own = person.id == current_user.id
    return render_template("auth/profile.html", user=person, own_profile=own,
                           sessions=sessions_of(current_user) if own else [], browser_label=browser_label,
                           this_session_id=this_session.id if this_session else None, **forms), status


def _refuse_if_throttled():
    if too_many_failures(current_user.email, client_address()):
        abort_with(429, _("Too many wrong passwords. Wait a few minutes and try again."))


def _refused(error: ServiceError, form_name: str, form, aliases: dict[str, str]):
    """Undo the half-done change; a wrong current password counts as a failed sign-in."""
    db.session.rollback()
    if error.field in ("current_password", "email_password"):
        record_failure(current_user.email, client_address())
        db.session.commit()  # counts though the answer is an error (throttle, DESIGN §13)
    _attach_error(form, error, aliases)
    return _profile_page(error.status, **{form_name: form})


def _flash_other_sessions_ended(count: int) -> None:
    if count:
        # Shown on the profile page it is made for, so it is translated here.
        flash(ngettext("%(num)d other session is signed out.", "%(num)d other sessions are signed out.",
                       count), "info")


@bp.get("/profile")
@login_required
def profile():
    return _profile_page()


@bp.post("/profile")
@login_required
def save_profile():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _profile_page(422, profile_form=form)
    try:
        person = _profile_person()
        changed = update_profile(person, name=form.name.data, username=form.username.data,
                                 phone=form.phone.data, address=form.address.data,
                                 locale=form.locale.data, brand=current_brand,
                                 on_behalf_of=person if person.id != current_user.id else None)
    except ServiceError as error:
        return _refused(error, "profile_form", form, {})
    notify(N_("The profile is saved.") if changed else N_("Nothing changed."), "success")
    # The page follows the language the person chose; an assisting agent keeps their own.
    chosen = current_user.locale if person.id == current_user.id else None
    if chosen:
        session.pop("locale", None)  # a language switched to earlier gives way to the chosen preference
    locale = chosen if chosen in g.brand_settings.locales else None
    return redirect(url_for("auth.profile", **({"locale": locale} if locale else {})))


@bp.post("/profile/password")
@login_required
@blocked_while_acting("password")
def save_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _profile_page(422, password_form=form)
    _refuse_if_throttled()
    try:
        ended = change_password(current_user, form.current_password.data, form.new_password.data,
                                brand=current_brand)
    except ServiceError as error:
        return _refused(error, "password_form", form, {"password": "new_password"})
    notify(N_("Your password is changed."), "success")
    _flash_other_sessions_ended(ended)
    return redirect(url_for("auth.profile"))


@bp.post("/profile/email")
@login_required
@blocked_while_acting("email")
def save_email():
    form = EmailChangeForm()
    if not form.validate_on_submit():
        return _profile_page(422, email_form=form)
    _refuse_if_throttled()
    try:
        change_email(current_user, form.new_email.data, form.email_password.data, brand=current_brand)
        db.session.flush()  # a clash with another account shows on the form, not at commit
    except IntegrityError:  # another account took the address at the same moment
        error = ServiceError(409, _("An account already uses this e-mail address."), field="new_email")
        return _refused(error, "email_form", form, {})
    except ServiceError as error:
        return _refused(error, "email_form", form, {"email": "new_email"})
    notify(N_("Your e-mail address is changed."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/sessions/<int:session_id>/end")
@login_required
def end_session_row(session_id: int):
    if not end_own_session(current_user, session_id, brand=current_brand):
        abort_with(404, _("This session does not exist or is already signed out."))
    notify(N_("That session is signed out."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/sessions/end-others")
@login_required
def end_other_session_rows():
    ended = end_own_other_sessions(current_user, brand=current_brand)
    _flash_other_sessions_ended(ended)
    return redirect(url_for("auth.profile"))
