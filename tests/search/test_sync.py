"""The index follows the database: outbox, rebuild with swap, damaged index, CLI."""
import os
import shutil

import pytest

from sqlalchemy import delete, func, select

from portal.auth.models import User
from portal.auth.services import add_membership
from portal.brands.models import Membership
from portal.extensions import db
from portal.search import reindex, services, status
from portal.search.index import IndexStore
from portal.search.models import SearchOutbox


def pending():
    count = db.session.scalar(select(func.count()).select_from(SearchOutbox))
    db.session.commit()  # end the read, so the services' own connections may write
    return count


def current_status():
    db.session.commit()
    return status()


def test_a_change_reaches_the_index_after_commit_and_the_outbox_empties(make_brand, add_person, find):
    brand = make_brand()
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    assert find(brand, "bohr") == [person.id] and pending() == 0
    person.name = "Niels Henrik Bohr-Nørlund"
    db.session.flush()
    assert pending() == 1  # written in the same transaction as the change
    db.session.commit()
    assert find(brand, "norlund") == [person.id] and pending() == 0


def test_a_rolled_back_change_leaves_no_outbox_row_and_no_document(make_brand, add_person, find):
    brand = make_brand()
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    person.name = "Someone Else"
    db.session.flush()
    db.session.rollback()
    assert pending() == 0 and find(brand, "someone") == [] and find(brand, "bohr") == [person.id]


def test_presence_updates_do_not_touch_the_index(make_brand, add_person):
    from portal.models_base import utcnow
    brand = make_brand()
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    person.last_seen_at = utcnow()
    db.session.flush()
    assert pending() == 0
    db.session.commit()


def test_membership_changes_move_the_user_between_brands(make_brand, add_person, find):
    acme, globex = make_brand(), make_brand()
    person = add_person(acme, "Niels Bohr", "niels@example.com")
    assert find(globex, "bohr") == []
    add_person  # noqa: B018
    add_membership(person, globex, "end_user")
    db.session.commit()
    assert find(globex, "bohr") == [person.id]
    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == person.id,
                                                                  Membership.brand_id == acme.id)))
    db.session.commit()
    assert find(acme, "bohr") == [] and find(globex, "bohr") == [person.id]


def test_a_deleted_user_leaves_the_index(make_brand, add_person, find):
    brand = make_brand()
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    db.session.delete(person)
    db.session.commit()
    assert find(brand, "bohr") == [] and current_status()["documents"] == current_status()["users"]


def test_rows_left_by_a_dead_writer_are_applied_by_the_next_one(make_brand, add_person, find):
    brand = make_brand()
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    # A worker committed then died before applying: the change is in the database and the outbox.
    db.session.execute(User.__table__.update().where(User.id == person.id).values(name="Marie Curie"))
    db.session.add(SearchOutbox(user_id=person.id))
    db.session.info.pop("search_outbox_dirty", None)
    db.session.commit()
    assert find(brand, "curie") == []
    add_person(brand, "Someone Else", "else@example.com")  # any later commit applies all rows
    assert find(brand, "curie") == [person.id] and pending() == 0


def test_reindex_rebuilds_into_a_new_generation_and_swaps_it_in(app, make_brand, add_person, find):
    brand = make_brand()
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    before = store.current_name()
    # Bypass the hooks: only a rebuild from the database can know about this user.
    db.session.execute(User.__table__.insert().values(email="ghost@example.com", username="ghost",
                                                      name="Ghost Writer", active=True))
    ghost_id = db.session.scalar(select(User.id).where(User.username == "ghost"))
    db.session.execute(Membership.__table__.insert().values(user_id=ghost_id, brand_id=brand.id,
                                                            role="end_user", can_assist=False,
                                                            can_register_users=False))
    db.session.info.pop("search_outbox_dirty", None)
    db.session.commit()
    db.session.execute(delete(SearchOutbox))
    db.session.commit()
    assert find(brand, "ghost") == []
    seen = []
    db.session.commit()
    assert reindex(progress=seen.append) == 2
    assert sum(seen) == 2 and store.current_name() != before
    assert find(brand, "ghost") == [ghost_id] and find(brand, "bohr") == [person.id]


