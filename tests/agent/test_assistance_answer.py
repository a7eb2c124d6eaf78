"""Who answers an assistance request: a full agent who supervises the ticket's group, as the
ticket page's Accept button and the accept endpoint both ask policy.can_answer_assistance."""
import pytest
from sqlalchemy import select

from portal.agent.models import AssistanceRequest
from portal.extensions import db
from portal.models import GroupMember

from .conftest import set_online

JSON = {"Accept": "application/json"}


@pytest.mark.parametrize("role, answers", [("light_agent", False), ("agent", True), ("admin", True)])
def test_only_a_full_agent_supervisor_answers(world, make_ticket, make_user, client_for, role, answers):
    supervising = make_user(name="Vera Visor", roles={world.brand: role})
    db.session.add(GroupMember(group_id=world.support.id, user_id=supervising.id, is_supervisor=True))
    db.session.commit()
    set_online(world.supervisor)
    ticket = make_ticket(group=world.support)
    asked = client_for(world.agent).post(f"/acme/agent/tickets/{ticket.id}/assistance",
                                         data={"reason": "Payroll rules"})
    assert asked.status_code == 302
    assistance = db.session.scalar(select(AssistanceRequest))
    boss = client_for(supervising)

    page = boss.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert ("Accept and assist" in page) is answers
    response = boss.post(f"/acme/agent/assistance/{assistance.id}/accept", headers=JSON)
    assert response.status_code == (200 if answers else 403)
    if not answers:
        assert "Only a supervisor of the ticket's group can answer." in response.get_json()["error"]
    db.session.expire_all()
    assert db.session.get(AssistanceRequest, assistance.id).status == ("accepted" if answers else "waiting")
