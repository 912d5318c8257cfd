//! `imopenlines.crm.chat.*` and `imopenlines.crm.message.add`: the open-line chats bound to CRM
//! records. A chat is bound to the lead in its `lead_id` (seeded, or set by
//! `imopenlines.crm.lead.create`); no deal, company or contact has chats here. The caller may
//! see every record, as the default webhook's admin does.

use serde_json::{json, Map, Value};

use super::{php_intval, php_truthy, Caller, MethodFailure};
use crate::state::{Chat, PortalState, SessionStatus, EMPLOYEES};

const fn failure(status: u16, code: &'static str, description: &'static str) -> MethodFailure {
    MethodFailure {
        status,
        code,
        description,
    }
}

const NO_ENTITY_TYPE: MethodFailure = failure(
    400,
    "ERROR_ARGUMENT",
    "Argument 'CRM_ENTITY_TYPE' is null or empty",
);
const NO_ENTITY: MethodFailure = failure(
    400,
    "ERROR_ARGUMENT",
    "Argument 'CRM_ENTITY' is null or empty",
);
const ENTITY_NOT_A_NUMBER: MethodFailure = failure(
    400,
    "ERROR_ARGUMENT",
    "The value of an argument 'CRM_ENTITY' has an invalid type",
);
const NO_USER_ARGUMENT: MethodFailure = failure(
    400,
    "ERROR_ARGUMENT",
    "Argument 'Empty USER_ID' is null or empty",
);
const ACCESS_DENIED: MethodFailure = failure(
    403,
    "ACCESS_DENIED",
    "Access denied! You don't have access to this action",
);
const JOIN_DENIED: MethodFailure = failure(
    403,
    "ACCESS_DENIED",
    "Access denied! You don't have access to join user to chat",
);
const EMPTY_CRM_DATA: MethodFailure = failure(400, "CRM_CHAT_EMPTY_CRM_DATA", "Empty CRM data");
const NO_CRM_OBJECT: MethodFailure =
    failure(400, "CRM_CHAT_EMPTY_CRM_DATA", "Could not find CRM object");
const EMPTY_USER: MethodFailure = failure(400, "CRM_CHAT_EMPTY_USER", "Empty User ID");
const NOT_IN_CRM: MethodFailure = failure(
    400,
    "CHAT_NOT_IN_CRM",
    "Chat does not belong to the CRM object being checked",
);
const USER_NOT_ACTIVE: MethodFailure = failure(400, "CRM_CHAT_USER_NOT_ACTIVE", "User not active");
const ALREADY_MEMBER: MethodFailure = failure(
    400,
    "WRONG_REQUEST",
    "You don't have access or user already member in chat",
);
const NOT_A_MEMBER: MethodFailure = failure(
    400,
    "WRONG_REQUEST",
    "You don't have access or user already not in chat",
);

const NO_USER: MethodFailure =
    failure(400, "ERROR_ARGUMENT", "Argument 'USER_ID' is null or empty");
const NO_CHAT: MethodFailure =
    failure(400, "ERROR_ARGUMENT", "Argument 'CHAT_ID' is null or empty");
const NO_MESSAGE: MethodFailure =
    failure(400, "ERROR_ARGUMENT", "Argument 'MESSAGE' is null or empty");
const ENTITY_DENIED: MethodFailure = failure(
    403,
    "ACCESS_DENIED",
    "Access denied! User don't have access to this entity",
);
const CANCELED: MethodFailure = failure(
    400,
    "CANCELED",
    "You cannot send messages to the specified chat",
);
const MESSAGE_NOT_IN_CRM: MethodFailure = failure(
    400,
    "CHAT_NOT_IN_CRM",
    "Chat does not belong to the CRM entity being checked",
);

pub(crate) const MESSAGE_ADD_ERRORS: &[MethodFailure] = &[
    NO_ENTITY_TYPE,
    NO_ENTITY,
    ENTITY_NOT_A_NUMBER,
    NO_USER,
    NO_CHAT,
    NO_MESSAGE,
    ENTITY_DENIED,
    MESSAGE_NOT_IN_CRM,
    CANCELED,
];
pub(crate) const GET_ERRORS: &[MethodFailure] = &[
    NO_ENTITY_TYPE,
    NO_ENTITY,
    ENTITY_NOT_A_NUMBER,
    ACCESS_DENIED,
];
pub(crate) const LAST_ID_ERRORS: &[MethodFailure] =
    &[EMPTY_CRM_DATA, ENTITY_NOT_A_NUMBER, NO_CRM_OBJECT];
