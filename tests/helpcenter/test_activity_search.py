"""My activities: search by subject or number, and sorting (issue 14, what people expected)."""
import re

from tests.helpcenter.conftest import hc


def _subjects(page: str) -> list[str]:
    return re.findall(r'href="/acme/hc/en/requests/\d+">([^<]+)</a>', page)


def test_search_by_subject_words_or_number(client, world, login):
    printer = world.make_ticket(world.user, subject="Printer jams on floor 2")
    world.make_ticket(world.user, subject="Password reset loop")
    other_persons = world.make_ticket(world.other, subject="Printer of someone else")
    login(world.brand, world.user)
    page = client.get(hc(world, "requests?q=printer")).get_data(as_text=True)
    assert _subjects(page) == ["Printer jams on floor 2"]
    by_number = client.get(hc(world, f"requests?q=%23{printer.id}")).get_data(as_text=True)
    assert _subjects(by_number) == ["Printer jams on floor 2"]
    # Another person's request is not found by its number.
    assert _subjects(client.get(hc(world, f"requests?q={other_persons.id}")).get_data(as_text=True)) == []
    # Wildcards are words like any other.
    assert _subjects(client.get(hc(world, "requests?q=%25")).get_data(as_text=True)) == []
    assert 'value="printer"' in page  # the box keeps what was typed


def test_sorting_by_subject_and_by_creation(client, world, login):
    world.make_ticket(world.user, subject="Beta", age_minutes=5)
    world.make_ticket(world.user, subject="alpha", age_minutes=10)
    world.make_ticket(world.user, subject="Gamma", age_minutes=1)
    login(world.brand, world.user)
    assert _subjects(client.get(hc(world, "requests?sort=subject")).get_data(as_text=True)) == ["alpha", "Beta", "Gamma"]
    assert _subjects(client.get(hc(world, "requests?sort=created")).get_data(as_text=True)) == ["Gamma", "Beta", "alpha"]
    assert _subjects(client.get(hc(world, "requests?sort=nonsense")).get_data(as_text=True)) == ["Gamma", "Beta", "alpha"]


def test_odd_search_input_is_harmless(client, world, login):
    login(world.brand, world.user)
    for query in ("%00", "x" * 5000, "9" * 40, "#", "\\"):
        assert client.get(hc(world, f"requests?q={query}")).status_code == 200
