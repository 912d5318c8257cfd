//! `imopenlines.bot.session.*`: what an application's chat bot does with the open-line dialog it
//! answers — hand it to an operator or a line, close it, post into it. A bot holds a dialog when
//! it is the chat's operator; the bot of a call is the one its `CLIENT_ID` names, else the one
//! the calling application registered. The emulator has no browser sessions, so
//! `WRONG_AUTH_TYPE` is never its answer.

use serde_json::{Map, Value};

use super::imopenlines::{
    failure, hand_over, post, transfer_target, CHAT_ID_EMPTY, OPERATOR_WRONG, QUEUE_ID_EMPTY,
    TRANSFER_ID_EMPTY, USER_ID_EMPTY,
};
use super::{php_intval, Caller, MethodFailure};
use crate::state::{PortalState, SessionStatus};

const WRONG_CHAT: MethodFailure = failure("WRONG_CHAT", "Operator is not a bot");
const BOT_ID_ERROR: MethodFailure = failure("BOT_ID_ERROR", "Bot not found");

pub(crate) const OPERATOR_ERRORS: &[MethodFailure] = &[CHAT_ID_EMPTY, WRONG_CHAT];
pub(crate) const FINISH_ERRORS: &[MethodFailure] = &[CHAT_ID_EMPTY, BOT_ID_ERROR];
pub(crate) const MESSAGE_ERRORS: &[MethodFailure] = &[CHAT_ID_EMPTY];
pub(crate) const TRANSFER_ERRORS: &[MethodFailure] = &[
    CHAT_ID_EMPTY,
    USER_ID_EMPTY,
    QUEUE_ID_EMPTY,
    TRANSFER_ID_EMPTY,
    BOT_ID_ERROR,
    OPERATOR_WRONG,
];

/// The text `NAME=WELCOME` posts: the line's welcome message.
const WELCOME: &str = "Welcome! An operator will be with you shortly.";

fn chat_id(params: &Map<String, Value>) -> Result<i64, MethodFailure> {
    match php_intval(params.get("CHAT_ID")) {
        id if id > 0 => Ok(id),
        _ => Err(CHAT_ID_EMPTY),
    }
}

/// The bot a call acts as: the one `CLIENT_ID` names, else the calling application's.
fn bot_of(
    state: &PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<i64, MethodFailure> {
    let named = params
        .get("CLIENT_ID")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty());
    state
        .bots
        .iter()
        .find(|bot| match named {
            Some(client_id) => bot.client_id == client_id,
            None => caller.app.is_some() && bot.app == caller.app,
        })
        .map(|bot| bot.id)
        .ok_or(BOT_ID_ERROR)
}

/// `imopenlines.bot.session.operator`: the dialog a bot holds waits for a free operator.
pub(crate) fn operator(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let id = chat_id(params)?;
    let bots: Vec<i64> = state.bots.iter().map(|b| b.id).collect();
    let chat = state
        .chat_mut(id)
        .filter(|c| c.entity_type == "LINES" && bots.contains(&c.operator))
        .ok_or(WRONG_CHAT)?;
    let bot = chat.operator;
    chat.members.retain(|m| *m != bot);
    chat.operator = 0;
    chat.status = SessionStatus::Waiting;
    Ok(Value::Bool(true))
}

/// `imopenlines.bot.session.finish`: the bot closes the dialog's session (`ONSESSIONFINISH`);
/// `false` for a chat that is no open-line dialog.
pub(crate) fn finish(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let id = chat_id(params)?;
    bot_of(state, caller, params)?;
    let Some(chat) = state.chat_mut(id).filter(|c| c.entity_type == "LINES") else {
        return Ok(Value::Bool(false));
    };
    chat.status = SessionStatus::Closed;
    super::events::raise_session(state, id, true);
    Ok(Value::Bool(true))
}

/// `imopenlines.bot.session.message.send`: the chat's bot posts the welcome message
/// (`NAME=WELCOME`) or `MESSAGE` (any other `NAME`, or none); an empty text posts nothing, and
/// the answer is `true` whenever the chat id is given, as the page says.
pub(crate) fn message_send(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let id = chat_id(params)?;
    let text = match params.get("NAME").and_then(Value::as_str) {
        Some("WELCOME") => WELCOME.to_string(),
        _ => params
            .get("MESSAGE")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    };
    let bots: Vec<i64> = state.bots.iter().map(|b| b.id).collect();
    let Some(chat) = state.chat_mut(id).filter(|c| c.entity_type == "LINES") else {
        return Ok(Value::Bool(true));
    };
    let author = chat.members.iter().copied().find(|m| bots.contains(m));
    if let (Some(author), false) = (author, text.trim().is_empty()) {
        let message = post(chat, author, &text);
        super::events::raise_message(state, id, message, author, &text);
    }
    Ok(Value::Bool(true))
}

/// `imopenlines.bot.session.transfer`: the bot hands the dialog to an operator or a line
/// (`USER_ID`, then `QUEUE_ID`, then `TRANSFER_ID`), which must be another of the portal's
/// operators or a line it has; with `LEAVE=Y` it leaves the chat.
pub(crate) fn transfer(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let id = chat_id(params)?;
    let target = transfer_target(params, ["USER_ID", "QUEUE_ID", "TRANSFER_ID"])?;
    let bot = bot_of(state, caller, params)?;
    let chat = hand_over(state, id, target, |_| true)?;
    if params.get("LEAVE").and_then(Value::as_str) == Some("Y") {
        chat.members.retain(|m| *m != bot);
    }
    Ok(Value::Bool(true))
}
