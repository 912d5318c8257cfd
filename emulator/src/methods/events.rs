//! `event.bind`, `event.unbind` and `event.get`, and the events the open-line methods raise:
//! each raised event is queued on the state (`PortalState::raised`) for the server to POST to
//! the handlers bound to it, as the page of each event documents its `data`.

use serde_json::{json, Map, Value};

use super::{Answer, Caller, MethodFailure};
use crate::state::{Chat, EventHandler, PortalState, RaisedEvent};

/// The events the emulator raises or may raise; `event.bind` refuses others.
pub(crate) const KNOWN_EVENTS: &[&str] = &[
    "ONSESSIONSTART",
    "ONSESSIONFINISH",
    "ONOPENLINEMESSAGEADD",
    "ONOPENLINEMESSAGEUPDATE",
    "ONOPENLINEMESSAGEDELETE",
];

pub(crate) const EVENT_NOT_FOUND: MethodFailure = MethodFailure {
    status: 400,
    code: "ERROR_EVENT_NOT_FOUND",
    description: "Event not found",
};

/// The refusal for a handler that is no URL (the page documents no code for it; the emulator
/// refuses it with the missing-parameter error every method uses).
pub(crate) const HANDLER_MISSING: MethodFailure = MethodFailure {
    status: 400,
    code: "ERROR_ARGUMENT",
    description: "Handler is not an http(s) URL",
};

/// The binding named by `event` and `handler`: the event in capitals (names are compared that
/// way) and the handler as given.
fn binding(params: &Map<String, Value>) -> Result<EventHandler, MethodFailure> {
    let event = super::upper_keys(params)
        .get("EVENT")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    if !KNOWN_EVENTS.contains(&event.as_str()) {
        return Err(EVENT_NOT_FOUND);
    }
    let handler = super::upper_keys(params)
        .get("HANDLER")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string();
    if !(handler.starts_with("http://") || handler.starts_with("https://")) {
        return Err(HANDLER_MISSING);
    }
    Ok(EventHandler { event, handler })
}

/// `event.bind`: the handler hears of the event from now on (binding it twice changes nothing).
pub(crate) fn bind(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Answer, MethodFailure> {
    let binding = binding(params)?;
    if !state.event_handlers.contains(&binding) {
        state.event_handlers.push(binding);
    }
    Ok(json!(true).into())
}

/// `event.unbind`: how many bindings of the event to the handler were removed.
pub(crate) fn unbind(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Answer, MethodFailure> {
    let binding = binding(params)?;
    let before = state.event_handlers.len();
    state.event_handlers.retain(|b| *b != binding);
    Ok(json!({"count": before - state.event_handlers.len()}).into())
}

/// `event.get`: the bindings, as the portal lists them.
pub(crate) fn get(
    state: &mut PortalState,
    _: &Caller,
    _: &Map<String, Value>,
) -> Result<Answer, MethodFailure> {
    let list: Vec<Value> = state
        .event_handlers
        .iter()
        .map(|b| json!({"event": b.event, "handler": b.handler, "auth_type": "0", "offline": 0}))
        .collect();
    Ok(Value::Array(list).into())
}

/// Where a dialog came from, from its user code (`livechat|1|1373|211`: connector, line, the
/// connector's chat and user).
fn connector(chat: &Chat) -> Value {
    let parts: Vec<&str> = chat.entity_id.split('|').collect();
    let number = |i: usize| {
        parts
            .get(i)
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
    };
    json!({
        "connector_id": parts.first().copied().unwrap_or_default(),
        "line_id": number(1),
        "chat_id": number(2),
        "user_id": number(3),
    })
}

/// `ONSESSIONSTART` or `ONSESSIONFINISH` for the chat's session.
pub(crate) fn raise_session(state: &mut PortalState, chat_id: i64, finished: bool) {
    let Some(chat) = state.chat(chat_id) else {
        return;
    };
    let connector = connector(chat);
    let data = json!({"DATA": [{
        "connector": connector,
        "session": {"id": chat.session_id, "closed": if finished { "Y" } else { "N" },
            "parent_id": 0, "close_term": 1440},
        "chat": {"id": chat.id},
        "user": {"id": connector["user_id"]},
    }]});
    let code = if finished {
        "ONSESSIONFINISH"
    } else {
        "ONSESSIONSTART"
    };
    state.raised.push(RaisedEvent { code, data });
}

/// `ONOPENLINEMESSAGEADD` for a message posted into the chat.
pub(crate) fn raise_message(
    state: &mut PortalState,
    chat_id: i64,
    id: i64,
    author: i64,
    text: &str,
) {
    let Some(chat) = state.chat(chat_id) else {
        return;
    };
    let data = json!({"DATA": [{
        "connector": connector(chat),
        "chat": {"id": chat.id},
        "message": {"id": id, "date": "", "text": text, "files": [], "attach": "",
            "system": "N", "user_id": author},
        "ref": [],
        "extra": {"EXTRA_URL": ""},
    }]});
    state.raised.push(RaisedEvent {
        code: "ONOPENLINEMESSAGEADD",
        data,
    });
}
