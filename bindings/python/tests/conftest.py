"""Fixtures: the b24kit emulator as a subprocess (a real HTTP server on 127.0.0.1), its control
API, and clients pointed at it."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

import b24kit

REPO = Path(__file__).resolve().parents[3]
# Loopback needs no proxy, whatever the environment says.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def emulator_binary() -> str:
    path = os.environ.get("B24KIT_EMULATOR") or str(REPO / "target" / "debug" / "b24kit-emulator")
    if not Path(path).exists():
        raise RuntimeError(f"no emulator at {path}: build it with `cargo build -p b24kit-emulator`")
    return path


class Portal:
    """A running emulator and its control API."""

    def __init__(self, process: subprocess.Popen, info: Dict[str, Any]) -> None:
        self.process = process
        self.base_url: str = info["base_url"]
        self.webhook_url: str = info["webhook_url"]
        self.oauth_endpoint: str = info["oauth_endpoint"]
        self.access_token: str = info["access_token"]
        self.oauth_server: str = info["oauth_server"]
        self.refresh_token: str = info["refresh_token"]
        self.client_id: str = info["client_id"]
        self.client_secret: str = info["client_secret"]
        self.application_token: str = info["application_token"]

    def control(self, method: str, path: str, body: Optional[Any] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}_emulator/{path}", data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with _HTTP.open(request, timeout=10) as response:
            return json.loads(response.read())

    def chat(self, chat_id: int) -> Dict[str, Any]:
        chat: Dict[str, Any] = self.control("GET", f"chats/{chat_id}")
        return chat

    def fault(self, **fault: Any) -> None:
        self.control("POST", "faults", fault)

    def stats(self) -> Dict[str, Any]:
        stats: Dict[str, Any] = self.control("GET", "stats")
        return stats

    def last_call(self) -> Dict[str, Any]:
        call: Dict[str, Any] = self.control("GET", "last_call")
        return call

    def reset(self) -> None:
        self.control("POST", "reset")
        self.control("PUT", "limits", {"enabled": False})

    def webhook_for(self, user_id: int, key: str) -> str:
        return f"{self.base_url}rest/{user_id}/{key}/"


@pytest.fixture(scope="session")
def emulator() -> Iterator[Portal]:
    process = subprocess.Popen(
        [emulator_binary(), "--port", "0", "--ready-json", "--rate-limit", "off"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    info = json.loads(process.stdout.readline())
    yield Portal(process, info)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def portal(emulator: Portal) -> Portal:
    """The emulator, back in its start-up state with no limit and no queued fault."""
    emulator.reset()
    return emulator


@pytest.fixture
def client(portal: Portal) -> Iterator[b24kit.Client]:
    with b24kit.Client.from_webhook(portal.webhook_url, timeout=10, rate_limit=None, retry=b24kit.Retry.never()) as c:
        yield c


@pytest.fixture
def async_client(portal: Portal) -> b24kit.AsyncClient:
    return b24kit.AsyncClient.from_webhook(portal.webhook_url, timeout=10, rate_limit=None, retry=b24kit.Retry.never())
