"""Members of the brand and its groups."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from .. import policy
from ..auth.invitations import pending_invitations
from ..auth.models import Invitation, User
from ..brands import current_brand
from ..brands.models import Group, GroupMember, Membership
from ..errors import abort_with
from ..access import reason_text
from ..service_error import ServiceError
from ..extensions import db
from . import bp
from . import people_services as services
from ..notices import N_, notify
from .common import scoped_or_404, submit
from .forms import ROLE_LABELS, AddGroupMemberForm, AddMemberForm, GroupForm, MemberForm, choices


def _members(roles=None):
    query = (select(Membership).join(Membership.user).options(contains_eager(Membership.user))
             .where(Membership.brand_id == current_brand.id).order_by(User.name, User.id))
    if roles:
        query = query.where(Membership.role.in_(roles))
    return list(db.session.scalars(query))


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


# --- members -----------------------------------------------------------------------------------

@bp.route("/members", methods=["GET", "POST"])
def members():
    form = AddMemberForm()
    status = 200
    if request.method == "POST":
        status, result = submit(form, lambda: services.add_member(
            current_brand, email=form.email.data, name=form.name.data, role=form.role.data,
            can_assist=form.can_assist.data, can_register_users=form.can_register_users.data,
            actor=current_user))
        if status is None:
            # The same words whether or not the e-mail already had an account (DESIGN §2).
            notify(N_("An invitation was sent to %(email)s. They become a member when they accept it."), "success",
                   email=result.email)
            return redirect(url_for("admin.members"))
    return _render_members(form, status)


def _render_members(form=None, status=200, error: ServiceError | None = None):
    """The members page; after a refused change to a member, with the reason above the list."""
    memberships = _members()
    admins = sum(m.role == policy.ADMIN_ROLE for m in memberships)  # the list holds every member
    removal_refused = {m.id: reason_text(policy.decide_admin_leaving(m.role, None, admins)) for m in memberships}
    return render_template("admin/members.html", memberships=memberships, form=form or AddMemberForm(),
                           role_labels=ROLE_LABELS, invitations=pending_invitations(current_brand),
                           may_hold_assist=policy.may_hold_assist_capabilities, removal_refused=removal_refused,
                           error=error), status


def _member_change(change):
    """Run a change to a member; a refusal re-renders the members page with its reason."""
    try:
        return change(), None
    except ServiceError as error:
        db.session.rollback()  # the page below shows the members as stored
        return None, _render_members(status=error.status, error=error)


@bp.post("/invitations/<int:invitation_id>/withdraw")
def withdraw_invitation(invitation_id):
    invitation = scoped_or_404(Invitation, invitation_id)
    email = invitation.email
    services.withdraw_invitation(current_brand, invitation, current_user)
    notify(N_("The invitation to %(email)s was withdrawn."), "success", email=email)
    return redirect(url_for("admin.members"))


@bp.post("/members/<int:membership_id>")
def update_member(membership_id):
    membership = scoped_or_404(Membership, membership_id)
    form = MemberForm()
    if not form.validate():
        return _render_members(status=422, error=ServiceError(422, _first_error(form)))
    changed, refused = _member_change(lambda: services.update_member(
        current_brand, membership, role=form.role.data, can_assist=form.can_assist.data,
        can_register_users=form.can_register_users.data))
    if refused is not None:
        return refused
    if changed:
        notify(N_("%(name)s's role was saved."), "success", name=membership.user.name)
    else:
        notify(N_("Nothing changed."), "success")
    if membership.user_id == current_user.id and form.role.data != policy.ADMIN_ROLE:
        return redirect(url_for("helpcenter.home"))  # they stepped down: administration is closed
    return redirect(url_for("admin.members"))


@bp.get("/members/<int:membership_id>/remove")
def confirm_remove_member(membership_id):
    """Removing a member asks first: what it does, and the policy's reason when it cannot."""
    membership = scoped_or_404(Membership, membership_id)
    refused = reason_text(policy.decide_admin_leaving(membership.role, None, services.admin_count(current_brand)))
    return render_template("admin/member_remove.html", membership=membership, refused=refused)


