"""Event deliveries: the bodies a portal POSTs to a handler (``tests/events/*.form``, the pages'
examples as a portal sends them) read into their classes with typed values; forged, broken and
untyped bodies give typed errors or ``OtherEvent``; nothing printed shows a token."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

import b24kit
from b24kit.errors import EventDataError, EventError, EventFormError, EventTokenError

EVENTS = Path(__file__).resolve().parents[3] / "tests" / "events"
TOKEN = "51856fefc120afa4b628cc82d3935cce"
ACCESS = "s6p6eclrvim6da22ft9ch94ekreb52lv"
REFRESH = "4s386p3q0tr8dy89xvmt96234v3dljg8"


def body(name: str) -> bytes:
    return (EVENTS / f"{name}.form").read_bytes()


@pytest.mark.parametrize(
    "name",
    ["OnOpenLineMessageAdd", "OnOpenLineMessageDelete", "OnOpenLineMessageUpdate", "OnSessionFinish", "OnSessionStart"],
)
def test_each_event_reads_into_its_class(name: str) -> None:
    delivery = b24kit.read_event(body(name), TOKEN)
    cls = getattr(b24kit, name)
    assert type(delivery.event) is cls
    assert delivery.event.code == cls.CODE == name.upper()
    assert (delivery.event_id, delivery.sent_at) == (7, 1714649632)
    assert delivery.auth.domain == "emulator.b24kit.test"
    assert delivery.auth.access_token == ACCESS and delivery.auth.refresh_token == REFRESH
    assert delivery.auth.expires_in == 3600


def test_values_arrive_as_text_and_are_read_as_their_documented_types() -> None:
    match b24kit.read_event(body("OnSessionStart"), TOKEN).event:
        case b24kit.OnSessionStart(data=data):
            item = data.data[0]
        case other:
            pytest.fail(f"not OnSessionStart: {other!r}")
    assert isinstance(item, b24kit.SessionEvent)
    assert (item.session.id, item.session.closed, item.session.close_term) == (42, False, 60)
    assert (item.connector.connector_id, item.connector.line_id) == ("livechat", 128)
    assert (item.chat.id, item.user.id) == (10585, 1984)

    event = b24kit.read_event(body("OnOpenLineMessageAdd").decode(), TOKEN).event
    assert isinstance(event, b24kit.OnOpenLineMessageAdd)
    message = event.data.data[0].message
    assert (message.id, message.text, message.system) == (80964, "hello", False)
    # A form drops the example's empty lists: the optional fields say so.
    assert message.files is None and event.data.data[0].ref is None
    assert event.data.data[0].message_extra.extra_url == ""

    update = b24kit.read_event(body("OnOpenLineMessageUpdate"), TOKEN).event
    assert isinstance(update, b24kit.OnOpenLineMessageUpdate)
    assert (update.data.connector, update.data.line) == ("livechat", 128)
    assert update.data.data[0].im.message_id == 2056


@pytest.mark.parametrize("token", ["", "51856fefc120afa4b628cc82d3935ccf", TOKEN[:8], "x"])
def test_a_foreign_token_is_refused(token: str) -> None:
    with pytest.raises(EventTokenError) as raised:
        b24kit.read_event(body("OnSessionStart"), token)
    error = raised.value
    assert isinstance(error, EventError) and isinstance(error, ValueError)
    assert isinstance(error, b24kit.B24kitError)
    assert error.kind == "token_mismatch" and not error.retryable
    for shown in (str(error), repr(error)):
        assert TOKEN not in shown and ACCESS not in shown


def test_broken_bodies_and_bad_data_are_typed_errors() -> None:
    with pytest.raises(EventFormError) as raised:
        b24kit.read_event(b"event=X&data=%zz", TOKEN)
    assert raised.value.kind == "malformed"
    without = body("OnSessionStart").replace(b"auth%5Bapplication_token%5D", b"auth%5Bother%5D")
    with pytest.raises(EventFormError) as raised:
        b24kit.read_event(without, TOKEN)
    assert (raised.value.kind, raised.value.parameter) == ("missing_key", "auth[application_token]")
    bad = body("OnSessionStart").replace(b"%5Bline_id%5D=128", b"%5Bline_id%5D=first")
    with pytest.raises(EventDataError) as raised:
        b24kit.read_event(bad, TOKEN)
    assert raised.value.code == "ONSESSIONSTART"
    assert pickle.loads(pickle.dumps(raised.value)).code == "ONSESSIONSTART"
    with pytest.raises(TypeError):
        b24kit.read_event(42, TOKEN)  # type: ignore[arg-type]


def test_an_untyped_event_is_kept_with_its_data() -> None:
    form = body("OnSessionStart").replace(b"event=ONSESSIONSTART", b"event=ONCRMDEALADD")
    event = b24kit.read_event(form, TOKEN).event
    assert isinstance(event, b24kit.OtherEvent)
    assert event.code == "ONCRMDEALADD"
    assert event.data["DATA"][0]["session"] == {"id": "42", "closed": "N", "parent_id": "0", "close_term": "60"}


def test_nothing_printed_shows_a_token() -> None:
    delivery = b24kit.read_event(body("OnSessionFinish"), TOKEN)
    shown = repr(delivery)
    for secret in (TOKEN, ACCESS, REFRESH):
        assert secret not in shown
    assert "'***'" in shown and "OnSessionFinish(data=OnSessionFinishData(" in shown


class _Handler:
    """An event handler on loopback (``http.server``): the bodies POSTed to it, as they arrive."""

    def __init__(self) -> None:
        import http.server
        import queue
        import threading

        bodies: "queue.Queue[bytes]" = queue.Queue()

        class Receive(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                bodies.put(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receive)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/b24/events"
        self.bodies = bodies
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, token: str) -> b24kit.EventDelivery:
        return b24kit.read_event(self.bodies.get(timeout=30), token)


def test_the_emulator_posts_raised_events_to_a_python_handler(portal, client) -> None:  # type: ignore[no-untyped-def]
    handler = _Handler()
    try:
        for event in ("OnSessionStart", "OnSessionFinish", "OnOpenLineMessageAdd"):
            assert client.call("event.bind", {"event": event, "handler": handler.url}).result is True
        client.imopenlines_session_start(2043)
        client.imopenlines_operator_finish(2043)
        client.imopenlines_crm_message_add(b24kit.CrmEntityType.LEAD, 1205, 2, 2045, "Your order ships today.")

        start = handler.next(portal.application_token).event
        assert isinstance(start, b24kit.OnSessionStart)
        assert (start.data.data[0].session.id, start.data.data[0].session.closed) == (1743, False)
        finish = handler.next(portal.application_token).event
        assert isinstance(finish, b24kit.OnSessionFinish) and finish.data.data[0].session.closed
        message = handler.next(portal.application_token).event
        assert isinstance(message, b24kit.OnOpenLineMessageAdd)
        assert message.data.data[0].message.text == "Your order ships today."
        # The handler passes a body on before it answers; the emulator counts it once answered.
        deadline = time.monotonic() + 30
        while portal.stats()["events_delivered"] < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert portal.stats()["events_delivered"] == 3
        # The handler's own check: a delivery from another application is refused.
        client.imopenlines_operator_finish(2043)
        with pytest.raises(EventTokenError):
            handler.next("another application's token")
    finally:
        handler.server.shutdown()
