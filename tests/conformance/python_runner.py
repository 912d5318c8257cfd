"""Runs every case of cases.json through the installed `b24kit` Python package (its public API
only) against the emulator named by B24KIT_CONFORMANCE_READY (the emulator's ready line), and
prints one JSON line per case: {"case", "outcome": "pass" | "fail", "detail"}.
Usage: python python_runner.py cases.json
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
import urllib.request
from typing import Any, Dict, Optional

import b24kit

READY = json.loads(os.environ["B24KIT_CONFORMANCE_READY"])
BASE = READY["base_url"]
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


def control(method: str, path: str, body: Optional[Any] = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{BASE}_emulator/{path}", data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with _HTTP.open(request, timeout=10) as response:
        return json.loads(response.read())


def snake(name: str) -> str:
    """`imopenlines.session.mode.pinAll` → `imopenlines_session_mode_pin_all`; `CHAT_ID` → `chat_id`."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.replace(".", "_")).lower()


def client_for(case: Dict[str, Any]) -> b24kit.Client:
    options = case.get("options", {})
    settings: Dict[str, Any] = {
        "timeout": options.get("timeout_ms", 10_000) / 1000,
        "rate_limit": None,
        "retry": b24kit.Retry.never(),
    }
    credential = case["credential"]
    if credential == "webhook":
        return b24kit.Client.from_webhook(READY["webhook_url"], **settings)
    if "webhook_key" in credential:
        return b24kit.Client.from_webhook(f"{BASE}rest/1/{credential['webhook_key']}/", **settings)
    return b24kit.Client.from_oauth(READY["oauth_endpoint"], credential["token"], **settings)


def kind_of(error: BaseException) -> str:
    kinds = [
        (b24kit.MethodError, "method"),
        (b24kit.BitrixSystemError, "system"),
        (b24kit.UnknownCodeError, "unknown_code"),
        (b24kit.HttpError, "http"),
        (b24kit.PortalMovedError, "portal_moved"),
        (b24kit.TransportError, "transport"),
        (b24kit.ProtocolError, "protocol"),
        (b24kit.InvalidArgumentError, "invalid_argument"),
        (b24kit.SkippedError, "skipped"),
    ]
    for cls, kind in kinds:
        if isinstance(error, cls):
            return kind
    return "type" if isinstance(error, TypeError) else type(error).__name__


def check_error(expected: Dict[str, Any], error: BaseException) -> Optional[str]:
    kind = kind_of(error)
    if kind != expected["kind"]:
        return f"expected a {expected['kind']} error, got {type(error).__name__}: {error}"
    if kind == "type":
        name = snake(expected["parameter"])
        return None if name in str(error) else f"the TypeError does not name {name}: {error}"
    fields = {
        "code": getattr(error, "code", None),
        "status": getattr(error, "http_status", None),
        "retryable": getattr(error, "retryable", None),
        "category": getattr(error, "category", None),
        "parameter": getattr(error, "parameter", None),
    }
    for field, want in expected.items():
        if field == "kind":
            continue
        got = fields[field]
        if field == "parameter":
            want = snake(want)
        if got != want:
            return f"{field}: expected {want!r}, got {got!r} ({type(error).__name__}: {error})"
    return None


def has(actual: Any, want: Any) -> bool:
    """Whether `actual` holds `want`: every key of an object (a dict's item or a typed result's
    field), every item of a list, the same moment for a date and time, equality otherwise."""
    if isinstance(want, dict):
        if isinstance(actual, dict):
            return all(k in actual and has(actual[k], v) for k, v in want.items())
        missing = object()
        field = lambda k: getattr(actual, k, missing) if hasattr(actual, k) else getattr(actual, snake(k), missing)
        return actual is not None and all(has(field(k), v) for k, v in want.items())
    if isinstance(want, list):
        return isinstance(actual, list) and len(actual) == len(want) and all(map(has, actual, want))
    if isinstance(actual, datetime.datetime) and isinstance(want, str):
        return actual == datetime.datetime.fromisoformat(want)
    return bool(actual == want)


def check_answer(expect: Dict[str, Any], outcome: Any) -> Optional[str]:
    """A success or an error, as the expectation says."""
    if "error" in expect:
        if not isinstance(outcome, BaseException):
            return f"expected an error, got {outcome!r}"
        return check_error(expect["error"], outcome)
    if isinstance(outcome, BaseException):
        return f"expected success, got {type(outcome).__name__}: {outcome}"
    result = outcome.result
    if "result" in expect and result != expect["result"]:
        return f"result: expected {expect['result']!r}, got {result!r}"
    if "result_has" in expect and not has(result, expect["result_has"]):
        return f"result: expected it to hold {expect['result_has']!r}, got {result!r}"
    if "result_count" in expect and (not isinstance(result, list) or len(result) != expect["result_count"]):
        return f"result: expected {expect['result_count']} items, got {result!r}"
    for field in ("total", "next"):
        if field in expect and getattr(outcome, field) != expect[field]:
            return f"{field}: expected {expect[field]!r}, got {getattr(outcome, field)!r}"
    return None


