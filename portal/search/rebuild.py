"""Rebuilding the index in parallel worker processes.

Each worker reads its own range of users from the database, turns them into documents and writes
a Whoosh segment of its own; the parent only commits the workers' segments together. Building the
documents (phone number parsing above all) costs as much as indexing them, so it is done in the
workers too: the parent would otherwise be the bottleneck, pickling every document to them.
"""
import multiprocessing
import os
import queue
import traceback

from flask import current_app
from sqlalchemy import select
from whoosh.writing import SegmentWriter

from ..auth.models import User
from ..extensions import db

READ_CHUNK = 5000
POLL_SECONDS = 0.2
WORKER_TIMEOUT_SECONDS = 3600


def write_in_workers(ix, documents_in, processes: int, progress=None, **writer_options) -> None:
    """Fill the empty index `ix` with every user's document, `processes` workers at once.
    `documents_in(conn, first_id, last_id)` returns the documents of users first_id..last_id."""
    with db.engine.connect() as conn:
        ids = conn.execute(select(User.__table__.c.id).order_by(User.__table__.c.id)).scalars().all()
    segments = _run_workers(ix, _split(ids, processes), documents_in, progress, writer_options)
    # Only now a writer of the parent's own, to list the segments: opened earlier, it would share
    # its temporary directory with the workers (a failing worker removes it). The generation is
    # new and private to this rebuild, so nobody else writes to it meanwhile.
    writer = ix.writer()
    writer._close_segment()  # the parent's own segment stays empty
    writer._commit_toc(list(writer.segments) + segments)
    writer._finish()


def _split(ids: list[int], parts: int) -> list[tuple[int, int]]:
    """Contiguous id ranges of about the same number of users each."""
    parts = max(1, min(parts, len(ids)))
    bounds = [len(ids) * k // parts for k in range(parts + 1)]
    return [(ids[bounds[k]], ids[bounds[k + 1] - 1]) for k in range(parts) if bounds[k] < bounds[k + 1]]


def _run_workers(ix, ranges, documents_in, progress, writer_options) -> list:
    context = multiprocessing.get_context("fork")  # the workers share the app, its config and ix
    messages = context.Queue()
    app = current_app._get_current_object()
    workers = [context.Process(target=_worker, args=(app, ix, first, last, documents_in, messages,
                                                     writer_options), daemon=True)
               for first, last in ranges]
    for worker in workers:
        worker.start()
    segments, failure = [], None
    try:
        while len(segments) < len(workers) and failure is None:
            try:
                kind, value = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if any(not w.is_alive() and w.exitcode for w in workers):
                    failure = "a rebuild worker died"
                continue
            if kind == "progress":
                if progress:
                    progress(value)
            elif kind == "segment":
                segments.append(value)
            else:
                failure = value
    finally:
        for worker in workers:
            if failure is not None and worker.is_alive():
                worker.terminate()
            worker.join(WORKER_TIMEOUT_SECONDS)
        messages.close()
        messages.join_thread()
    if failure is not None:
        raise RuntimeError(f"search rebuild failed: {failure}")
    return segments


def _worker(app, ix, first_id, last_id, documents_in, messages, writer_options) -> None:
    """In a forked process: never return into the parent's code, leave through os._exit."""
    status = 1
    try:
        db.engine.dispose(close=False)  # the parent's pooled connections are not ours to use
        with app.app_context():
            # On failure the parent discards the whole generation: nothing to cancel here.
            writer = SegmentWriter(ix.storage.open_index(ix.indexname), _lk=False, **writer_options)
            _add_range(writer, documents_in, first_id, last_id, messages)
            segment = writer._finalize_segment()
        messages.put(("segment", segment))
        status = 0
    except BaseException:
        messages.put(("error", traceback.format_exc(limit=5)))
    finally:
        messages.close()
        messages.join_thread()
        os._exit(status)


def _add_range(writer, documents_in, first_id: int, last_id: int, messages) -> None:
    users = User.__table__.c
    start = first_id
    while start <= last_id:
        # Short reads, chunk by chunk, so the database's writers are never held up for long;
        # what changes meanwhile is replayed from the outbox after the swap.
        with db.engine.connect() as conn:
            ids = conn.execute(select(users.id).where(users.id.between(start, last_id))
                               .order_by(users.id).limit(READ_CHUNK)).scalars().all()
            if not ids:
                return
            docs = documents_in(conn, ids[0], ids[-1])
        for doc in docs.values():
            writer.add_document(**doc)
        messages.put(("progress", len(ids)))
        start = ids[-1] + 1
