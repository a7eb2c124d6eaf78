"""Registering an end user on behalf of someone (DESIGN §2, §8): an invitation, like every path
by which staff name a person by e-mail (auth.invitations)."""
from ..audit.services import record
from ..auth.invitations import member_or_invite
from ..auth.models import User


def register_on_behalf(agent, brand, *, name: str, email: str, phone: str | None = None,
                       address: str | None = None) -> tuple[User, bool]:
    """(person, is_member). A member is returned as is (the agent may assist them); anyone else is
    invited as an end user, and the agent may assist them once they accept. Works when
    self_registration is off; only the end-user role can be given this way. Not committed.
    """
    user, member = member_or_invite(brand, email, actor=agent, name=name, phone=phone, address=address)
    if not member:
        record("assist.register_user", actor=agent, brand=brand, email=email)
    return user, member
