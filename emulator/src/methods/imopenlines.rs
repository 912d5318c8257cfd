//! `imopenlines.*` methods, following the portal's `Operator::checkAccess` order of checks and
//! its English messages.

use serde_json::{json, Map, Value};

use super::{php_intval, php_truthy, upper_keys, Caller, MethodFailure};
use crate::state::{Chat, PortalState, SessionStatus, EMPLOYEES};

pub(super) const fn failure(code: &'static str, description: &'static str) -> MethodFailure {
    MethodFailure {
        status: 400,
        code,
        description,
    }
}

const CHAT_ID: MethodFailure = failure("CHAT_ID", "Chat ID is invalid.");
pub(super) const CHAT_ID_EMPTY: MethodFailure = failure("CHAT_ID_EMPTY", "Chat ID can't be empty");
const USER_ID: MethodFailure = failure("USER_ID", "User ID is invalid.");
const CHAT_TYPE: MethodFailure = failure("CHAT_TYPE", "This chat is not Open Channel");
const ACCESS_DENIED: MethodFailure = failure(
    "ACCESS_DENIED",
    "You do not have permission to access this chat.",
);
const MISSING_REQUIRED_PARAM: MethodFailure = failure(
    "MISSING_REQUIRED_PARAM",
    "Session ID or Chat ID must be provided",
);
const INVALID_SESSION_ID: MethodFailure = failure(
    "INVALID_SESSION_ID",
    "Unable to determine session ID from provided parameters",
);
const HISTORY_ACCESS_DENIED: MethodFailure = failure(
    "ACCESS_DENIED",
    "You cannot open this conversation as you do not have sufficient rights",
);
const USER_NOT_OPERATOR: MethodFailure = failure(
    "ERROR_USER_NOT_OPERATOR",
    "Attempt to save a CRM object by a user who is not an operator",
);
pub(super) const OPERATOR_WRONG: MethodFailure =
    failure("OPERATOR_WRONG", "You can not redirect to this operator");
const EMPTY_SESSION_ID: MethodFailure = failure("EMPTY_SESSION_ID", "Session ID can't be empty");
const EMPTY_VOTE_PARAMS: MethodFailure = failure(
    "EMPTY_VOTE_PARAMS",
    "At least one of the parameters RATING or COMMENT must be specified",
);
const OPEN_DENIED: MethodFailure = failure(
    "ACCESS_DENIED",
    "You cannot open this conversation because you do not have sufficient permissions",
);
pub(super) const USER_ID_EMPTY: MethodFailure = failure("USER_ID_EMPTY", "User ID can't be empty");
pub(super) const QUEUE_ID_EMPTY: MethodFailure =
    failure("QUEUE_ID_EMPTY", "QUEUE ID can't be empty");
pub(super) const TRANSFER_ID_EMPTY: MethodFailure =
    failure("TRANSFER_ID_EMPTY", "Queue ID or User ID can't be empty");
const CANT_SAVE_QUICK_ANSWER: MethodFailure =
    failure("CANT_SAVE_QUICK_ANSWER", "Error saving quick answer");
const ACCESS_ERROR: MethodFailure = failure(
    "ACCESS_ERROR",
    "You do not have access to the specified dialog",
);

/// The refusals of `Operator::checkAccess`, which the session-mode methods share.
pub(crate) const ACCESS_CHECKS: &[MethodFailure] = &[CHAT_ID, USER_ID, CHAT_TYPE, ACCESS_DENIED];
pub(crate) const PIN_ERRORS: &[MethodFailure] =
    &[CHAT_ID_EMPTY, CHAT_ID, USER_ID, CHAT_TYPE, ACCESS_DENIED];
pub(crate) const DIALOG_GET_ERRORS: &[MethodFailure] = &[ACCESS_ERROR];
pub(crate) const LEAD_CREATE_ERRORS: &[MethodFailure] = &[
    CHAT_ID,
    USER_ID,
    CHAT_TYPE,
    ACCESS_DENIED,
    USER_NOT_OPERATOR,
];
pub(crate) const SESSION_OPEN_ERRORS: &[MethodFailure] = &[OPEN_DENIED];
pub(crate) const TRANSFER_ERRORS: &[MethodFailure] = &[
    CHAT_ID_EMPTY,
    USER_ID_EMPTY,
    QUEUE_ID_EMPTY,
    TRANSFER_ID_EMPTY,
    OPERATOR_WRONG,
];
pub(crate) const QUICK_SAVE_ERRORS: &[MethodFailure] =
    &[CHAT_ID, CHAT_TYPE, ACCESS_DENIED, CANT_SAVE_QUICK_ANSWER];
