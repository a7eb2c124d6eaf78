"""Several processes writing at once (gunicorn workers) lose no index update (DESIGN §7, §12)."""
import multiprocessing

from sqlalchemy import func, select

from portal import create_app
from portal.auth.models import User
from portal.auth.services import add_membership, create_user
from portal.brands.models import Brand
from portal.extensions import db
from portal.search import services
from portal.search.models import SearchOutbox

PROCESSES = 4
USERS_EACH = 8


def _worker(config, number, shared_id):
    """One worker: creates users and renames the shared one, committing each change."""
    app = create_app(config)
    with app.app_context():
        brand = db.session.scalar(select(Brand).where(Brand.slug == "acme"))
        for n in range(USERS_EACH):
            user = create_user(f"p{number}u{n}@example.com", f"Worker{number} Person{n}")
            add_membership(user, brand, "end_user")
            db.session.commit()
            shared = db.session.get(User, shared_id)
            shared.name = f"Shared zq{number}x{n}"
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_four_processes_writing_at_once_lose_nothing(app, make_brand, add_person, find):
    acme = make_brand("acme")
    shared_id = add_person(acme, "Shared Start", "shared@example.com").id
    db.session.commit()  # no read transaction of ours may hold the SQLite write lock meanwhile
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "SECRET_KEY", "TESTING")}
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_worker, args=(config, n, shared_id)) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(240)
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    users = db.session.scalar(select(func.count()).select_from(User))
    pending = db.session.scalar(select(func.count()).select_from(SearchOutbox))
    db.session.commit()
    info = services.status()
    assert users == 1 + PROCESSES * USERS_EACH
    assert (info["documents"], pending) == (users, 0)
    assert len(find(acme, "worker1", limit=100)) == USERS_EACH
    final_name = db.session.get(User, shared_id).name  # whichever rename committed last
    assert final_name != "Shared Start"
    assert find(acme, final_name.split()[1]) == [shared_id]
