"""Cursor pages and lazy iteration across them.

The API's ``next`` is an absolute URL on api.replicate.com. We follow only its cursor (the
query string), against the list endpoint on the client's own base URL, so a proxy or a local
server is never bypassed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

import attrs
import httpx

T = TypeVar("T")

# A misbehaving server that keeps returning new cursors must not make iteration endless.
MAX_PAGES = 100_000


def next_page_url(list_path: str, next_url: str) -> str:
    """The list endpoint (relative to our base URL) carrying ``next_url``'s cursor."""
    query = httpx.URL(next_url).query.decode("ascii")
    path = list_path.split("?", 1)[0]
    return f"{path}?{query}" if query else path


@attrs.frozen
class Page(Generic[T]):
    """One page of results. Iterating a page yields its items and then, lazily, those of every
    following page.

    >>> for prediction in client.predictions.list():   # doctest: +SKIP
    ...     print(prediction.id)
    """

    results: list[T]
    next: str | None = None
    previous: str | None = None
    _fetch: Callable[[str], Page[T]] | None = attrs.field(
        default=None, repr=False, eq=False, alias="fetch"
    )

    @property
    def has_next(self) -> bool:
        return self.next is not None and self._fetch is not None

    def next_page(self) -> Page[T] | None:
        """Fetch the following page, or None on the last one."""
        if self.next is None or self._fetch is None:
            return None
        return self._fetch(self.next)

    def iter_pages(self) -> Iterator[Page[T]]:
        """This page and every following one, fetched as you go."""
        page: Page[T] | None = self
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if page is None:
                return
            yield page
            if page.next is None or page.next in seen:
                return
            seen.add(page.next)
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.results


@attrs.frozen
class AsyncPage(Generic[T]):
    """Async twin of :class:`Page`: ``async for item in page`` walks every following page."""

    results: list[T]
    next: str | None = None
    previous: str | None = None
    _fetch: Callable[[str], Awaitable[AsyncPage[T]]] | None = attrs.field(
        default=None, repr=False, eq=False, alias="fetch"
    )

    @property
    def has_next(self) -> bool:
        return self.next is not None and self._fetch is not None

    async def next_page(self) -> AsyncPage[T] | None:
        if self.next is None or self._fetch is None:
            return None
        return await self._fetch(self.next)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        page: AsyncPage[T] | None = self
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if page is None:
                return
            yield page
            if page.next is None or page.next in seen:
                return
            seen.add(page.next)
            page = await page.next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.results:
                yield item


def parse_page_fields(data: Any) -> tuple[list[Any], str | None, str | None]:
    """(results, next, previous) of a paginated JSON body, tolerating absent keys."""
    if not isinstance(data, dict):
        return [], None, None
    results = data.get("results")
    nxt = data.get("next")
    prev = data.get("previous")
    return (
        results if isinstance(results, list) else [],
        nxt if isinstance(nxt, str) and nxt else None,
        prev if isinstance(prev, str) and prev else None,
    )


def paginate(source: Page[T] | Callable[[], Page[T]]) -> Iterator[T]:
    """Iterate every item of a list call (or of a page and its successors), lazily.

    >>> for model in replicate_ext.paginate(client.models.list):   # doctest: +SKIP
    ...     print(model.full_name)
    """
    page = source if isinstance(source, Page) else source()
    return iter(page)


async def apaginate(
    source: AsyncPage[T] | Callable[[], Awaitable[AsyncPage[T]]],
) -> AsyncIterator[T]:
    """Async :func:`paginate`: ``async for item in apaginate(client.models.list)``."""
    page = source if isinstance(source, AsyncPage) else await source()
    async for item in page:
        yield item
