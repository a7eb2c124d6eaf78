"""My activities: my requests, requests I'm copied on, drafts; status filter; pagination; query count."""
from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db

from .conftest import hc


@contextmanager
def counting_queries():
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_tabs_list_the_right_requests(client, world, make_world, login, make_ticket):
    other_brand = make_world("globex")
    make_ticket(world.user, subject="Mine open", status="open")
    make_ticket(world.user, subject="Mine solved", status="solved")
    make_ticket(world.other, subject="Copied on", ccs=[world.user])
    make_ticket(world.other, subject="Not mine")
    make_ticket(world.user, subject="Internal only", public=False)
    other_brand.make_ticket(other_brand.user, subject="Other brand")
    login(world.brand, world.user)
    mine = client.get(hc(world, "requests")).get_data(as_text=True)
    assert "Mine open" in mine and "Mine solved" in mine
    for absent in ("Copied on", "Not mine", "Internal only", "Other brand"):
        assert absent not in mine
    ccd = client.get(hc(world, "requests?tab=ccd")).get_data(as_text=True)
    assert "Copied on" in ccd and "Mine open" not in ccd
    solved = client.get(hc(world, "requests?status=solved")).get_data(as_text=True)
    assert "Mine solved" in solved and "Mine open" not in solved
    bogus = client.get(hc(world, "requests?status=nonsense&tab=nonsense"))
    assert bogus.status_code == 200 and "Mine open" in bogus.get_data(as_text=True)


def test_pagination(client, world, login, make_ticket):
    for n in range(30):
        make_ticket(world.user, subject=f"Request number {n:02d}")
    login(world.brand, world.user)
    first = client.get(hc(world, "requests")).get_data(as_text=True)
    second = client.get(hc(world, "requests?page=2")).get_data(as_text=True)
    assert first.count("Request number") == 25 and second.count("Request number") == 5
    assert "Page 1 of 2" in first and "page=2" in first


def test_query_count_does_not_grow_with_page_size(client, world, login, make_ticket):
    for n in range(12):
        make_ticket(world.user, subject=f"Request number {n:02d}", ccs=[world.other])
    login(world.brand, world.user)
    counts = []
    for per_page in (2, 12):
        client.get(hc(world, f"requests?per_page={per_page}"))  # warm caches (brand hosts, etc.)
        with counting_queries() as statements:
            html = client.get(hc(world, f"requests?per_page={per_page}")).get_data(as_text=True)
        assert html.count("Request number") == per_page
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    client.post(hc(world, "signout"))
    login(world.brand, world.other)
    ccd = []
    for per_page in (2, 12):
        with counting_queries() as statements:
            client.get(hc(world, f"requests?tab=ccd&per_page={per_page}"))
        ccd.append(len(statements))
    assert ccd[0] == ccd[1], ccd


def test_anonymous_is_sent_to_sign_in(client, world):
    assert client.get(hc(world, "requests")).status_code in (302, 401)
