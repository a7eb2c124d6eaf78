"""Members of a brand (roles, capabilities) and its groups (DESIGN §2); every write audited.

Callers commit on success and roll back on ServiceError, so a refused change writes nothing.
"""
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..audit.services import record
from ..auth.models import User
from ..auth.invitations import member_or_invite, withdraw
from ..auth.services import add_membership, check_capabilities
from ..brands.models import ROLES, Group, GroupMember, Membership
from ..extensions import db
from .common import apply_changes, name_taken
from ..service_error import ServiceError

# --- members -----------------------------------------------------------------------------------


def _check_role(role: str, can_assist: bool, can_register_users: bool) -> None:
    if role not in ROLES:
        raise ServiceError(422, _("Choose a role from the list."), field="role")
    try:
        check_capabilities(role, can_assist, can_register_users)
    except ServiceError as error:
        raise ServiceError(422, str(error), field="role") from None


def _keep_an_admin(brand, membership: Membership, new_role: str | None = None) -> None:
    """Refuse to remove or demote the brand's last admin (rows locked where the database can)."""
    if membership.role != policy.ADMIN_ROLE:
        return
    admins = db.session.scalars(
        select(Membership.id).where(Membership.brand_id == brand.id, Membership.role == policy.ADMIN_ROLE)
        .with_for_update()
    ).all()
    decision = policy.decide_admin_leaving(membership.role, new_role, len(admins))
    if not decision:
        raise ServiceError(decision.status, _(decision.reason))


def admin_count(brand) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(
        Membership.brand_id == brand.id, Membership.role == policy.ADMIN_ROLE))


def _leave_groups(brand, user_id: int) -> list[int]:
    """Take a person out of this brand's groups (groups are for agents); returns the group ids."""
    group_ids = db.session.scalars(
        select(GroupMember.group_id).join(Group, Group.id == GroupMember.group_id)
        .where(Group.brand_id == brand.id, GroupMember.user_id == user_id)
    ).all()
    if group_ids:
        db.session.execute(delete(GroupMember).where(GroupMember.user_id == user_id,
                                                     GroupMember.group_id.in_(group_ids)))
    return list(group_ids)


def add_member(brand, *, email, name, role, can_assist=False, can_register_users=False, actor=None):
    """Invite the person with this e-mail to the brand with this role (DESIGN §2): they become a
    member when they accept. An account is created (no password) when the e-mail has none; the
    admin is told the same either way. A member already here is refused (409)."""
    _check_role(role, can_assist, can_register_users)
    try:
        user, member = member_or_invite(brand, email, actor=actor, role=role, can_assist=can_assist,
                                        can_register_users=can_register_users, name=name)
    except ServiceError as error:
        raise ServiceError(422, str(error), field=error.field or "email") from None
    if member:
        raise ServiceError(409, _("%(email)s is already a member of this brand.", email=user.email), field="email")
    return user


def withdraw_invitation(brand, invitation, actor=None) -> None:
    withdraw(invitation, actor)


def update_member(brand, membership: Membership, *, role, can_assist=False, can_register_users=False) -> bool:
    _check_role(role, can_assist, can_register_users)
    if (membership.role, membership.can_assist, membership.can_register_users) == (role, can_assist,
                                                                                  can_register_users):
        return False
    _keep_an_admin(brand, membership, role)
    if not policy.may_join_groups(role):
        groups_left = _leave_groups(brand, membership.user_id)
        if groups_left:
            record("group.members_removed", brand=brand, obj=membership, user_id=membership.user_id,
                   group_ids=groups_left, reason="no longer an agent")
    add_membership(membership.user, brand, role, can_assist=can_assist, can_register_users=can_register_users,
                   reason="changed by a brand admin")
    return True


def remove_member(brand, membership: Membership) -> None:
    _keep_an_admin(brand, membership)
    groups_left = _leave_groups(brand, membership.user_id)
    record("membership.remove", brand=brand, obj=membership, user_id=membership.user_id,
           role=membership.role, group_ids=groups_left)
    db.session.delete(membership)


# --- groups ------------------------------------------------------------------------------------

def _group_values(brand, group: Group | None, name, sensitive) -> dict:
    name = (name or "").strip()
    if not name:
        raise ServiceError(422, _("Enter a name."), field="name")
    if name_taken(Group, Group.name, brand, name, group.id if group else None):
        raise ServiceError(409, _("Another group already has this name."), field="name")
    return {"name": name, "sensitive": bool(sensitive)}


def _flush_name():
    try:
        db.session.flush()
    except IntegrityError:  # two admins naming groups the same at once
        raise ServiceError(409, _("Another group already has this name."), field="name") from None


def create_group(brand, *, name, sensitive=False) -> Group:
    values = _group_values(brand, None, name, sensitive)
    group = Group(brand_id=brand.id, **values)
    db.session.add(group)
    _flush_name()
    record("group.create", brand=brand, obj=group, **values)
    return group


def update_group(brand, group: Group, *, name, sensitive) -> dict:
    changes = apply_changes(group, _group_values(brand, group, name, sensitive))
    if changes:
        _flush_name()
        record("group.update", brand=brand, obj=group, changes=changes)
    return changes


def add_group_member(brand, group: Group, membership: Membership, is_supervisor=False) -> GroupMember:
    if not policy.may_join_groups(membership.role):
        raise ServiceError(422, _("Only light agents, agents and admins can be in a group."), field="user_id")
    if any(m.user_id == membership.user_id for m in group.members):
        raise ServiceError(409, _("This person is already in the group."), field="user_id")
    member = GroupMember(user_id=membership.user_id, is_supervisor=bool(is_supervisor))
    group.members.append(member)
    db.session.flush()
    record("group.member_add", brand=brand, obj=group, user_id=membership.user_id,
           is_supervisor=member.is_supervisor)
    return member


def group_member(group: Group, user_id: int) -> GroupMember:
    for member in group.members:
        if member.user_id == user_id:
            return member
    raise ServiceError(404, _("This person is not in the group."))


def remove_group_member(brand, group: Group, user_id: int) -> None:
    member = group_member(group, user_id)
    group.members.remove(member)
    record("group.member_remove", brand=brand, obj=group, user_id=user_id)


def set_supervisor(brand, group: Group, user_id: int, is_supervisor: bool) -> bool:
    changes = apply_changes(group_member(group, user_id), {"is_supervisor": bool(is_supervisor)})
    if changes:
        record("group.supervisor_set", brand=brand, obj=group, user_id=user_id, is_supervisor=bool(is_supervisor))
    return bool(changes)
