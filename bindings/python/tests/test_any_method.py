"""Any method by name, list walks and mixed batches against the emulator: the same errors,
retries and secrecy as the typed calls, in Python's own terms."""

from __future__ import annotations

import asyncio
import math
import re
from typing import Any, List

import pytest

import b24kit
from b24kit import errors

from conftest import Portal


def test_a_specced_method_by_name_is_its_typed_call(client: b24kit.Client, portal: Portal) -> None:
    answer = client.call("imopenlines.session.mode.silent", {"CHAT_ID": 2043, "ACTIVATE": "Y"})
    assert answer.result is True
    assert answer.total is None and answer.next is None
    assert portal.chat(2043)["silent"] is True
    # The documented code of the method is its own exception class.
    with pytest.raises(errors.ChatTypeError) as caught:
        client.call("imopenlines.session.mode.silent", {"CHAT_ID": 2044})
    assert caught.value.http_status == 400


def test_results_are_plain_python_values(client: b24kit.Client) -> None:
    contact = client.call("crm.contact.get", {"ID": 5}).result
    assert isinstance(contact, dict)
    assert contact["ID"] == "5"
    page = client.call("crm.contact.list", {"select": ["ID", "NAME"], "order": {"ID": "DESC"}})
    assert page.total == 10_000 and page.next == 50
    assert [c["ID"] for c in page.result[:2]] == ["10000", "9999"]
    assert set(page.result[0]) == {"ID", "NAME"}
    assert "total=10000, next=50" in repr(page)


def test_other_codes_keep_the_portal_s_words(client: b24kit.Client) -> None:
    with pytest.raises(errors.UnknownCodeError) as caught:
        client.call("crm.contact.get", {"ID": 99_999_999})
    assert (caught.value.code, caught.value.description, caught.value.http_status) == ("", "Not found", 400)
    with pytest.raises(errors.MethodNotFoundError):
        client.call("crm.nothing.here")


@pytest.mark.parametrize("name", ["", "crm deal", "crm/../x", "crm.deal?x", "a#b", "a\x01b", "a" * 201])
def test_a_name_that_is_not_a_method_sends_nothing(client: b24kit.Client, portal: Portal, name: str) -> None:
    before = portal.stats()["rest_requests"]
    with pytest.raises(errors.InvalidArgumentError) as caught:
        client.call(name)
    assert isinstance(caught.value, ValueError)
    assert portal.stats()["rest_requests"] == before


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"x": object()}, "params.x is of type object"),
        ({"filter": {"ID": [1, {2}]}}, "params.filter.ID[1] is of type set"),
        ({"n": math.nan}, "params.n is NaN"),
        ({1: "x"}, "params is a dict with a key of type int"),
    ],
)
def test_values_json_cannot_carry_are_type_errors_naming_where(
    client: b24kit.Client, portal: Portal, params: Any, path: str
) -> None:
    before = portal.stats()["rest_requests"]
    with pytest.raises(TypeError, match=re.escape(path)):
        client.call("crm.contact.list", params)
    assert portal.stats()["rest_requests"] == before


def test_parameters_keep_their_types_and_order(client: b24kit.Client, portal: Portal) -> None:
    client.call(
        "crm.contact.list",
        {"filter": {">ID": 9990, "!NAME": None}, "select": ["ID"], "order": {"ID": "ASC"}, "big": 2**63},
    )
    seen = portal.last_call()
    assert seen["method"] == "crm.contact.list"
    assert list(seen["params"]) == ["filter", "select", "order", "big"]
    assert seen["params"]["filter"][">ID"] in (9990, "9990")


def test_a_retry_of_an_unknown_method_waits_for_the_caller_s_word(portal: Portal) -> None:
    retry = b24kit.Retry(max_attempts=3, initial_backoff=0.005, max_backoff=0.01)
    with b24kit.Client.from_webhook(portal.webhook_url, rate_limit=None, retry=retry) as client:
        portal.fault(kind="html", status=503)
        with pytest.raises(errors.HttpError):
            client.call("crm.contact.add", {"fields": {"NAME": "x"}})
        portal.fault(kind="html", status=503)
        assert client.call("crm.contact.get", {"ID": 3}, idempotent=True).result["ID"] == "3"


def test_a_mixed_batch_answers_by_name(client: b24kit.Client, portal: Portal) -> None:
    before = portal.stats()["rest_requests"]
    out = client.batch(
        {
            "contact": ("crm.contact.get", {"ID": 7}),
            "same": ("crm.contact.get", {"ID": "$result[contact][ID]"}),
            "silent": ("imopenlines.session.mode.silent", {"CHAT_ID": 2044}),
            "missing": ("crm.contact.get", {"ID": 99_999_999}),
        }
    )
    assert list(out) == ["contact", "same", "silent", "missing"]
    contact, same = out["contact"], out["same"]
    assert isinstance(contact, b24kit.Response) and isinstance(same, b24kit.Response)
    assert contact.result["ID"] == "7" and same.result["ID"] == "7"
    assert isinstance(out["silent"], errors.ChatTypeError)
    assert isinstance(out["missing"], errors.UnknownCodeError)
    assert portal.stats()["rest_requests"] == before + 1


