"""The workspace viewer (one statement): groups of this brand only, and the notice switches."""
from portal.agent.models import Preferences
from portal.brands.models import AgentPreference
from portal.agent.queries import viewer_for
from portal.extensions import db


def test_groups_of_this_brand_only_and_switches_default_on(app, make_brand, make_user, make_group):
    acme, globex = make_brand("acme"), make_brand("globex")
    agent = make_user(roles={acme: "agent", globex: "agent"})
    first, second = make_group(acme, members=[agent]), make_group(acme, supervisors=[agent])
    make_group(globex, members=[agent])
    make_group(acme)  # not theirs
    with app.test_request_context():
        viewer = viewer_for(agent, acme)
        assert viewer.group_ids == {first.id, second.id}
        assert viewer.preferences == Preferences(play_sound=True, pop_up=True)
        assert viewer_for(make_user(roles={acme: "agent"}), acme).group_ids == frozenset()


def test_saved_switches_are_read(app, make_brand, make_user):
    acme = make_brand("acme")
    agent = make_user(roles={acme: "agent"})
    db.session.add(AgentPreference(user_id=agent.id, play_sound=False, pop_up=True))
    db.session.commit()
    with app.test_request_context():
        assert viewer_for(agent, acme).preferences == Preferences(play_sound=False, pop_up=True)