pub(crate) const USER_ADD_ERRORS: &[MethodFailure] = &[
    NO_ENTITY_TYPE,
    NO_ENTITY,
    ENTITY_NOT_A_NUMBER,
    NO_USER_ARGUMENT,
    JOIN_DENIED,
    NOT_IN_CRM,
    USER_NOT_ACTIVE,
    ALREADY_MEMBER,
];
pub(crate) const USER_DELETE_ERRORS: &[MethodFailure] = &[
    EMPTY_USER,
    EMPTY_CRM_DATA,
    ENTITY_NOT_A_NUMBER,
    JOIN_DENIED,
    NOT_IN_CRM,
    USER_NOT_ACTIVE,
    NOT_A_MEMBER,
];

/// The kinds of record the portal binds chats to, as `CRM_ENTITY_TYPE` names them.
const KINDS: [&str; 4] = ["LEAD", "DEAL", "COMPANY", "CONTACT"];

/// A CRM record as the parameters name it: its kind (upper case, as the portal compares it)
/// and identifier.
struct Record {
    kind: String,
    id: i64,
}

/// Reads `CRM_ENTITY_TYPE` and `CRM_ENTITY`: `missing_type` and `missing_id` are the refusals of
/// an absent one (the methods differ); a `CRM_ENTITY` that is not a number is `ERROR_ARGUMENT`
/// in all.
fn record(
    params: &Map<String, Value>,
    missing_type: MethodFailure,
    missing_id: MethodFailure,
) -> Result<Record, MethodFailure> {
    let kind = match params.get("CRM_ENTITY_TYPE") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_ascii_uppercase(),
        _ => return Err(missing_type),
    };
    let entity = params.get("CRM_ENTITY");
    if !php_truthy(entity) {
        return Err(missing_id);
    }
    let numeric = match entity {
        Some(Value::Number(n)) => n.as_i64().is_some(),
        Some(Value::String(s)) => s.trim().parse::<i64>().is_ok(),
        _ => false,
    };
    if !numeric {
        return Err(ENTITY_NOT_A_NUMBER);
    }
    Ok(Record {
        kind,
        id: php_intval(entity),
    })
}

impl Record {
    fn known_kind(&self) -> bool {
        KINDS.contains(&self.kind.as_str())
    }

    fn binds(&self, chat: &Chat) -> bool {
        self.kind == "LEAD" && chat.lead_id == self.id && chat.entity_type == "LINES"
    }