pub(crate) const INTERCEPT_ERRORS: &[MethodFailure] = &[CHAT_ID_EMPTY, OPERATOR_WRONG];
pub(crate) const HEAD_VOTE_ERRORS: &[MethodFailure] =
    &[EMPTY_SESSION_ID, EMPTY_VOTE_PARAMS, HISTORY_ACCESS_DENIED];
pub(crate) const HISTORY_GET_ERRORS: &[MethodFailure] = &[
    MISSING_REQUIRED_PARAM,
    INVALID_SESSION_ID,
    HISTORY_ACCESS_DENIED,
];

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
    let upper = upper_keys(params);
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
        .filter(|c| c.may_open(caller.user_id))
        .ok_or(ACCESS_ERROR)?;
    let lines = chat.entity_type == "LINES";
    let messages = messages(chat);
    let last_message_id = messages.last().map_or(0, |m| m.id);
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
        "message_count": messages.len(),
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

/// When the example chat was created, and when its members read its newest message.
const CREATED: &str = "2026-03-16T19:36:06+01:00";
const READ: &str = "2026-03-16T19:40:12+01:00";

fn user_name(id: i64) -> String {
    format!("User {id}")
}

/// One message of a chat, as `dialog.get` counts them and `session.history.get` lists them.
struct Message {
    id: i64,
    author: i64,
    text: String,
    /// The file it carries, by identifier.
    file: Option<i64>,
}

/// An open line's client: the connector user at the end of its `entity_id`.
fn client_of(chat: &Chat) -> Option<i64> {
    chat.entity_id
        .rsplit('|')
        .next()
        .and_then(|id| id.parse().ok())
}

/// A chat's messages: an open line starts with its client's question and the operator's answer
/// with a file; then come the system messages (silent mode switched, …) and the messages posted
/// through REST. Identifiers follow the
/// chat's: `<chat id>01`, `<chat id>02`, ….
fn messages(chat: &Chat) -> Vec<Message> {
    let mut out = Vec::new();
    if let (Some(client), Some(&operator)) = (client_of(chat), chat.members.first()) {
        out.push((client, "Hello, my order has not arrived.".to_string(), None));
        out.push((
            operator,
            "Here is its tracking page.".to_string(),
            Some(chat.id * 10 + 1),
        ));
    }
    out.extend(
        chat.system_messages
            .iter()
            .map(|text| (0, text.clone(), None)),
    );
    out.extend(
        chat.posted
            .iter()
            .map(|(author, text)| (*author, text.clone(), None)),
    );
    out.into_iter()
        .enumerate()
        .map(|(i, (author, text, file))| Message {
            id: chat.id * 100 + i as i64 + 1,
            author,
            text,
            file,
        })
        .collect()
}

