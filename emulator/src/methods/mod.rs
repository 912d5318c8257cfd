//! The REST methods the emulator implements, each with the portal's own checks and messages.

mod bots;
mod config;
mod crm;
mod crm_chat;
mod events;
mod imopenlines;
mod lines;

use serde_json::{Map, Value};

use crate::state::PortalState;

/// Who is calling, after authentication.
pub(crate) struct Caller {
    /// 0 when the credential has no user.
    pub user_id: i64,
    /// The application of an OAuth token (its `client_id`); `None` for webhooks.
    pub app: Option<String>,
}

/// A method's refusal: the status, code and description the portal sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MethodFailure {
    pub status: u16,
    pub code: &'static str,
    pub description: &'static str,
}

/// What a method answers: its `result` and, for list methods, `total` and `next`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub result: Value,
    pub total: Option<u64>,
    pub next: Option<u64>,
}

impl From<Value> for Answer {
    fn from(result: Value) -> Answer {
        Answer {
            result,
            total: None,
            next: None,
        }
    }
}

pub(crate) type Handler =
    fn(&mut PortalState, &Caller, &Map<String, Value>) -> Result<Answer, MethodFailure>;

pub(crate) struct MethodDef {
    /// Lower-case, as the portal compares names.
    pub name: &'static str,
    pub scope: &'static str,
    pub handler: Handler,
    /// Every refusal the handler can return (a test holds them against the method's spec).
    pub errors: &'static [MethodFailure],
}

