"""Keeping the index in step with the database, rebuilding it, and answering searches.

The database is the source of truth. A change to a user or a membership writes a SearchOutbox
row in the same transaction (after_flush); after commit, one writer at a time (a lock file shared
by every process) applies the outbox to the index and only then deletes the rows. A process that
dies in between leaves its rows for the next writer, so no update is lost.
"""
import gc
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, g, has_request_context
from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.orm import Session
from whoosh.idsets import BitSet
from whoosh.query import Term

from ..auth.models import User
from ..brands.models import Brand, Membership
from ..brands.settings import SETTINGS
from ..database import write_connection
from ..extensions import db
from ..tickets.models import Ticket
from ..transaction import after_commit_work
from . import documents
from .index import IndexStore, IndexUnavailable, LockTimeout, build_query, quiet_leaks, rebuild_codec
from .models import SearchOutbox
from .rebuild import write_in_workers

log = logging.getLogger(__name__)

INDEXED_USER_FIELDS = ("email", "username", "name", "phone", "address")
OUTBOX_BATCH = 1000
REINDEX_POOL_MB = 1024
REINDEX_PROCESSES = 2
LOCK_TIMEOUT_SECONDS = 60
REINDEX_LOCK_TIMEOUT_SECONDS = 600
DEFAULT_LIMIT = 20
_DIRTY = "search_outbox_dirty"


@dataclass(frozen=True)
class Hit:
    user_id: int
    score: float
    ticket_id: int | None = None  # set when the hit is the requester of a typed request number


def store() -> IndexStore:
    return IndexStore(current_app.config["SEARCH_INDEX_DIR"])


# --- outbox: written in the changing transaction ----------------------------------------------
def _changed_user_ids(session: Session) -> set[int]:
    ids = set()
    for obj in list(session.new) + list(session.deleted):
        if isinstance(obj, User):
            ids.add(obj.id)
        elif isinstance(obj, Membership):
            ids.add(obj.user_id)
    for obj in session.dirty:
        state = inspect(obj)
        if isinstance(obj, User):
            if any(state.attrs[f].history.has_changes() for f in INDEXED_USER_FIELDS + ("memberships",)):
                ids.add(obj.id)
        elif isinstance(obj, Membership) and session.is_modified(obj):
            ids.add(obj.user_id)
            old_user = state.attrs["user_id"].history.deleted
            ids.update(u for u in old_user if u)
    ids.discard(None)
    return ids


def _after_flush(session: Session, _flush_context) -> None:
    ids = _changed_user_ids(session)
    if ids:
        session.connection().execute(insert(SearchOutbox.__table__), [{"user_id": i} for i in sorted(ids)])
        session.info[_DIRTY] = True


def _after_commit(session: Session) -> None:
    """Inside a web request, the index is brought in step after the request's commit is done
    (portal.transaction runs `apply_pending`), never inside it; inside `indexed_at_the_end()`
    when it ends; elsewhere (commands, scripts) now."""
    if not session.info.get(_DIRTY):
        return
    session.info.pop(_DIRTY, None)
    if has_request_context():
        g.search_outbox_pending = True
    elif getattr(_deferred, "depth", 0):
        _deferred.pending = True
    else:
        _apply_quietly(rebuild_missing=True)


_deferred = threading.local()


@contextmanager
def indexed_at_the_end():
    """A command committing many small transactions in a row (`flask mail fetch`: one per message)
    brings the index in step once, when the block ends, rather than after each commit (a Whoosh
    commit per new user was most of a new request's cost). The outbox rows wait in the database
    meanwhile, so nothing is lost if the process dies."""
    _deferred.depth = getattr(_deferred, "depth", 0) + 1
    try:
        yield
    finally:
        _deferred.depth -= 1
        if not _deferred.depth and getattr(_deferred, "pending", False):
            _deferred.pending = False
            _apply_quietly(rebuild_missing=True)


def apply_pending() -> None:
    """After a request's commit: apply the outbox rows it wrote, if it wrote any. A web request
    never rebuilds a missing index: the next search or `flask search reindex` does."""
    if g.pop("search_outbox_pending", False):
        _apply_quietly(rebuild_missing=False)


def _apply_quietly(rebuild_missing: bool) -> None:
    try:
        apply_outbox(rebuild_missing)
    except IndexUnavailable as error:  # a write never rebuilds the index: the rows wait for it
        log.warning("search index unavailable (%s): changes wait for `flask search reindex` or the next search",
                    error)
    except Exception:  # the commit stands; the rows wait for the next writer
        log.exception("search outbox not applied yet")


def _after_rollback(session: Session) -> None:
    session.info.pop(_DIRTY, None)


_hooks_installed = False


