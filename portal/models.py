"""Imports every model so metadata (and Alembic) sees the whole schema."""
from .audit.models import AuditEvent  # noqa: F401
from .auth.models import Invitation, KnownAddress, SigninFailure, User, UserSession  # noqa: F401
from .brands.models import AgentPreference, Brand, Group, GroupMember, Membership  # noqa: F401
from .tickets.models import (  # noqa: F401
    Comment,
    Draft,
    FieldCondition,
    FormField,
    Ticket,
    TicketCollaborator,
    TicketEvent,
    TicketField,
    TicketFieldValue,
    TicketForm,
)
from .agent.models import AssistanceMessage, AssistanceNotice, AssistanceRequest  # noqa: F401
from .search.models import SearchOutbox  # noqa: F401
from .assist.models import Interaction  # noqa: F401
from .mail.models import MailOutbox  # noqa: F401
from .api.models import ApiRateCounter, ApiToken  # noqa: F401
from .attachments.models import Attachment  # noqa: F401
