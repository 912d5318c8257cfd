"""Runs every case of cases.json through the installed `b24kit` Python package (its public API
only) against the emulator named by B24KIT_CONFORMANCE_READY (the emulator's ready line), and
prints one JSON line per case: {"case", "outcome": "pass" | "fail", "detail"}.
Usage: python python_runner.py cases.json
"""

from __future__ import annotations

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
        (b24kit.TransportError, "transport"),
        (b24kit.ProtocolError, "protocol"),
        (b24kit.InvalidArgumentError, "invalid_argument"),
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
    call = case["call"]
    arguments = {snake(k): v for k, v in call["params"].items()}
    expect = case["expect"]
    with client_for(case) as client:
        try:
            answer = getattr(client, snake(call["method"]))(**arguments)
            outcome: Any = answer
        except Exception as error:  # every failure is compared with the expectation
            outcome = error
    if "error" in expect:
        if not isinstance(outcome, BaseException):
            return f"expected an error, got {outcome!r}"
        problem = check_error(expect["error"], outcome)
        if problem:
            return problem
    else:
        if isinstance(outcome, BaseException):
            return f"expected success, got {type(outcome).__name__}: {outcome}"
        if outcome.result != expect["result"]:
            return f"result: expected {expect['result']!r}, got {outcome.result!r}"
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
