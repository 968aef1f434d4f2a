"""Pages: the sync and async classes (one source, see ``_async/pagination.py``) and the shared
cursor rules."""

from ._async.pagination import AsyncPage, apaginate
from ._cursor import MAX_PAGES, next_page_url, parse_page_fields
from ._sync.pagination import Page, paginate

__all__ = [
    "MAX_PAGES",
    "AsyncPage",
    "Page",
    "apaginate",
    "next_page_url",
    "paginate",
    "parse_page_fields",
]