def perform_call(client: b24kit.Client, case: Dict[str, Any]) -> Optional[str]:
    call = case["call"]
    try:
        if call.get("by_name"):
            outcome: Any = client.call(call["method"], call["params"])
        else:
            arguments = {snake(k): v for k, v in call["params"].items()}
            outcome = getattr(client, snake(call["method"]))(**arguments)
    except Exception as error:  # every failure is compared with the expectation
        outcome = error
    return check_answer(case["expect"], outcome)


def perform_list(client: b24kit.Client, case: Dict[str, Any]) -> Optional[str]:
    spec, expect = case["list"], case["expect"]
    walk: Any
    if spec.get("typed"):
        arguments = {snake(k): v for k, v in spec["params"].items()}
        walk = getattr(client, snake(spec["method"]) + "_all")(**arguments)
    else:
        walk = client.list(spec["method"], spec["params"], by_id=spec.get("by_id", False))
    try:
        items = list(walk)
    except Exception as error:  # compared with the expectation
        if "error" in expect:
            return check_answer(expect, error)
        return f"expected the whole list, got {type(error).__name__}: {error}"
    if "error" in expect:
        return f"expected an error, got {len(items)} items"
    if len(items) != expect["items"]:
        return f"expected {expect['items']} items, got {len(items)}"
    for end, item in (("first", items[:1]), ("last", items[-1:])):
        if end in expect and not (item and has(item[0], expect[end])):
            return f"{end} item: expected it to hold {expect[end]!r}, got {item!r}"
    progress = walk.progress
    got = {"items": progress.items, "total": progress.total, "requests": progress.requests}
    if "progress" in expect and got != expect["progress"]:
        return f"progress: expected {expect['progress']!r}, got {got!r}"
    return None


def perform_batch(client: b24kit.Client, case: Dict[str, Any]) -> Optional[str]:
    spec, expect = case["batch"], case["expect"]
    calls = {c["name"]: (c["method"], c["params"]) for c in spec["calls"]}
    try:
        outcomes = client.batch(calls, halt=spec["halt"])
    except Exception as error:  # a batch refused as a whole
        return check_answer(expect, error) if "error" in expect else f"expected outcomes, got {type(error).__name__}: {error}"
    if "error" in expect:
        return f"expected the batch to be refused, got {outcomes!r}"
    if list(outcomes) != [o["name"] for o in expect["outcomes"]]:
        return f"outcomes: expected names {[o['name'] for o in expect['outcomes']]}, got {list(outcomes)}"
    for want in expect["outcomes"]:
        problem = check_answer(want, outcomes[want["name"]])
        if problem:
            return f"{want['name']}: {problem}"
    return None


def run(case: Dict[str, Any]) -> Optional[str]:
    control("POST", "reset")
    control("PUT", "limits", {"enabled": False})
    setup = case.get("setup", {})
    if "chat_flags" in setup:
        flags = dict(setup["chat_flags"])
        control("PATCH", f"chats/{flags.pop('id')}", flags)
    if "fault" in setup:
        control("POST", "faults", setup["fault"])
    before = control("GET", "stats")["rest_requests"]
    expect = case["expect"]
    with client_for(case) as client:
        if "list" in case:
            problem = perform_list(client, case)
        elif "batch" in case:
            problem = perform_batch(client, case)
        else:
            problem = perform_call(client, case)
    if problem:
        return problem
    if "chat" in expect:
        want = dict(expect["chat"])
        chat = control("GET", f"chats/{want.pop('id')}")
        for key, value in want.items():
            if chat.get(key) != value:
                return f"chat {key}: expected {value!r}, got {chat.get(key)!r}"
    if "requests" in expect:
        sent = control("GET", "stats")["rest_requests"] - before
        if sent != expect["requests"]:
            return f"expected {expect['requests']} requests at the portal, got {sent}"
    return None


def main() -> None:
    cases = json.load(open(sys.argv[1]))["cases"]
    for case in cases:
        try:
            problem = run(case)
        except Exception as error:  # a broken runner step is a failure of that case, not of the run
            problem = f"runner error: {type(error).__name__}: {error}"
        print(json.dumps({"case": case["name"], "outcome": "fail" if problem else "pass", "detail": problem or ""}))


if __name__ == "__main__":
    main()
