//! `imopenlines.*` methods, following the portal's `Operator::checkAccess` order of checks and
//! its English messages.

use serde_json::{json, Map, Value};

use super::{php_intval, php_truthy, Caller, MethodFailure};
use crate::state::{Chat, PortalState};

const fn failure(code: &'static str, description: &'static str) -> MethodFailure {
    MethodFailure {
        status: 400,
        code,
        description,
    }
}

const CHAT_ID: MethodFailure = failure("CHAT_ID", "Chat ID is invalid.");
const CHAT_ID_EMPTY: MethodFailure = failure("CHAT_ID_EMPTY", "Chat ID can't be empty");
const USER_ID: MethodFailure = failure("USER_ID", "User ID is invalid.");
const CHAT_TYPE: MethodFailure = failure("CHAT_TYPE", "This chat is not Open Channel");
const ACCESS_DENIED: MethodFailure = failure(
    "ACCESS_DENIED",
    "You do not have permission to access this chat.",
);
const ACCESS_ERROR: MethodFailure = failure(
    "ACCESS_ERROR",
    "You do not have access to the specified dialog",
);

/// The refusals of `Operator::checkAccess`, which the session-mode methods share.
pub(crate) const ACCESS_CHECKS: &[MethodFailure] = &[CHAT_ID, USER_ID, CHAT_TYPE, ACCESS_DENIED];
pub(crate) const PIN_ERRORS: &[MethodFailure] =
    &[CHAT_ID_EMPTY, CHAT_ID, USER_ID, CHAT_TYPE, ACCESS_DENIED];
pub(crate) const DIALOG_GET_ERRORS: &[MethodFailure] = &[ACCESS_ERROR];

/// `imopenlines.session.mode.silent`: `ACTIVATE` must be exactly `"Y"` to switch the mode on;
/// anything else, a JSON `true` included, switches it off. The chat posts a system message only
/// when the mode actually changes.
pub(crate) fn session_mode_silent(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let chat_id = php_intval(params.get("CHAT_ID"));
    let activate = matches!(params.get("ACTIVATE"), Some(Value::String(s)) if s == "Y");
    let chat = check_access(state, chat_id, caller.user_id)?;
    if chat.silent != activate {
        chat.silent = activate;
        let message = if activate {
            "IMOL_CHAT_STEALTH_ON"
        } else {
            "IMOL_CHAT_STEALTH_OFF"
        };
        chat.system_messages.push(message.to_string());
    }
    Ok(Value::Bool(true))
}

/// `imopenlines.session.mode.pin`: a `CHAT_ID` PHP finds false (missing, `0`, `""`, `"0"`) is
/// `CHAT_ID_EMPTY` — the portal tests the raw value, so `"abc"` or `0.5` pass this check and
/// fail the next one (`CHAT_ID`); then the same access checks as the silent mode; `ACTIVATE`
/// other than exactly `"N"` pins.
pub(crate) fn session_mode_pin(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    if !php_truthy(params.get("CHAT_ID")) {
        return Err(CHAT_ID_EMPTY);
    }
    let chat_id = php_intval(params.get("CHAT_ID"));
    let pin = !matches!(params.get("ACTIVATE"), Some(Value::String(s)) if s == "N");
    check_access(state, chat_id, caller.user_id)?.pinned = pin;
    Ok(Value::Bool(true))
}

/// `imopenlines.session.mode.pinAll` / `unpinAll`: the sessions of the caller's open-line chats
/// whose state changed.
pub(crate) fn session_mode_pin_all(
    state: &mut PortalState,
    caller: &Caller,
    _: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    Ok(set_all_pinned(state, caller.user_id, true))
}

pub(crate) fn session_mode_unpin_all(
    state: &mut PortalState,
    caller: &Caller,
    _: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    Ok(set_all_pinned(state, caller.user_id, false))
}

fn set_all_pinned(state: &mut PortalState, user_id: i64, pinned: bool) -> Value {
    let changed: Vec<i64> = state
        .chats
        .iter_mut()
        .filter(|c| c.entity_type == "LINES" && c.members.contains(&user_id) && c.pinned != pinned)
        .map(|c| {
            c.pinned = pinned;
            c.session_id
        })
        .collect();
    json!(changed)
}

