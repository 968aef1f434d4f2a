"""``/v1/files``: streaming upload, list, get, delete, and download (with a token or a signed
URL)."""

from __future__ import annotations

import hmac
import re
import time

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..gate import AUTH_SCOPE_KEY
from ..http import engine_of, ok, origin_of
from ..pagination import paginate
from ..problems import Problem, invalid_field
from ..render import file_json

_EXPIRY = re.compile(r"[0-9]{1,12}")


async def create(request: Request) -> Response:
    from ..uploads import receive_upload

    engine = engine_of(request)
    upload = await receive_upload(request, engine, engine.settings.max_upload_bytes)
    record = engine.files.register(
        upload.file_id,
        upload.path,
        size=upload.size,
        sha256=upload.sha256,
        etag=upload.etag,
        content_type=upload.content_type,
        filename=upload.filename,
        metadata=upload.metadata,
    )
    return ok(file_json(record, origin_of(request)), 201)


async def list_all(request: Request) -> Response:
    origin = origin_of(request)
    files = [file_json(f, origin) for f in engine_of(request).store.list_files()]
    return ok(paginate(request, files))


async def get(request: Request) -> Response:
    found = engine_of(request).store.get_file(request.path_params["id"])
    if found is None:
        raise Problem(404, "file not found")
    return ok(file_json(found[0], origin_of(request)))


async def delete(request: Request) -> Response:
    if not engine_of(request).files.delete(request.path_params["id"]):
        raise Problem(404, "file not found")
    return Response(status_code=204)


async def download(request: Request) -> Response:
    engine = engine_of(request)
    file_id = request.path_params["id"]
    if not request.scope.get(AUTH_SCOPE_KEY):
        params = request.query_params
        if "signature" not in params:
            raise Problem(401, "a bearer token or a valid signed URL is required")
        text = params.get("expiry", "")
        if not _EXPIRY.fullmatch(text):
            raise invalid_field("expiry", "must be a Unix timestamp in seconds")
        expiry = int(text)
        expected = engine.files.signature(file_id, params.get("owner", ""), expiry)
        # bytes: compare_digest refuses str with non-ASCII characters
        signature = params["signature"].encode("utf-8", "replace")
        if not hmac.compare_digest(expected.encode(), signature) or expiry < time.time():
            raise Problem(401, "a bearer token or a valid signed URL is required")
    found = engine.store.get_file(file_id)
    if found is None or not found[1].exists():
        raise Problem(404, "file not found")
    record, path = found
    # FileResponse streams from disk in chunks; the file is never read whole
    return FileResponse(
        path, media_type=record["content_type"], filename=record.get("name") or file_id
    )