/// `imopenlines.session.history.get`: the session `SESSION_ID` names, else the newest of chat
/// `CHAT_ID` (the emulator keeps one session per chat); neither given is
/// `MISSING_REQUIRED_PARAM`, no such session `INVALID_SESSION_ID`, a caller who is neither a
/// member nor allowed to join `ACCESS_DENIED`.
pub(crate) fn session_history_get(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let upper = upper_keys(params);
    let session = php_intval(upper.get("SESSION_ID"));
    let chat_id = php_intval(upper.get("CHAT_ID"));
    if session <= 0 && chat_id <= 0 {
        return Err(MISSING_REQUIRED_PARAM);
    }
    let chat = state
        .chats
        .iter()
        .find(|c| {
            c.session_id > 0
                && if session > 0 {
                    c.session_id == session
                } else {
                    c.id == chat_id
                }
        })
        .ok_or(INVALID_SESSION_ID)?;
    if !chat.may_open(caller.user_id) {
        return Err(HISTORY_ACCESS_DENIED);
    }
    let dialog = format!("chat{}", chat.id);
    let messages = messages(chat);
    let client = client_of(chat);
    let people: Vec<i64> = chat.members.iter().copied().chain(client).collect();
    let user = |id: i64| {
        let operator = Some(id) != client;
        json!({
            "id": id.to_string(), "name": user_name(id), "firstName": "User", "lastName": id.to_string(),
            "workPosition": if operator { json!("Operator") } else { Value::Null },
            "avatar": "", "avatarId": null, "gender": "F", "extranet": false, "connector": !operator,
            "profile": format!("/company/personal/user/{id}/"),
            "externalAuthId": if operator { "socservices" } else { "imconnector" },
            "status": if operator { json!("online") } else { Value::Null },
            "lastActivityDate": READ, "departments": if operator { json!([1]) } else { json!([]) },
            "type": if operator { "user" } else { "extranet" },
        })
    };
    let file = |id: i64, author: i64| {
        json!({
            "id": id, "chatid": chat.id, "date": READ, "type": "file", "name": "tracking.pdf",
            "extension": "pdf", "size": 48213, "image": false, "status": "done", "progress": 100,
            "authorid": author, "authorname": user_name(author), "urlpreview": "",
            "urlshow": format!("/disk/showFile/{id}/"), "urldownload": format!("/disk/downloadFile/{id}/"),
            "viewerattrs": {"viewer": null, "src": format!("/disk/showFile/{id}/")},
            "mediaurl": {}, "istranscribable": false, "isvideonote": false,
            "isvoicenote": false,
        })
    };
    let operators: Vec<i64> = chat.members.clone();
    Ok(json!({
        "chatId": chat.id,
        "canJoin": if chat.members.contains(&caller.user_id) { "N" } else { "Y" },
        "canVoteHead": "N",
        "sessionId": chat.session_id,
        "sessionVoteHead": chat.vote_head,
        "sessionCommentHead": chat.comment_head,
        "userId": dialog,
        "message": messages.iter().map(|m| (m.id.to_string(), json!({
            "id": m.id.to_string(), "chatid": chat.id.to_string(), "senderid": m.author.to_string(),
            "recipientid": dialog, "date": READ, "text": m.text, "textlegacy": m.text,
            "params": match m.file { Some(f) => json!({"FILE_ID": [f]}), None => json!([]) },
        }))).collect::<Map<String, Value>>(),
        "usersMessage": {dialog.clone(): messages.iter().map(|m| m.id.to_string()).collect::<Vec<_>>()},
        "users": people.iter().map(|&u| (u.to_string(), user(u))).collect::<Map<String, Value>>(),
        "openlines": {"canvoteashead": {"1": false}},
        "userInGroup": {"1": {"id": 1, "users": operators.iter().map(|u| u.to_string()).collect::<Vec<_>>()}},
        "woUserInGroup": client.map(|c| vec![c.to_string()]).unwrap_or_default(),
        "chat": {chat.id.to_string(): {
            "id": chat.id.to_string(), "name": chat.title, "owner": operators.first().copied().unwrap_or(0).to_string(),
            "entityType": chat.entity_type, "entityId": chat.entity_id,
            "entityData1": session_data(chat), "entityData2": "", "entityData3": if chat.silent { "Y" } else { "" },
            "messageCount": messages.len(), "public": "",
            "muteList": people.iter().map(|u| (u.to_string(), json!(chat.muted.contains(u)))).collect::<Map<String, Value>>(),
            "managerList": operators, "dateCreate": CREATED, "type": "lines",
            "entityLink": {"type": chat.entity_type, "url": "", "id": chat.entity_id},
            "permissions": {"manageUsersAdd": "member", "manageUsersDelete": "manager", "manageUi": "member",
                "manageSettings": "owner", "manageMessages": "member", "canPost": "member"},
            "textFieldEnabled": true, "backgroundId": null, "messageType": "L", "isNew": false,
        }},
        "userBlockChat": {chat.id.to_string(): people.iter().map(|u| (u.to_string(), json!(false))).collect::<Map<String, Value>>()},
        "userInChat": {chat.id.to_string(): people},
        "files": messages.iter().filter_map(|m| m.file.map(|f| (f.to_string(), file(f, m.author)))).collect::<Map<String, Value>>(),
    }))
}

/// A session method: `Operator::checkAccess` on `CHAT_ID` for the caller, then `change` to the
/// chat (given the caller's id); the portal answers `true`.
fn change_session(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
    change: impl FnOnce(&mut Chat, i64),
) -> Result<Value, MethodFailure> {
    let chat = check_access(state, php_intval(params.get("CHAT_ID")), caller.user_id)?;
    change(chat, caller.user_id);
    Ok(Value::Bool(true))
}

/// `imopenlines.operator.answer`: the caller takes the dialog.
pub(crate) fn operator_answer(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    change_session(state, caller, params, |chat, user| {
        chat.status = SessionStatus::Answered;
        chat.operator = user;
    })
}

/// `imopenlines.operator.skip`: the caller leaves the dialog; it waits in the queue again.
pub(crate) fn operator_skip(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    change_session(state, caller, params, |chat, _| {
        chat.status = SessionStatus::Waiting;
        chat.operator = 0;
    })
}

/// `imopenlines.operator.finish` and `…another.finish`: the session is closed, whoever held it
/// (`ONSESSIONFINISH`).
pub(crate) fn operator_finish(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    close_session(state, caller, params, SessionStatus::Closed)
}

