"""File inputs (data URI or upload) and file outputs (lazy, streamed `FileOutput`).

Encoding is planned in one pure pass shared by sync and async (``_file_data.py``): the walk
decides, per file, whether it becomes a data URI (done inline) or an upload (left as a
placeholder); only the uploads differ between the two flavours, written once in
``_async/files.py`` (the sync twin is generated).
"""

from ._async.files import AsyncFileOutput, encode_inputs_async, wrap_outputs_async
from ._file_data import (
    DEFAULT_DATA_URI_LIMIT,
    FileEncoding,
    FileOutputBase,
    FileSource,
    guess_content_type,
    remaining_size,
)
from ._sync.files import FileOutput, encode_inputs, wrap_outputs

__all__ = [
    "DEFAULT_DATA_URI_LIMIT",
    "AsyncFileOutput",
    "FileEncoding",
    "FileOutput",
    "FileOutputBase",
    "FileSource",
    "encode_inputs",
    "encode_inputs_async",
    "guess_content_type",
    "remaining_size",
    "wrap_outputs",
    "wrap_outputs_async",
]