/// `imopenlines.dialog.get`: parameter names are case-insensitive; as the portal's
/// `Rest::dialogGet`, the first identifier *given*, in the order `CHAT_ID`, `DIALOG_ID`,
/// `SESSION_ID`, `USER_CODE`, decides — a given but bad one (`CHAT_ID=0`) is `ACCESS_ERROR`
/// even when a good one follows, and so is no identifier at all.
pub(crate) fn dialog_get(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let upper: Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.to_ascii_uppercase(), v.clone()))
        .collect();
    let text = |value: &Value| match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let given = |key: &str| upper.get(key).filter(|v| !v.is_null());
    let found: Option<&Chat> = if let Some(chat_id) = given("CHAT_ID") {
        state.chat(php_intval(Some(chat_id)))
    } else if let Some(dialog) = given("DIALOG_ID") {
        text(dialog)
            .strip_prefix("chat")
            .and_then(|id| id.parse().ok())
            .and_then(|id| state.chat(id))
    } else if let Some(session) = given("SESSION_ID") {
        let session = php_intval(Some(session));
        state
            .chats
            .iter()
            .find(|c| session > 0 && c.session_id == session)
    } else if let Some(code) = given("USER_CODE") {
        let code = text(code);
        let code = code.strip_prefix("imol|").unwrap_or(&code).to_string();
        state
            .chats
            .iter()
            .find(|c| !c.entity_id.is_empty() && c.entity_id == code)
    } else {
        None
    };
    let chat = found
        .filter(|c| c.members.contains(&caller.user_id) || c.can_join.contains(&caller.user_id))
        .ok_or(ACCESS_ERROR)?;
    let lines = chat.entity_type == "LINES";
    // Messages are the chat's system messages, numbered after the chat; every member has read
    // up to the newest one and the first of them saw it first.
    let last_message_id = match chat.system_messages.len() as i64 {
        0 => 0,
        count => chat.id * 100 + count,
    };
    const CREATED: &str = "2026-03-16T19:36:06+01:00";
    const READ: &str = "2026-03-16T19:40:12+01:00";
    let user_name = |id: i64| format!("User {id}");
    let readings: Vec<Value> = chat
        .members
        .iter()
        .map(|&u| json!({"user_id": u, "user_name": user_name(u), "message_id": last_message_id, "date": READ}))
        .collect();
    let first_viewers: Vec<Value> = chat
        .members
        .iter()
        .take(1)
        .map(|&u| json!({"user_id": u, "user_name": user_name(u), "date": READ}))
        .collect();
    let owner = chat.members.first().copied().unwrap_or(0);
    let role = if chat.members.contains(&caller.user_id) {
        if caller.user_id == owner {
            "owner"
        } else {
            "member"
        }
    } else {
        "guest"
    };
    Ok(json!({
        "id": chat.id,
        "parent_chat_id": 0,
        "parent_message_id": 0,
        "name": chat.title,
        "description": null,
        "owner": owner,
        "extranet": false,
        "avatar": "",
        "color": "#4ba984",
        "type": if lines { "lines" } else { "chat" },
        "counter": 0,
        "user_counter": chat.members.len(),
        "message_count": chat.system_messages.len(),
        "unread_id": 0,
        "restrictions": {
            "avatar": true, "rename": true, "extend": true, "call": true, "mute": true,
            "leave": true, "leave_owner": true, "send": true, "user_list": true,
        },
        "last_message_id": last_message_id,
        "last_id": last_message_id,
        "marked_id": 0,
        "disk_folder_id": 0,
        "entity_type": chat.entity_type,
        "entity_id": chat.entity_id,
        "entity_data_1": if lines { session_data(chat) } else { String::new() },
        "entity_data_2": "",
        "entity_data_3": if chat.silent { "Y" } else { "" },
        "mute_list": chat.muted,
        "date_create": CREATED,
        "message_type": if lines { "L" } else { "C" },
        "public": "",
        "role": role,
        "entity_link": {"type": chat.entity_type, "url": "", "id": chat.entity_id},
        "text_field_enabled": true,
        "background_id": null,
        "permissions": {
            "manage_users_add": "member", "manage_users_delete": "manager", "manage_ui": "member",
            "manage_settings": "owner", "manage_messages": "member", "can_post": "member",
        },
        "is_new": false,
        "readed_list": readings,
        "manager_list": chat.members,
        "last_message_views": {
            "message_id": last_message_id,
            "first_viewers": first_viewers,
            "count_of_viewers": 0,
        },
        "dialog_id": format!("chat{}", chat.id),
    }))
}

/// `entity_data_1` of an open-line chat, the portal's `|`-joined session fields: CRM flag, CRM
/// entity type and id, PAUSE (`Y` while the dialog is pinned), WAIT_ACTION, SESSION_ID, the
/// session's start, LINE_ID, BLOCK_DATE, BLOCK_REASON — as the docs' example
/// `Y|LEAD|1209|N|N|343|1773682918|0|0|0`.
fn session_data(chat: &Chat) -> String {
    let pause = if chat.pinned { "Y" } else { "N" };
    format!("N|NONE|0|{pause}|N|{}|1773682918|1|0|0", chat.session_id)
}

fn check_access(
    state: &mut PortalState,
    chat_id: i64,
    user_id: i64,
) -> Result<&mut Chat, MethodFailure> {
    if chat_id <= 0 {
        return Err(CHAT_ID);
    }
    if user_id <= 0 {
        return Err(USER_ID);
    }
    let chat = state.chat_mut(chat_id).ok_or(CHAT_ID)?;
    if chat.entity_type != "LINES" {
        return Err(CHAT_TYPE);
    }
    if !chat.members.contains(&user_id) && !chat.can_join.contains(&user_id) {
        return Err(ACCESS_DENIED);
    }
    Ok(chat)
}
