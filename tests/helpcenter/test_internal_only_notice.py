"""The new-request page tells a light agent their request will be an internal note (DESIGN §6)."""
import pytest

from .conftest import hc

NOTICE = "your request is created as an internal note"


@pytest.mark.parametrize("role, warned", [("light", True), ("agent", False), ("admin", False), ("user", False)])
def test_internal_only_notice_for_light_agents_only(client, world, login, role, warned):
    login(world.brand, getattr(world, role))
    response = client.get(hc(world, f"requests/new?ticket_form_id={world.general.id}"))
    assert response.status_code == 200
    assert (NOTICE in response.get_data(as_text=True)) is warned