def install_hooks() -> None:
    global _hooks_installed
    if _hooks_installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    after_commit_work(apply_pending)
    event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
    _hooks_installed = True


# --- reading users from the database into documents --------------------------------------------
def _brand_regions(conn) -> dict[int, str]:
    default = SETTINGS["default_phone_region"].default
    return {brand_id: (settings or {}).get("default_phone_region", default)
            for brand_id, settings in conn.execute(select(Brand.id, Brand.settings))}


def _documents_for(conn, user_filter, regions: dict[int, str]) -> dict[int, dict]:
    users = User.__table__.c
    rows = conn.execute(select(users.id, users.email, users.username, users.name, users.phone,
                               users.address).where(user_filter(users.id))).mappings().all()
    brands_of: dict[int, list[int]] = {}
    for user_id, brand_id in conn.execute(select(Membership.user_id, Membership.brand_id)
                                          .where(user_filter(Membership.user_id))):
        brands_of.setdefault(user_id, []).append(brand_id)
    default = SETTINGS["default_phone_region"].default
    docs = {}
    for row in rows:
        brand_ids = brands_of.get(row["id"], [])
        user_regions = sorted({regions.get(b, default) for b in brand_ids} or {default})
        docs[row["id"]] = documents.user_document(row, brand_ids, user_regions)
    return docs


# --- applying the outbox -----------------------------------------------------------------------
def apply_outbox(rebuild_missing: bool = True) -> int:
    """Apply every pending outbox row to the index; returns how many users were updated.
    `rebuild_missing`: rebuild a missing index first (commands), else raise IndexUnavailable."""
    index_store = store()
    if rebuild_missing:
        _open_or_rebuild(index_store)
    applied = 0
    with index_store.write_lock(LOCK_TIMEOUT_SECONDS):
        ix = index_store.open()
        keep_rows = index_store.reindexing()  # a rebuild replays them onto its new generation
        last_id = 0
        while True:
            with db.engine.connect() as conn:
                rows = conn.execute(select(SearchOutbox.id, SearchOutbox.user_id)
                                    .where(SearchOutbox.id > last_id)
                                    .order_by(SearchOutbox.id).limit(OUTBOX_BATCH)).all()
                if not rows:
                    break
                user_ids = {user_id for _, user_id in rows}
                docs = _documents_for(conn, lambda column: column.in_(user_ids), _brand_regions(conn))
            writer = ix.writer(timeout=LOCK_TIMEOUT_SECONDS)
            try:
                for user_id in user_ids:
                    if user_id in docs:
                        writer.update_document(**docs[user_id])
                    else:
                        writer.delete_by_term("id", str(user_id))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            last_id = rows[-1][0]
            if not keep_rows:
                with write_connection() as conn:
                    conn.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r[0] for r in rows])))
            applied += len(user_ids)
    return applied


# --- rebuilding -------------------------------------------------------------------------------
def count_users() -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(User)).scalar_one()


def reindex(progress=None) -> int:
    """Rebuild the whole index into a fresh generation and swap it in; searches keep using the
    old one meanwhile. `progress(n)` is called as users are added. Returns the document count."""
    index_store = store()
    with index_store.reindex_lock(REINDEX_LOCK_TIMEOUT_SECONDS):
        return _reindex_locked(index_store, progress)


def _reindex_locked(index_store: IndexStore, progress) -> int:
    with index_store.write_lock(LOCK_TIMEOUT_SECONDS):
        index_store.mark_reindexing()
    name = None
    try:
        name, ix = index_store.new_generation()
        # Worker processes read, analyse and index in parallel, each into a segment of its own.
        write_in_workers(ix, _documents_between, REINDEX_PROCESSES, progress,
                         codec=rebuild_codec(), limitmb=REINDEX_POOL_MB)
        with index_store.write_lock(LOCK_TIMEOUT_SECONDS):
            index_store.swap(name)
            index_store.unmark_reindexing()
        name = None
    finally:
        index_store.unmark_reindexing()
        if name:
            index_store.discard(name)
    apply_outbox()  # replays what changed during the build, onto the new generation
    with index_store.open().searcher() as searcher:
        return searcher.doc_count()


def _documents_between(conn, first_id: int, last_id: int) -> dict[int, dict]:
    return _documents_for(conn, lambda column: column.between(first_id, last_id), _brand_regions(conn))


def _open_or_rebuild(index_store: IndexStore):
    try:
        return index_store.open()
    except IndexUnavailable as error:
        log.warning("search index unavailable (%s): rebuilding from the database", error)
    with index_store.reindex_lock(REINDEX_LOCK_TIMEOUT_SECONDS):
        try:
            return index_store.open()  # another process rebuilt it while we waited
        except IndexUnavailable:
            _reindex_locked(index_store, None)
    return index_store.open()