/// `imopenlines.operator.spam`: the session is closed as spam (`ONSESSIONFINISH`).
pub(crate) fn operator_spam(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    close_session(state, caller, params, SessionStatus::Spam)
}

/// Closes the session as `status` (`ONSESSIONFINISH`).
fn close_session(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
    status: SessionStatus,
) -> Result<Value, MethodFailure> {
    let done = change_session(state, caller, params, |chat, _| chat.status = status)?;
    super::events::raise_session(state, php_intval(params.get("CHAT_ID")), true);
    Ok(done)
}

/// `imopenlines.session.join`: the caller becomes a member of the chat.
pub(crate) fn session_join(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    change_session(state, caller, params, |chat, user| {
        if !chat.members.contains(&user) {
            chat.members.push(user);
        }
    })
}

/// `imopenlines.session.start` and `imopenlines.message.session.start`: a session begins,
/// held by the caller (`ONSESSIONSTART`).
pub(crate) fn session_start(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let done = operator_answer(state, caller, params)?;
    super::events::raise_session(state, php_intval(params.get("CHAT_ID")), false);
    Ok(done)
}

/// `imopenlines.crm.lead.create`: only the session's operator (or anyone while nobody holds it)
/// binds the dialog to a new lead.
pub(crate) fn crm_lead_create(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let chat = check_access(state, php_intval(params.get("CHAT_ID")), caller.user_id)?;
    if chat.operator != 0 && chat.operator != caller.user_id {
        return Err(USER_NOT_OPERATOR);
    }
    if chat.lead_id == 0 {
        chat.lead_id = 1200 + chat.id % 100;
    }
    Ok(Value::Bool(true))
}

/// `imopenlines.message.quick.save`: the chat must be an open line the caller may open, and the
/// message one of the chat's; saving it again adds it again.
pub(crate) fn message_quick_save(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    // The page names no USER_ID refusal: a caller without a user is no member, so denied.
    let chat = state
        .chat_mut(php_intval(params.get("CHAT_ID")))
        .ok_or(CHAT_ID)?;
    if chat.entity_type != "LINES" {
        return Err(CHAT_TYPE);
    }
    if !chat.may_open(caller.user_id) {
        return Err(ACCESS_DENIED);
    }
    let message = php_intval(params.get("MESSAGE_ID"));
    if !messages(chat).iter().any(|m| m.id == message) {
        return Err(CANT_SAVE_QUICK_ANSWER);
    }
    chat.quick_answers.push(message);
    Ok(Value::Bool(true))
}

/// `imopenlines.session.open`: the open-line chat whose user code is `USER_CODE`, if the caller
/// may open it (the emulator opens no new dialogs: an unknown code is refused the same way).
pub(crate) fn session_open(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let code = params
        .get("USER_CODE")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let chat = state
        .chats
        .iter()
        .find(|c| c.entity_type == "LINES" && !code.is_empty() && c.entity_id == code)
        .filter(|c| c.may_open(caller.user_id))
        .ok_or(OPEN_DENIED)?;
    Ok(json!({"chatId": chat.id}))
}

/// Where a transfer sends a dialog.
pub(super) enum Target {
    Operator(i64),
    Line(i64),
}

/// Where a transfer sends the dialog: the first of `order` among `TRANSFER_ID` (an operator's id,
/// or `queue<id>`; skipped when PHP reads it as false), `USER_ID` and `QUEUE_ID` that is given.
pub(super) fn transfer_target(
    params: &Map<String, Value>,
    order: [&str; 3],
) -> Result<Target, MethodFailure> {
    for name in order {
        let Some(value) = params.get(name) else {
            continue;
        };
        match name {
            "TRANSFER_ID" if php_truthy(Some(value)) => {
                let text = match value {
                    Value::String(s) => s.trim().to_string(),
                    other => other.to_string(),
                };
                return match text.strip_prefix("queue") {
                    Some(queue) => queue.parse().map(Target::Line).map_err(|_| QUEUE_ID_EMPTY),
                    None => text
                        .parse()
                        .map(Target::Operator)
                        .map_err(|_| USER_ID_EMPTY),
                };
            }
            "TRANSFER_ID" => {}
            "USER_ID" => {
                return match php_intval(Some(value)) {
                    id if id > 0 => Ok(Target::Operator(id)),
                    _ => Err(USER_ID_EMPTY),
                }
            }
            _ => {
                return match php_intval(Some(value)) {
                    id if id > 0 => Ok(Target::Line(id)),
                    _ => Err(QUEUE_ID_EMPTY),
                }
            }
        }
    }
    Err(TRANSFER_ID_EMPTY)
}