def test_a_halted_batch_skips_what_follows_the_failure(client: b24kit.Client) -> None:
    out = client.batch(
        {"bad": ("crm.contact.get", {"ID": 99_999_999}), "after": ("crm.contact.get", {"ID": 1})}, halt=True
    )
    assert isinstance(out["bad"], errors.UnknownCodeError)
    assert isinstance(out["after"], errors.SkippedError)


def test_a_batch_refuses_what_it_cannot_send(client: b24kit.Client, portal: Portal) -> None:
    before = portal.stats()["rest_requests"]
    with pytest.raises(TypeError):
        client.batch([("a", "crm.contact.get", {})])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="calls\\['a'\\]"):
        client.batch({"a": "crm.contact.get"})  # type: ignore[dict-item]
    with pytest.raises(errors.InvalidArgumentError):
        client.batch({"a": ("crm.contact.get", {"ID": "$result[nobody][ID]"})})
    assert portal.stats()["rest_requests"] == before


def test_a_counted_walk_fetches_ten_thousand_items_in_five_requests(client: b24kit.Client, portal: Portal) -> None:
    before = portal.stats()["rest_requests"]
    walk = client.list("crm.contact.list", {"select": ["ID"]})
    ids = [int(c["ID"]) for c in walk]
    assert ids == list(range(1, 10_001))
    assert walk.progress == b24kit.Progress(items=10_000, total=10_000, requests=5)
    assert portal.stats()["rest_requests"] - before == 5


def test_a_walk_by_id_never_counts_and_stops_when_asked(client: b24kit.Client, portal: Portal) -> None:
    walk = client.list("crm.contact.list", {"filter": {"<=ID": 120}, "select": ["ID"]}, by_id=True)
    assert [int(c["ID"]) for c in walk] == list(range(1, 121))
    assert walk.progress.total is None and walk.progress.requests == 3
    calls = portal.last_call()["params"]
    assert calls["start"] in (-1, "-1") and calls["order"] == {"ID": "ASC"}

    before = portal.stats()["rest_requests"]
    first_three: List[Any] = []
    for contact in client.list("crm.contact.list", by_id=True):
        first_three.append(contact)
        if len(first_three) == 3:
            break
    assert portal.stats()["rest_requests"] - before == 1


def test_pages_come_whole(client: b24kit.Client) -> None:
    walk = client.list("crm.contact.list", {"filter": {"<=ID": 75}})
    first = next(walk)
    assert walk.progress == b24kit.Progress(items=1, total=75, requests=1)
    pages = list(walk.pages())
    assert first["ID"] == "1"
    assert [len(p) for p in pages] == [49, 25]


def test_a_failed_page_can_be_asked_for_again(portal: Portal) -> None:
    with b24kit.Client.from_webhook(portal.webhook_url, rate_limit=None, retry=b24kit.Retry.never()) as client:
        walk = client.list("crm.contact.list", {"filter": {"<=ID": 100}}, by_id=True)
        assert len(next(walk.pages())) == 50
        portal.fault(kind="html", status=503)
        with pytest.raises(errors.HttpError):
            next(walk)
        assert [int(c["ID"]) for c in walk] == list(range(51, 101))


def test_the_async_client_has_the_same_calls(async_client: b24kit.AsyncClient, portal: Portal) -> None:
    async def main() -> None:
        answer = await async_client.call("crm.contact.get", {"ID": 2})
        assert answer.result["ID"] == "2"
        out = await async_client.batch({"one": ("crm.contact.get", {"ID": 1})})
        assert isinstance(out["one"], b24kit.Response)
        walk = async_client.list("crm.contact.list", {"filter": {"<=ID": 130}}, by_id=True)
        seen = [int(c["ID"]) async for c in walk]
        assert seen == list(range(1, 131)) and walk.progress.requests == 3
        pages = [len(p) async for p in async_client.list("crm.contact.list", {"filter": {"<=ID": 60}}).pages()]
        assert pages == [50, 10]

    asyncio.run(main())


def test_cancelling_a_walk_stops_its_requests(async_client: b24kit.AsyncClient, portal: Portal) -> None:
    async def main() -> None:
        portal.fault(kind="delay", ms=2_000)
        walk = async_client.list("crm.contact.list", by_id=True)
        task = asyncio.ensure_future(walk.__anext__())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The walk is still usable: the cancelled page is asked for again.
        assert (await walk.__anext__())["ID"] == "1"

    asyncio.run(main())


def test_secrets_stay_out_of_generic_errors(portal: Portal) -> None:
    key_url = portal.webhook_url
    with b24kit.Client.from_webhook(key_url, rate_limit=None, retry=b24kit.Retry.never()) as client:
        portal.fault(kind="html", status=500)
        with pytest.raises(errors.B24kitError) as caught:
            client.call("crm.contact.get", {"ID": 1})
        key = key_url.rstrip("/").rsplit("/", 1)[1]
        assert key not in str(caught.value) and key not in repr(caught.value)