def status() -> dict:
    index_store = store()
    try:
        with index_store.open().searcher() as searcher:
            docs = searcher.doc_count()
    except IndexUnavailable:
        docs = None
    with db.engine.connect() as conn:
        pending = conn.execute(select(func.count()).select_from(SearchOutbox)).scalar_one()
    return {"documents": docs, "users": count_users(), "pending": pending,
            "generation": index_store.current_name(), "reindexing": index_store.reindexing(),
            "directory": index_store.base_dir}


# --- searching ---------------------------------------------------------------------------------
def search_users(brand, query: str | None, limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """Members of `brand` matching `query`, best first. Never raises on odd input."""
    cleaned = documents.clean_query(query)
    if not cleaned:
        return []
    regions = _phone_regions(brand, others=documents.is_phone_like(cleaned))
    hits = _requester_hits(brand, cleaned)
    for query_object in build_query(cleaned, regions, _known_word):
        found = _run(query_object, brand.id, limit)
        if found:
            hits += found
            break
    unique = {}
    for hit in hits:
        unique.setdefault(hit.user_id, hit)
    return list(unique.values())[:limit]


def _phone_regions(brand, others: bool) -> list[str]:
    """The brand's phone region first, then (`others`) the other brands' (documents hold E.164
    digits: a number typed the way its owner's other brand writes it is read in that region)."""
    default = SETTINGS["default_phone_region"].default
    own = (brand.settings or {}).get("default_phone_region", default)
    if not others:
        return [own]
    others = {(settings or {}).get("default_phone_region", default)
              for settings in db.session.scalars(select(Brand.settings))}
    return [own] + sorted(others - {own})


def _run(query_object, brand_id: int, limit: int) -> list[Hit]:
    index_store = store()
    for attempt in (1, 2):
        with quiet_leaks():
            try:
                reader = _thread_reader(index_store)
                members = _brand_filter(reader, brand_id)
                if not members:  # Whoosh reads an empty filter as no filter at all
                    return []
                # The brand is a filter inside the search, so ranking only ever sees members.
                results = reader["searcher"].search(query_object, filter=members, limit=limit)
                return [Hit(int(hit["id"]), hit.score) for hit in results]
            except LockTimeout:
                raise
            except Exception:
                _forget_thread_reader()
                if attempt == 2:
                    raise
                log.exception("search index unreadable: rebuilding from the database")
            gc.collect()
        reindex()
    return []


_local = threading.local()


def _known_word(token: str) -> bool:
    """Whether `token` is a whole word of some user; an unreadable index answers no (the search
    that follows deals with it)."""
    with quiet_leaks():
        try:
            reader = _thread_reader(store())["searcher"].reader()
            return ("words", token) in reader or ("mailwords", token) in reader
        except LockTimeout:
            raise
        except Exception:
            return False


def _thread_reader(index_store: IndexStore) -> dict:
    """A searcher kept per thread until the index changes: opening one and building a brand's
    filter cost more than the search itself at 100k users."""
    key = (index_store.base_dir, index_store.current_name())
    reader = getattr(_local, "reader", None)
    if reader is not None and reader["key"] == key and reader["searcher"].up_to_date():
        return reader
    _forget_thread_reader()
    ix = _open_or_rebuild(index_store)
    _local.reader = {"key": (index_store.base_dir, index_store.current_name()),
                     "searcher": ix.searcher(), "filters": {}}
    return _local.reader


def _forget_thread_reader() -> None:
    reader = getattr(_local, "reader", None)
    _local.reader = None
    if reader is not None:
        try:
            reader["searcher"].close()
        except Exception:  # a damaged index may fail to close; it is being dropped anyway
            pass


def _brand_filter(reader: dict, brand_id: int):
    filters = reader["filters"]
    if brand_id not in filters:
        searcher = reader["searcher"]
        filters[brand_id] = BitSet(searcher.docs_for_query(Term("brands", str(brand_id))),
                                   size=searcher.doc_count_all())
    return filters[brand_id]


def _requester_hits(brand, cleaned: str) -> list[Hit]:
    """'#123' or '123' naming a request of this brand finds its requester (DESIGN §7)."""
    number = cleaned[1:] if cleaned.startswith("#") else cleaned
    if not number.isdigit() or len(number) > 9:
        return []
    row = db.session.execute(
        select(Ticket.id, Ticket.requester_id)
        .join(Membership, (Membership.user_id == Ticket.requester_id) & (Membership.brand_id == brand.id))
        .where(Ticket.id == int(number), Ticket.brand_id == brand.id)
    ).first()
    return [Hit(row.requester_id, float("inf"), ticket_id=row.id)] if row else []
