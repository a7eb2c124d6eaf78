"""Where attached files live: a small interface over a directory (DESIGN §15).

Content-addressed: a file is named by the SHA-256 of its bytes (`ab/cd/abcd…`), so the same
screenshot sent twice is stored once and a name can never be chosen by a sender. Written
atomically: bytes go to a temporary file in the same directory tree, are flushed to disk, then
renamed into place, so a reader never sees half a file and a crash leaves only a temporary.

Nothing here knows about rows: a stored file is live only once a committed row names it
(portal/attachments/models.py). A transaction that rolls back leaves its files unnamed, and
`flask attachments prune` removes them after a grace period (an upload in flight is not yet
committed). `GUICHET_ATTACHMENTS_DIR` points several hosts at one shared volume.
"""
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass

from flask import current_app

CHUNK = 256 * 1024
_TEMP_PREFIX = ".part-"


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int


class TooLarge(Exception):
    """More bytes than allowed arrived; nothing was kept."""


class LocalStorage:
    def __init__(self, root: str):
        self.root = root

    def path(self, key: str) -> str:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a content key")
        return os.path.join(self.root, key[:2], key[2:4], key)

    def temporary(self):
        """An open temporary file inside the store (same file system, so the rename is atomic)."""
        os.makedirs(self.root, exist_ok=True)
        return tempfile.NamedTemporaryFile(dir=self.root, prefix=_TEMP_PREFIX, delete=False)

    def write_stream(self, chunks, limit: int | None = None) -> str:
        """Copy `chunks` into a temporary file; its path. TooLarge past `limit` bytes (removed)."""
        size = 0
        with self.temporary() as out:
            try:
                for chunk in chunks:
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise TooLarge
                    out.write(chunk)
            except BaseException:
                out.close()
                os.unlink(out.name)
                raise
        return out.name

    def keep(self, temporary_path: str) -> StoredFile:
        """Move a finished temporary file to its content address (fsynced first); the key."""
        digest = hashlib.sha256()
        with open(temporary_path, "rb") as source:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
            os.fsync(source.fileno())
        key = digest.hexdigest()
        size = os.path.getsize(temporary_path)
        final = self.path(key)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(temporary_path, final)  # the same bytes under the same name: replacing is harmless
        return StoredFile(key, size)

    def put_bytes(self, data: bytes) -> StoredFile:
        return self.keep(self.write_stream([data]))

    def exists(self, key: str) -> bool:
        return os.path.exists(self.path(key))

    def delete(self, key: str) -> int:
        """Remove a stored file; the bytes freed (0 if it was not there)."""
        try:
            path = self.path(key)
            size = os.path.getsize(path)
            os.unlink(path)
            return size
        except (FileNotFoundError, ValueError):
            return 0

    def discard(self, temporary_path: str | None) -> None:
        if temporary_path:
            try:
                os.unlink(temporary_path)
            except FileNotFoundError:
                pass

    def entries(self, older_than_seconds: float):
        """(key or None for a temporary, path, size) of every file older than the grace period."""
        cutoff = time.time() - older_than_seconds
        for directory, _dirs, files in os.walk(self.root):
            for name in files:
                path = os.path.join(directory, name)
                try:
                    info = os.stat(path)
                except FileNotFoundError:
                    continue
                if info.st_mtime > cutoff:
                    continue
                key = name if len(name) == 64 and not name.startswith(_TEMP_PREFIX) else None
                yield key, path, info.st_size


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["ATTACHMENTS_DIR"])