def test_changes_during_a_rebuild_are_replayed_onto_the_new_generation(app, make_brand, add_person,
                                                                       find, monkeypatch):
    brand = make_brand()
    add_person(brand, "Niels Bohr", "niels@example.com")
    late = {}
    original = services.write_in_workers

    def write_then_change(*args, **kwargs):
        original(*args, **kwargs)  # the snapshot is read; a worker now commits a new user
        late["user"] = add_person(brand, "Late Comer", "late@example.com")
        assert pending() > 0  # applied to the old generation, kept for the replay

    monkeypatch.setattr(services, "write_in_workers", write_then_change)
    db.session.commit()
    reindex()
    assert find(brand, "comer") == [late["user"].id] and pending() == 0


def test_a_deleted_index_directory_is_rebuilt_not_a_500(app, make_brand, make_user, add_person, login, client):
    brand = make_brand("acme")
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    login(brand, make_user(roles={brand: "agent"}))
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    response = client.get("/acme/agent/users/suggest?q=bohr")
    assert response.status_code == 200 and response.get_json()["results"][0]["id"] == person.id


def test_a_corrupted_index_is_rebuilt_not_a_500(app, make_brand, make_user, add_person, login, client):
    brand = make_brand("acme")
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    login(brand, make_user(roles={brand: "agent"}))
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    generation = os.path.join(store.base_dir, store.current_name())
    for name in os.listdir(generation):
        with open(os.path.join(generation, name), "wb") as handle:
            handle.write(b"\x00garbage" * 10)
    response = client.get("/acme/agent/users/suggest?q=bohr")
    assert response.status_code == 200 and response.get_json()["results"][0]["id"] == person.id


def test_a_pointer_to_nowhere_is_rebuilt(app, make_brand, add_person, find):
    brand = make_brand()
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    with open(os.path.join(app.config["SEARCH_INDEX_DIR"], "CURRENT"), "w") as handle:
        handle.write("gen-missing")
    assert find(brand, "bohr") == [person.id]


def test_cli_status_and_reindex(app, make_brand, add_person):
    brand = make_brand()
    add_person(brand, "Niels Bohr", "niels@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 users" in result.output
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0 and "Documents:        1" in result.output and "In step." in result.output
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    result = runner.invoke(args=["search", "status"])
    assert "missing" in result.output and "Out of step" in result.output


def test_an_index_of_an_older_format_is_rebuilt_not_a_500(app, make_brand, make_user, add_person, login, client):
    brand = make_brand("acme")
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    login(brand, make_user(roles={brand: "agent"}))
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    old_generation = store.current_name()
    os.remove(os.path.join(store.base_dir, old_generation, "FORMAT"))  # as written before versions
    response = client.get("/acme/agent/users/suggest?q=bohr")
    assert response.status_code == 200 and response.get_json()["results"][0]["id"] == person.id
    assert store.current_name() != old_generation
    db.session.commit()
    assert status()["documents"] == 2


def test_a_failed_rebuild_keeps_the_live_index(app, make_brand, add_person, find, monkeypatch):
    brand = make_brand()
    person = add_person(brand, "Niels Bohr", "niels@example.com")
    store = IndexStore(app.config["SEARCH_INDEX_DIR"])
    live = store.current_name()

    def unreadable(conn, first_id, last_id):
        raise ValueError("a row the worker cannot read")

    monkeypatch.setattr(services, "_documents_between", unreadable)
    db.session.commit()
    with pytest.raises(RuntimeError, match="a row the worker cannot read"):
        reindex()
    generations = [name for name in os.listdir(store.base_dir) if name.startswith("gen-")]
    assert store.current_name() == live and generations == [live] and not store.reindexing()
    assert find(brand, "bohr") == [person.id]


def test_a_web_write_never_rebuilds_a_missing_index_the_next_search_does(app, client, make_brand, find):
    """The outbox is applied after the request's commit, never inside it, and a web write never
    starts a full rebuild: the rows wait, and the next search rebuilds and applies them."""
    brand = make_brand("acme", self_registration=True)
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"], ignore_errors=True)
    response = client.post("/acme/hc/en/signup", data={"name": "Grace Hopper", "email": "grace@example.com",
                                                       "password": "long-enough-pw", "confirm": "long-enough-pw"})
    assert response.status_code == 302
    assert not os.path.exists(app.config["SEARCH_INDEX_DIR"]) or IndexStore(
        app.config["SEARCH_INDEX_DIR"]).current_name() is None
    assert pending() > 0  # the user's rows wait in the outbox
    grace = db.session.scalar(select(User.id).where(User.email == "grace@example.com"))
    assert find(brand, "hopper") == [grace] and pending() == 0
