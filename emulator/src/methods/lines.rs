//! What the portal says about its open lines as a whole: the API revisions and where the public
//! contact-centre page lives.

use serde_json::{json, Map, Value};

use super::imopenlines::failure;
use super::{php_array, php_intval, php_strval, Caller, MethodFailure};
use crate::state::{NetworkLine, PortalState, EMPLOYEES};

/// The revisions the docs' example shows, which the emulator's behaviour follows.
pub(crate) fn revision_get(
    _: &mut PortalState,
    _: &Caller,
    _: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    Ok(json!({"rest": 2, "web": 1, "mobile": 1}))
}

/// The emulated portal's address as links to it are written; it serves no public pages.
pub(crate) const SERVER_ADDRESS: &str = "https://emulator.b24kit.test";

pub(crate) fn config_path_get(
    _: &mut PortalState,
    _: &Caller,
    _: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    Ok(json!({"SERVER_ADDRESS": SERVER_ADDRESS, "PUBLIC_PATH": "/contact_center/"}))
}

const CODE: MethodFailure = failure("CODE", "You entered an invalid code");
const NOT_FOUND: MethodFailure = failure("NOT_FOUND", "Line not found");
const INACTIVE: MethodFailure = failure("INACTIVE", "Openline is inactive");

/// The portal has the chat bot module, so `IMBOT_ERROR` comes only by injection.
pub(crate) const NETWORK_JOIN_ERRORS: &[MethodFailure] = &[CODE, NOT_FOUND, INACTIVE];

/// The line a `CODE` names: refused as the portal does when the code is not 32 characters or
/// no line has it.
fn network_line<'s>(
    state: &'s mut PortalState,
    params: &Map<String, Value>,
) -> Result<&'s mut NetworkLine, MethodFailure> {
    let code = php_strval(params.get("CODE"));
    if code.len() != 32 {
        return Err(CODE);
    }
    state
        .network_lines
        .iter_mut()
        .find(|line| line.code == code)
        .ok_or(NOT_FOUND)
}

/// `imopenlines.network.join`: connects a Bitrix24.Network line by its code; connecting it
/// again gives the same bot.
pub(crate) fn network_join(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let line = network_line(state, params)?;
    if !line.active {
        return Err(INACTIVE);
    }
    line.joined = true;
    Ok(Value::from(line.bot_id))
}

const USER_ID_EMPTY: MethodFailure = failure("USER_ID_EMPTY", "User ID can't be empty");
const USER_MESSAGE_LIMIT: MethodFailure = failure(
    "USER_MESSAGE_LIMIT",
    "You can't send more than one message per week to each user",
);
const MESSAGE_EMPTY: MethodFailure = failure("MESSAGE_EMPTY", "Message can't be empty");
const ATTACH_OVERSIZE: MethodFailure = failure(
    "ATTACH_OVERSIZE",
    "You have exceeded the maximum allowable size of attach",
);
const ATTACH_ERROR: MethodFailure = failure("ATTACH_ERROR", "Incorrect attach params");
const KEYBOARD_ERROR: MethodFailure = failure("KEYBOARD_ERROR", "Incorrect keyboard params");

/// `IMBOT_ERROR`, `WRONG_REQUEST` and `WRONG_AUTH_TYPE` (no browser sessions here) come only
/// by injection.
pub(crate) const NETWORK_MESSAGE_ERRORS: &[MethodFailure] = &[
    CODE,
    NOT_FOUND,
    USER_ID_EMPTY,
    USER_MESSAGE_LIMIT,
    MESSAGE_EMPTY,
    ATTACH_OVERSIZE,
    ATTACH_ERROR,
    KEYBOARD_ERROR,
];

/// The largest attachment the portal takes, as JSON text.
const ATTACH_LIMIT_BYTES: usize = 30 * 1024;

/// `imopenlines.network.message.add`: a line writes to a user, once.
pub(crate) fn network_message_add(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let line = network_line(state, params)?;
    let user = php_intval(params.get("USER_ID"));
    if !EMPLOYEES.contains(&user) {
        return Err(USER_ID_EMPTY);
    }
    if php_strval(params.get("MESSAGE")).trim().is_empty() {
        return Err(MESSAGE_EMPTY);
    }
    if let Some(attach) = params.get("ATTACH") {
        if attach.to_string().len() > ATTACH_LIMIT_BYTES {
            return Err(ATTACH_OVERSIZE);
        }
        if !attachment_is_valid(attach) {
            return Err(ATTACH_ERROR);
        }
    }
    if let Some(keyboard) = params.get("KEYBOARD") {
        if !keyboard_is_valid(keyboard) {
            return Err(KEYBOARD_ERROR);
        }
    }
    if line.messaged.contains(&user) {
        return Err(USER_MESSAGE_LIMIT);
    }
    line.messaged.push(user);
    Ok(Value::Bool(true))
}

/// The items of `key` in an object, or of the array itself when it has no such key (an
/// attachment may be its list of blocks, a keyboard its list of buttons). Empty: none.
fn listed<'v>(value: &'v Value, key: &str) -> Vec<&'v Value> {
    php_array(value.get(key).unwrap_or(value)).unwrap_or_default()
}

/// An attachment is a non-empty list of blocks (or an object with one as `BLOCKS`), each block
/// an object.
fn attachment_is_valid(attach: &Value) -> bool {
    let blocks = listed(attach, "BLOCKS");
    !blocks.is_empty() && blocks.iter().all(|block| block.is_object())
}

/// A keyboard of a network line: a non-empty list of buttons (or an object with one as
/// `BUTTONS`), each with a `TEXT` and a `LINK` — the only kind of button allowed here.
fn keyboard_is_valid(keyboard: &Value) -> bool {
    let has_text = |button: &Value, key: &str| {
        button
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|text| !text.trim().is_empty())
    };
    let buttons = listed(keyboard, "BUTTONS");
    !buttons.is_empty()
        && buttons
            .iter()
            .all(|b| has_text(b, "TEXT") && has_text(b, "LINK"))
}
