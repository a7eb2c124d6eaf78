"""`flask attachments prune`: expired uploads and orphaned files go, live ones stay."""
import os
import time
from datetime import timedelta

from portal.attachments.storage import storage
from portal.extensions import db
from portal.models import Attachment
from portal.models_base import utcnow
from tests.attachments.conftest import PDF, attachment_rows, files_on_disk, png


def upload(api, brand, user, content, name):
    answer = api("POST", brand, f"/uploads.json?filename={name}", user, data=content)
    assert answer.status_code == 201
    return answer.get_json()["upload"]["token"]


def age_files(app, seconds):
    past = time.time() - seconds
    for path in files_on_disk(app):
        os.utime(path, (past, past))


def test_prune_frees_expired_uploads_and_orphans_and_keeps_the_rest(app, api, world, make_ticket):
    ticket = make_ticket(world.user)
    kept = upload(api, world.brand, world.user, png(), "kept.png")
    assert api("PUT", world.brand, f"/requests/{ticket.id}.json", world.user,
               json={"request": {"comment": {"body": "See", "uploads": [kept]}}}).status_code == 200
    upload(api, world.brand, world.user, PDF, "old.pdf")
    db.session.execute(db.update(Attachment).where(Attachment.file_name == "old.pdf")
                       .values(created_at=utcnow() - timedelta(days=4)))
    db.session.commit()
    orphan = storage().put_bytes(b"left by a crash\n")
    crashed = storage().temporary()
    crashed.write(b"half")
    crashed.close()
    age_files(app, 7200)
    result = app.test_cli_runner().invoke(args=["attachments", "prune"])
    assert result.exit_code == 0, result.output
    assert "1 expired upload(s) removed; 3 orphaned file(s) deleted" in result.output
    assert [row.file_name for row in attachment_rows()] == ["kept.png"]
    assert not storage().exists(orphan.key) and not os.path.exists(crashed.name)
    (row,) = attachment_rows()
    assert storage().exists(row.content_key)


def test_prune_leaves_young_files_alone(app):
    young = storage().put_bytes(b"an upload whose transaction is still running\n")
    result = app.test_cli_runner().invoke(args=["attachments", "prune"])
    assert "0 orphaned file(s)" in result.output and storage().exists(young.key)
