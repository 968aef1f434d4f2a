"""Cursor pages and lazy iteration across them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, Protocol, TypeAlias, TypeVar

import attrs

from .._cursor import MAX_PAGES

T = TypeVar("T")


class PageFetcher(Protocol[T]):
    """Fetches the page a ``next`` cursor URL points at."""

    async def __call__(self, next_url: str, /) -> AsyncPage[T]: ...


@attrs.frozen
class AsyncPage(Generic[T]):
    """One page of results. Iterating a page yields its items and then, lazily, those of every
    following page.

    >>> async for prediction in await client.predictions.list():   # doctest: +SKIP
    ...     print(prediction.id)
    """

    results: list[T]
    next: str | None = None
    previous: str | None = None
    _fetch: PageFetcher[T] | None = attrs.field(default=None, repr=False, eq=False, alias="fetch")

    @property
    def has_next(self) -> bool:
        return self.next is not None and self._fetch is not None

    async def next_page(self) -> AsyncPage[T] | None:
        """Fetch the following page, or None on the last one."""
        if self.next is None or self._fetch is None:
            return None
        return await self._fetch(self.next)

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and every following one, fetched as you go."""
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


# A list method called without arguments, e.g. ``client.models.list``.
ListCall: TypeAlias = Callable[[], Awaitable[AsyncPage[T]]]


async def apaginate(source: AsyncPage[T] | ListCall[T]) -> AsyncIterator[T]:
    """Iterate every item of a list call (or of a page and its successors), lazily.

    >>> async for model in replicate_ext.apaginate(client.models.list):   # doctest: +SKIP
    ...     print(model.full_name)
    """
    page = source if isinstance(source, AsyncPage) else await source()
    async for item in page:
        yield item
