"""Files on disk with their records in the store: uploads, model outputs, and signed download
URLs (so file outputs open without a token)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from .models import JSON
from .store import ACCOUNT_USERNAME, Record, Store, iso, new_id, now, parse_iso


class StoredFiles:
    """``directory`` None keeps files in a temporary directory removed by ``close()``."""

    def __init__(self, store: Store, directory: Path | None) -> None:
        self.store = store
        key = store.meta("file_signing_key")
        if key is None:
            key = secrets.token_hex(32)
            store.set_meta("file_signing_key", key)
        self._key = key.encode()
        self._own_dir: tempfile.TemporaryDirectory[str] | None = None
        if directory is None:
            self._own_dir = tempfile.TemporaryDirectory(prefix="replicate-ext-files-")
            directory = Path(self._own_dir.name)
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        if self._own_dir is not None:
            self._own_dir.cleanup()

    def new_path(self) -> tuple[str, Path]:
        file_id = new_id()
        return file_id, self.directory / file_id

    def register(
        self,
        file_id: str,
        path: Path,
        *,
        size: int,
        sha256: str,
        etag: str,
        content_type: str,
        filename: str | None,
        metadata: JSON,
    ) -> Record:
        created = now()
        record: Record = {
            "id": file_id,
            "name": filename or file_id,
            "content_type": content_type,
            "size": size,
            "etag": etag,
            "checksums": {"sha256": sha256},
            "metadata": metadata,
            "created_at": iso(created),
            "expires_at": iso(created + timedelta(days=1)),
        }
        self.store.add_file(record, path)
        return record

    def save_bytes(self, data: bytes, *, filename: str, content_type: str) -> str:
        """Store ``data`` as a new file; returns its id."""
        file_id, path = self.new_path()
        path.write_bytes(data)
        self.register(
            file_id,
            path,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            etag=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            content_type=content_type,
            filename=filename,
            metadata={},
        )
        return file_id

    def delete(self, file_id: str) -> bool:
        path = self.store.delete_file(file_id)
        if path is None:
            return False
        path.unlink(missing_ok=True)
        return True

    def signature(self, file_id: str, owner: str, expiry: int) -> str:
        mac = hmac.new(self._key, f"{file_id}:{owner}:{expiry}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")

    def url_builder(self, origin: str) -> Callable[[str], str]:
        """A signed download URL per file id, for responses to requests from ``origin``."""

        def build(file_id: str) -> str:
            found = self.store.get_file(file_id)
            expiry = (
                int(parse_iso(found[0]["expires_at"]).timestamp())
                if found is not None
                else int(time.time())
            )
            signature = self.signature(file_id, ACCOUNT_USERNAME, expiry)
            query = f"owner={ACCOUNT_USERNAME}&expiry={expiry}&signature={signature}"
            return f"{origin}/v1/files/{file_id}/download?{query}"

        return build