/// Hands the open-line chat to `target` (another of the portal's operators, or a line the portal
/// has), if `allowed` says the chat may be handed over; the session then waits for them.
pub(super) fn hand_over(
    state: &mut PortalState,
    chat_id: i64,
    target: Target,
    allowed: impl Fn(&Chat) -> bool,
) -> Result<&mut Chat, MethodFailure> {
    let lines: Vec<i64> = state.chats.iter().filter_map(line_of).collect();
    let chat = state
        .chat_mut(chat_id)
        .filter(|c| c.entity_type == "LINES")
        .filter(|c| allowed(c))
        .ok_or(OPERATOR_WRONG)?;
    match target {
        Target::Operator(user) if EMPLOYEES.contains(&user) && user != chat.operator => {
            chat.operator = user;
        }
        Target::Line(line) if lines.contains(&line) => chat.operator = 0,
        _ => return Err(OPERATOR_WRONG),
    }
    chat.status = SessionStatus::Waiting;
    Ok(chat)
}

/// `imopenlines.operator.transfer`: to an operator (`USER_ID`, or a number in `TRANSFER_ID`) or
/// to a line's queue (`QUEUE_ID`, or `queue<id>`); the caller must have access to the dialog.
pub(crate) fn operator_transfer(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let chat_id = php_intval(params.get("CHAT_ID"));
    if chat_id <= 0 {
        return Err(CHAT_ID_EMPTY);
    }
    let target = transfer_target(params, ["TRANSFER_ID", "USER_ID", "QUEUE_ID"])?;
    hand_over(state, chat_id, target, |c| c.may_open(caller.user_id))?;
    Ok(Value::Bool(true))
}

/// The line of an open-line chat: the second part of its user code.
fn line_of(chat: &Chat) -> Option<i64> {
    chat.entity_id
        .split('|')
        .nth(1)
        .and_then(|id| id.parse().ok())
}

/// A message posted into the chat through REST; its identifier.
pub(crate) fn post(chat: &mut Chat, author: i64, text: &str) -> i64 {
    chat.posted.push((author, text.to_string()));
    messages(chat).last().map_or(0, |m| m.id)
}

/// `imopenlines.session.intercept`: the caller takes over a dialog another operator holds.
pub(crate) fn session_intercept(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let chat_id = php_intval(params.get("CHAT_ID"));
    if chat_id <= 0 {
        return Err(CHAT_ID_EMPTY);
    }
    let chat = state
        .chat_mut(chat_id)
        .filter(|c| c.entity_type == "LINES")
        .filter(|c| c.status == SessionStatus::Answered && c.operator != caller.user_id)
        .ok_or(OPERATOR_WRONG)?;
    chat.operator = caller.user_id;
    if !chat.members.contains(&caller.user_id) {
        chat.members.push(caller.user_id);
    }
    Ok(Value::Bool(true))
}

/// `imopenlines.session.head.vote`: a supervisor's rating (1–5) and comment on a session.
pub(crate) fn session_head_vote(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let session = php_intval(params.get("SESSION_ID"));
    if session <= 0 {
        return Err(EMPTY_SESSION_ID);
    }
    let rating = php_intval(params.get("RATING"));
    let comment = params
        .get("COMMENT")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty());
    if rating <= 0 && comment.is_none() {
        return Err(EMPTY_VOTE_PARAMS);
    }
    let chat = state
        .chats
        .iter_mut()
        .find(|c| c.session_id == session && c.members.contains(&caller.user_id))
        .ok_or(HISTORY_ACCESS_DENIED)?;
    if rating > 0 {
        chat.vote_head = rating.min(5);
    }
    if let Some(comment) = comment {
        chat.comment_head = Some(comment.to_string());
    }
    Ok(Value::Bool(true))
}

/// `entity_data_1` of an open-line chat, the portal's `|`-joined session fields: CRM flag, CRM
/// entity type and id, PAUSE (`Y` while the dialog is pinned), WAIT_ACTION, SESSION_ID, the
/// session's start, LINE_ID, BLOCK_DATE, BLOCK_REASON — as the docs' example
/// `Y|LEAD|1209|N|N|343|1773682918|0|0|0`.
fn session_data(chat: &Chat) -> String {
    let pause = if chat.pinned { "Y" } else { "N" };
    let crm = match chat.lead_id {
        0 => "N|NONE|0".to_string(),
        lead => format!("Y|LEAD|{lead}"),
    };
    format!("{crm}|{pause}|N|{}|1773682918|1|0|0", chat.session_id)
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
    if !chat.may_open(user_id) {
        return Err(ACCESS_DENIED);
    }
    Ok(chat)
}
