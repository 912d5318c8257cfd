"""Walks through list methods: what ``Client.list``, ``AsyncClient.list`` and the typed
``…_all`` calls of list methods return.

The walk itself (counted pages through ``batch``, by ID, or by a method's own limit and offset)
is the core's; these classes hand its pages out item by item and say how far it has got. A walk
by name yields JSON (dicts); a typed one, the method's item class.
"""

from __future__ import annotations

from . import _native

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Generic, Iterator, List, Optional, TypeVar

    _Item = TypeVar("_Item")

    class _OfItems(Generic[_Item]):
        __slots__ = ()

else:
    # `typing` is for type checkers only (it would double the time `import b24kit` takes):
    # at run time `ListWalk[OpenLineListItem]` is `ListWalk` itself.
    class _OfItems:
        __slots__ = ()

        def __class_getitem__(cls, item):
            return cls

    _Item = object

__all__ = ["AsyncListWalk", "ListWalk", "Progress"]


class Progress:
    """How far a walk has got: ``items`` handed out, the list's ``total`` once the portal said
    (counted walks only) and the HTTP ``requests`` made."""

    __slots__ = ("items", "total", "requests")

    def __init__(self, items: int, total: Optional[int], requests: int) -> None:
        self.items = items
        self.total = total
        self.requests = requests

    def __repr__(self) -> str:
        return f"Progress(items={self.items}, total={self.total}, requests={self.requests})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Progress):
            return NotImplemented
        return (self.items, self.total, self.requests) == (other.items, other.total, other.requests)


class _Walk(_OfItems[_Item]):
    __slots__ = ("_pager", "_page", "_index")

    def __init__(self, pager: _native.NativePager) -> None:
        """Private: use ``client.list(...)`` or a list method's ``…_all(...)``."""
        self._pager = pager
        self._page: List[_Item] = []
        self._index = 0

    @property
    def progress(self) -> Progress:
        """How far the walk has got; readable from another thread while a page is fetched."""
        items, total, requests = self._pager.progress
        # The native side counts whole pages; the rest of the current one is not out yet.
        return Progress(items - (len(self._page) - self._index), total, requests)

    def _take(self) -> _Item:
        item = self._page[self._index]
        self._index += 1
        return item

    def __repr__(self) -> str:
        return f"<b24kit.{type(self).__name__} {self.progress!r}>"


class ListWalk(_Walk[_Item]):
    """The items of a list method, fetched a page at a time as the loop asks for them.

    A page that fails raises from the loop; iterating again asks for that page again. Stopping
    early sends nothing more.
    """

    __slots__ = ()

    def __iter__(self) -> ListWalk[_Item]:
        return self

    def __next__(self) -> _Item:
        while self._index >= len(self._page):
            page = self._pager.next_page()
            if page is None:
                raise StopIteration
            self._page, self._index = page, 0
        return self._take()

    def pages(self) -> Iterator[List[_Item]]:
        """The rest of the walk a page (a list of up to 50 items) at a time."""
        if self._index < len(self._page):
            rest, self._page = self._page[self._index :], []
            yield rest
        while (page := self._pager.next_page()) is not None:
            yield page


class AsyncListWalk(_Walk[_Item]):
    """The items of a list method for ``async for``, fetched a page at a time.

    A page that fails raises from the loop; iterating again asks for that page again. Stopping
    early sends nothing more; cancelling the task cancels the page being fetched.
    """

    __slots__ = ()

    def __aiter__(self) -> AsyncListWalk[_Item]:
        return self

    async def __anext__(self) -> _Item:
        while self._index >= len(self._page):
            page = await self._pager.next_page_async()
            if page is None:
                raise StopAsyncIteration
            self._page, self._index = page, 0
        return self._take()

    async def pages(self) -> AsyncIterator[List[_Item]]:
        """The rest of the walk a page (a list of up to 50 items) at a time."""
        if self._index < len(self._page):
            rest, self._page = self._page[self._index :], []
            yield rest
        while (page := await self._pager.next_page_async()) is not None:
            yield page
