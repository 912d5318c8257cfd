//! `imopenlines.*` methods, following the portal's `Operator::checkAccess` order of checks and
//! its English messages.

use serde_json::{Map, Value};

use super::{php_intval, Caller, MethodFailure};
use crate::state::{Chat, PortalState};

const CHAT_ID: MethodFailure = MethodFailure {
    status: 400,
    code: "CHAT_ID",
    description: "Chat ID is invalid.",
};
const USER_ID: MethodFailure = MethodFailure {
    status: 400,
    code: "USER_ID",
    description: "User ID is invalid.",
};
const CHAT_TYPE: MethodFailure = MethodFailure {
    status: 400,
    code: "CHAT_TYPE",
    description: "This chat is not Open Channel",
};
const ACCESS_DENIED: MethodFailure = MethodFailure {
    status: 400,
    code: "ACCESS_DENIED",
    description: "You do not have permission to access this chat.",
};

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