    /// The identifiers of the chats bound to the record, oldest first.
    fn chats(&self, state: &PortalState) -> Vec<i64> {
        let mut ids: Vec<i64> = state
            .chats
            .iter()
            .filter(|c| self.binds(c))
            .map(|c| c.id)
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// `imopenlines.crm.chat.get`: the bound chats, only those whose session is open unless
/// `ACTIVE_ONLY` is `N`.
pub(crate) fn get(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let record = record(params, NO_ENTITY_TYPE, NO_ENTITY)?;
    if !record.known_kind() {
        return Err(ACCESS_DENIED);
    }
    let active_only = !matches!(params.get("ACTIVE_ONLY"), Some(Value::String(s)) if s == "N");
    let chats: Vec<Value> = state
        .chats
        .iter()
        .filter(|c| record.binds(c))
        .filter(|c| {
            !active_only || !matches!(c.status, SessionStatus::Closed | SessionStatus::Spam)
        })
        .map(|c| {
            let connector = c.entity_id.split('|').next().unwrap_or_default();
            json!({
                "CHAT_ID": c.id.to_string(),
                "CONNECTOR_ID": connector,
                "CONNECTOR_TITLE": connector_title(connector),
            })
        })
        .collect();
    Ok(Value::Array(chats))
}

/// `imopenlines.crm.chat.getLastId`: the newest bound chat.
pub(crate) fn last_id(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let record = record(params, EMPTY_CRM_DATA, EMPTY_CRM_DATA)?;
    match record.chats(state).last() {
        Some(id) => Ok(json!(id)),
        None => Err(NO_CRM_OBJECT),
    }
}

/// `imopenlines.crm.chat.user.add`.
pub(crate) fn user_add(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let record = record(params, NO_ENTITY_TYPE, NO_ENTITY)?;
    let user = php_intval(params.get("USER_ID"));
    if user <= 0 {
        return Err(NO_USER_ARGUMENT);
    }
    change_members(state, &record, params, user, |chat| {
        if chat.members.contains(&user) {
            return Err(ALREADY_MEMBER);
        }
        chat.members.push(user);
        Ok(())
    })
}

/// `imopenlines.crm.chat.user.delete`.
pub(crate) fn user_delete(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let user = php_intval(params.get("USER_ID"));
    if user <= 0 {
        return Err(EMPTY_USER);
    }
    let record = record(params, EMPTY_CRM_DATA, EMPTY_CRM_DATA)?;
    change_members(state, &record, params, user, |chat| {
        let before = chat.members.len();
        chat.members.retain(|m| *m != user);
        if chat.members.len() == before {
            return Err(NOT_A_MEMBER);
        }
        Ok(())
    })
}

/// `imopenlines.crm.message.add`: every argument present, the record of a known kind, the chat
/// bound to it and the sender in the chat; the message is posted in the sender's name
/// (`ONOPENLINEMESSAGEADD`).
pub(crate) fn message_add(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let record = record(params, NO_ENTITY_TYPE, NO_ENTITY)?;
    let user = positive(params, "USER_ID", NO_USER)?;
    let chat_id = positive(params, "CHAT_ID", NO_CHAT)?;
    let text = match params.get("MESSAGE") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => return Err(NO_MESSAGE),
    };
    if !record.known_kind() {
        return Err(ENTITY_DENIED);
    }
    if !record.chats(state).contains(&chat_id) {
        return Err(MESSAGE_NOT_IN_CRM);
    }
    let chat = state.chat_mut(chat_id).ok_or(MESSAGE_NOT_IN_CRM)?;
    if !chat.members.contains(&user) {
        return Err(CANCELED);
    }
    let id = super::imopenlines::post(chat, user, &text);
    super::events::raise_message(state, chat_id, id, user, &text);
    Ok(json!(id))
}

/// A required identifier: missing, zero or not a number is `missing`.
fn positive(
    params: &Map<String, Value>,
    name: &str,
    missing: MethodFailure,
) -> Result<i64, MethodFailure> {
    match php_intval(params.get(name)) {
        id if id > 0 => Ok(id),
        _ => Err(missing),
    }
}

/// The checks `user.add` and `user.delete` share, then `change` on the chat: `CHAT_ID` when
/// given (it must be bound to the record), else the newest bound chat; with neither, nothing
/// changes and the answer is 0.
fn change_members(
    state: &mut PortalState,
    record: &Record,
    params: &Map<String, Value>,
    user: i64,
    change: impl FnOnce(&mut Chat) -> Result<(), MethodFailure>,
) -> Result<Value, MethodFailure> {
    if !record.known_kind() {
        return Err(JOIN_DENIED);
    }
    if !EMPLOYEES.contains(&user) {
        return Err(USER_NOT_ACTIVE);
    }
    let bound = record.chats(state);
    let chat_id = match php_intval(params.get("CHAT_ID")) {
        0 => match bound.last() {
            Some(id) => *id,
            None => return Ok(json!(0)),
        },
        given if bound.contains(&given) => given,
        _ => return Err(NOT_IN_CRM),
    };
    let chat = state.chat_mut(chat_id).ok_or(NOT_IN_CRM)?;
    change(chat)?;
    Ok(json!(chat_id))
}

/// A connector's display name, as the portal's connector list gives it.
fn connector_title(id: &str) -> &str {
    match id {
        "livechat" => "Live Chat",
        "telegrambot" => "Telegram",
        "whatsappbyedna" => "WhatsApp",
        other => other,
    }
}