@bp.post("/members/<int:membership_id>/remove")
def remove_member(membership_id):
    membership = scoped_or_404(Membership, membership_id)
    name, user_id = membership.user.name, membership.user_id
    _done, refused = _member_change(lambda: services.remove_member(current_brand, membership))
    if refused is not None:
        return refused
    notify(N_("%(name)s is no longer a member of this brand."), "success", name=name)
    if user_id == current_user.id:
        return redirect(url_for("helpcenter.home"))
    return redirect(url_for("admin.members"))


# --- groups ------------------------------------------------------------------------------------

@bp.route("/groups", methods=["GET", "POST"])
def groups():
    form = GroupForm()
    status = 200
    if request.method == "POST":
        status, group = submit(form, lambda: services.create_group(current_brand, name=form.name.data,
                                                                   sensitive=form.sensitive.data))
        if status is None:
            notify(N_("Group “%(name)s” created."), "success", name=group.name)
            return redirect(url_for("admin.group", group_id=group.id))
    all_groups = list(db.session.scalars(
        select(Group).where(Group.brand_id == current_brand.id).options(selectinload(Group.members))
        .order_by(Group.name)
    ))
    return render_template("admin/groups.html", groups=all_groups, form=form), status


def _load_group(group_id: int) -> Group:
    return scoped_or_404(Group, group_id, selectinload(Group.members).selectinload(GroupMember.user))


def _render_group(group, edit_form=None, add_form=None, status=200):
    in_group = {m.user_id for m in group.members}
    add_form = add_form or AddGroupMemberForm(formdata=None)
    add_form.user_id.choices = choices({m.user_id: m.user.name for m in _members(policy.GROUP_ROLES)
                                         if m.user_id not in in_group})
    edit_form = edit_form or GroupForm(obj=group, formdata=None)
    members = sorted(group.members, key=lambda m: (not m.is_supervisor, m.user.name))
    return render_template("admin/group.html", group=group, members=members, edit_form=edit_form,
                           add_form=add_form), status


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
def group(group_id):
    group = _load_group(group_id)
    if request.method == "GET":
        return _render_group(group)
    form = GroupForm()
    status, _changes = submit(form, lambda: services.update_group(current_brand, group, name=form.name.data,
                                                                  sensitive=form.sensitive.data))
    if status is None:
        notify(N_("Group saved."), "success")
        return redirect(url_for("admin.group", group_id=group_id))
    return _render_group(group, edit_form=form, status=status)


def _brand_membership_of(user_id: int) -> Membership:
    """The membership of this user in the current brand; a person outside it is a 404."""
    membership = db.session.scalar(select(Membership).where(Membership.brand_id == current_brand.id,
                                                            Membership.user_id == user_id))
    if membership is None:
        abort_with(404, _("This person is not a member of this brand."))
    return membership


@bp.post("/groups/<int:group_id>/members")
def add_group_member(group_id):
    group = _load_group(group_id)
    form = AddGroupMemberForm()
    membership = _brand_membership_of(form.user_id.data)
    services.add_group_member(current_brand, group, membership, form.is_supervisor.data)
    notify(N_("%(name)s was added to the group."), "success", name=membership.user.name)
    return redirect(url_for("admin.group", group_id=group_id))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/remove")
def remove_group_member(group_id, user_id):
    group = _load_group(group_id)
    services.remove_group_member(current_brand, group, user_id)
    notify(N_("Removed from the group."), "success")
    return redirect(url_for("admin.group", group_id=group_id))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/supervisor")
def set_supervisor(group_id, user_id):
    group = _load_group(group_id)
    services.set_supervisor(current_brand, group, user_id, request.form.get("is_supervisor") == "1")
    notify(N_("Group saved."), "success")
    return redirect(url_for("admin.group", group_id=group_id))