pub(crate) const METHODS: &[MethodDef] = &[
    // Any credential may bind handlers: the emulator does not refuse webhooks here, as a portal
    // does (only applications bind events there).
    MethodDef {
        name: "event.bind",
        scope: "",
        handler: events::bind,
        errors: &[events::EVENT_NOT_FOUND, events::HANDLER_MISSING],
    },
    MethodDef {
        name: "event.unbind",
        scope: "",
        handler: events::unbind,
        errors: &[events::EVENT_NOT_FOUND, events::HANDLER_MISSING],
    },
    MethodDef {
        name: "event.get",
        scope: "",
        handler: events::get,
        errors: &[],
    },
    MethodDef {
        name: "imopenlines.bot.session.operator",
        scope: "imopenlines",
        handler: |state, caller, params| bots::operator(state, caller, params).map(Answer::from),
        errors: bots::OPERATOR_ERRORS,
    },
    MethodDef {
        name: "imopenlines.bot.session.finish",
        scope: "imopenlines",
        handler: |state, caller, params| bots::finish(state, caller, params).map(Answer::from),
        errors: bots::FINISH_ERRORS,
    },
    MethodDef {
        name: "imopenlines.bot.session.message.send",
        scope: "imopenlines",
        handler: |state, caller, params| {
            bots::message_send(state, caller, params).map(Answer::from)
        },
        errors: bots::MESSAGE_ERRORS,
    },
    MethodDef {
        name: "imopenlines.bot.session.transfer",
        scope: "imopenlines",
        handler: |state, caller, params| bots::transfer(state, caller, params).map(Answer::from),
        errors: bots::TRANSFER_ERRORS,
    },
    MethodDef {
        name: "imopenlines.session.mode.silent",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_mode_silent(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.session.mode.pin",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_mode_pin(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::PIN_ERRORS,
    },
    MethodDef {
        name: "imopenlines.session.mode.pinall",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_mode_pin_all(state, caller, params).map(Answer::from)
        },
        errors: &[],
    },
    MethodDef {
        name: "imopenlines.session.mode.unpinall",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_mode_unpin_all(state, caller, params).map(Answer::from)
        },
        errors: &[],
    },
    MethodDef {
        name: "imopenlines.dialog.get",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::dialog_get(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::DIALOG_GET_ERRORS,
    },
    MethodDef {
        name: "imopenlines.session.history.get",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_history_get(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::HISTORY_GET_ERRORS,
    },
    MethodDef {
        name: "imopenlines.operator.answer",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::operator_answer(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.operator.finish",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::operator_finish(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.operator.another.finish",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::operator_finish(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.operator.skip",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::operator_skip(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.operator.spam",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::operator_spam(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.session.join",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_join(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.session.start",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_start(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.message.session.start",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_start(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::ACCESS_CHECKS,
    },
    MethodDef {
        name: "imopenlines.crm.lead.create",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::crm_lead_create(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::LEAD_CREATE_ERRORS,
    },
    MethodDef {
        name: "imopenlines.session.intercept",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_intercept(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::INTERCEPT_ERRORS,
    },
    MethodDef {
        name: "imopenlines.session.head.vote",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_head_vote(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::HEAD_VOTE_ERRORS,
    },
    MethodDef {
        name: "imopenlines.crm.chat.get",
        scope: "imopenlines",
        handler: |state, caller, params| crm_chat::get(state, caller, params).map(Answer::from),
        errors: crm_chat::GET_ERRORS,
    },
    MethodDef {
        name: "imopenlines.crm.chat.getlastid",
        scope: "imopenlines",
        handler: |state, caller, params| crm_chat::last_id(state, caller, params).map(Answer::from),
        errors: crm_chat::LAST_ID_ERRORS,
    },
    MethodDef {
        name: "imopenlines.crm.chat.user.add",
        scope: "imopenlines",
        handler: |state, caller, params| {
            crm_chat::user_add(state, caller, params).map(Answer::from)
        },
        errors: crm_chat::USER_ADD_ERRORS,
    },
    MethodDef {
        name: "imopenlines.crm.chat.user.delete",
        scope: "imopenlines",
        handler: |state, caller, params| {
            crm_chat::user_delete(state, caller, params).map(Answer::from)
        },
        errors: crm_chat::USER_DELETE_ERRORS,
    },
    MethodDef {
        name: "imopenlines.crm.message.add",
        scope: "imopenlines",
        handler: |state, caller, params| {
            crm_chat::message_add(state, caller, params).map(Answer::from)
        },
        errors: crm_chat::MESSAGE_ADD_ERRORS,
    },
    MethodDef {
        name: "imopenlines.message.quick.save",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::message_quick_save(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::QUICK_SAVE_ERRORS,
    },
    MethodDef {
        name: "imopenlines.session.open",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::session_open(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::SESSION_OPEN_ERRORS,
    },
    MethodDef {
        name: "imopenlines.operator.transfer",
        scope: "imopenlines",
        handler: |state, caller, params| {
            imopenlines::operator_transfer(state, caller, params).map(Answer::from)
        },
        errors: imopenlines::TRANSFER_ERRORS,
    },
    MethodDef {
        name: "imopenlines.revision.get",
        scope: "imopenlines",
        handler: |state, caller, params| {
            lines::revision_get(state, caller, params).map(Answer::from)
        },
        errors: &[],
    },
    MethodDef {
        name: "imopenlines.config.path.get",
        scope: "imopenlines",
        handler: |state, caller, params| {
            lines::config_path_get(state, caller, params).map(Answer::from)
        },
        errors: &[],
    },
    MethodDef {
        name: "imopenlines.config.add",
        scope: "imopenlines",
        handler: |state, caller, params| config::add(state, caller, params).map(Answer::from),
        errors: &[],
    },
    MethodDef {
        name: "imopenlines.config.get",
        scope: "imopenlines",
        handler: |state, caller, params| config::get(state, caller, params).map(Answer::from),
        errors: config::GET_ERRORS,
    },
    MethodDef {
        name: "imopenlines.config.list.get",
        scope: "imopenlines",
        handler: |state, caller, params| config::list(state, caller, params).map(Answer::from),
        errors: config::LIST_ERRORS,
    },
    MethodDef {
        name: "imopenlines.config.update",
        scope: "imopenlines",
        handler: |state, caller, params| config::update(state, caller, params).map(Answer::from),
        errors: config::CHANGE_ERRORS,
    },
    MethodDef {
        name: "imopenlines.config.delete",
        scope: "imopenlines",
        handler: |state, caller, params| config::delete(state, caller, params).map(Answer::from),
        errors: config::CHANGE_ERRORS,
    },
    MethodDef {
        name: "imopenlines.network.join",
        scope: "imopenlines",
        handler: |state, caller, params| {
            lines::network_join(state, caller, params).map(Answer::from)
        },
        errors: lines::NETWORK_JOIN_ERRORS,
    },
    MethodDef {
        name: "imopenlines.network.message.add",
        scope: "imopenlines",
        handler: |state, caller, params| {
            lines::network_message_add(state, caller, params).map(Answer::from)
        },
        errors: lines::NETWORK_MESSAGE_ERRORS,
    },
    // Not described by b24kit's specs: a documented list method with seeded data, for calls by
    // name, list paging and batches of mixed methods.
    MethodDef {
        name: "crm.contact.list",
        scope: "crm",
        handler: crm::contact_list,
        errors: &[],
    },
    MethodDef {
        name: "crm.contact.get",
        scope: "crm",
        handler: crm::contact_get,
        errors: crm::CONTACT_GET_ERRORS,
    },
];

pub(crate) fn find(lower_case_name: &str) -> Option<&'static MethodDef> {
    METHODS.iter().find(|m| m.name == lower_case_name)
}

/// A method the emulator serves, as a test compares it with the method's spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedMethod {
    /// Lower-case, as the portal compares names.
    pub name: &'static str,
    /// The scope a credential needs for it; empty for methods any credential may call.
    pub scope: &'static str,
    /// Each refusal its handler can return: the code and the HTTP status.
    pub errors: Vec<(&'static str, u16)>,
}

/// Every method the emulator serves.
pub fn served_methods() -> Vec<ServedMethod> {
    METHODS
        .iter()
        .map(|m| ServedMethod {
            name: m.name,
            scope: m.scope,
            errors: m.errors.iter().map(|e| (e.code, e.status)).collect(),
        })
        .collect()
}

/// PHP's `intval` on a request parameter: numbers truncate, strings read their leading
/// integer (`"12abc"` → 12, `"abc"` → 0), `true` is 1, anything else 0.
/// PHP's truthiness of a request value, as `if (!$params['X'])` tests it: absent, `null`,
/// `false`, `0`, `0.0`, `""`, `"0"` and an empty array are false; anything else (`"abc"`, `" "`,
/// `"0.0"`, `0.5`) is true.
pub(crate) fn php_truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !(s.is_empty() || s == "0"),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(map)) => !map.is_empty(),
        Some(Value::Bool(true)) => true,
    }
}

/// The parameters with their names in capitals, as the portal's `array_change_key_case` makes
/// them for methods that read names whatever their case (the last of two spellings wins).
pub(crate) fn upper_keys(params: &Map<String, Value>) -> Map<String, Value> {
    params
        .iter()
        .map(|(k, v)| (k.to_ascii_uppercase(), v.clone()))
        .collect()
}

/// The items of a PHP array: a JSON body sends a list, a form (as `batch` commands are) an
/// object keyed `0`, `1`, …; PHP sees one array either way. `None` for a single value.
pub(crate) fn php_array(value: &Value) -> Option<Vec<&Value>> {
    match value {
        Value::Array(items) => Some(items.iter().collect()),
        Value::Object(fields) => Some(fields.values().collect()),
        _ => None,
    }
}

/// The text PHP reads from a parameter: a string as sent, a number's digits, else nothing.
pub(crate) fn php_strval(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

pub(crate) fn php_intval(value: Option<&Value>) -> i64 {
    match value {
        Some(Value::Number(n)) => n
            .as_i64()
            .unwrap_or_else(|| n.as_f64().map_or(0, |f| f as i64)),
        Some(Value::String(s)) => {
            let t = s.trim_start();
            let (sign, digits) = match t.as_bytes().first() {
                Some(b'-') => (-1, &t[1..]),
                Some(b'+') => (1, &t[1..]),
                _ => (1, t),
            };
            let end = digits.bytes().take_while(u8::is_ascii_digit).count();
            digits[..end].parse::<i64>().map_or(0, |n| sign * n)
        }
        Some(Value::Bool(true)) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truthiness_as_php_has_it() {
        for falsy in [
            json!(null),
            json!(false),
            json!(0),
            json!(0.0),
            json!(""),
            json!("0"),
            json!([]),
        ] {
            assert!(!php_truthy(Some(&falsy)), "{falsy}");
        }
        assert!(!php_truthy(None));
        for truthy in [
            json!("abc"),
            json!(" "),
            json!("0.0"),
            json!(0.5),
            json!(true),
            json!([0]),
        ] {
            assert!(php_truthy(Some(&truthy)), "{truthy}");
        }
    }

    #[test]
    fn intval_follows_php() {
        for (v, want) in [
            (json!(2043), 2043),
            (json!("2043"), 2043),
            (json!(" 12abc"), 12),
            (json!("abc"), 0),
            (json!("-5"), -5),
            (json!(7.9), 7),
            (json!(true), 1),
            (json!(null), 0),
            (json!([1]), 0),
        ] {
            assert_eq!(php_intval(Some(&v)), want, "{v}");
        }
        assert_eq!(php_intval(None), 0);
    }
}
