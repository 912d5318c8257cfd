//! `imopenlines.config.*`: the portal's open lines — created, read, changed and deleted. A
//! setting is kept as the portal keeps it, as text: a number given becomes its digits, a flag
//! its `Y`/`N`; the queue is the list of operators, given as `{ENTITY_TYPE, ENTITY_ID}` entries
//! (the emulator has no departments, so only `user` entries count).

use serde_json::{json, Map, Value};

use super::imopenlines::failure;
use super::{php_intval, Caller, MethodFailure};
use crate::state::{Line, PortalState};

const CONFIG_ID_EMPTY: MethodFailure = failure("CONFIG_ID_EMPTY", "Config ID can't be empty");
const CONFIG_WRONG_USER_PERMISSION: MethodFailure = MethodFailure {
    status: 403,
    code: "CONFIG_WRONG_USER_PERMISSION",
    description: "Permission denied",
};

pub(crate) const GET_ERRORS: &[MethodFailure] = &[CONFIG_ID_EMPTY];
pub(crate) const CHANGE_ERRORS: &[MethodFailure] = &[CONFIG_ID_EMPTY, CONFIG_WRONG_USER_PERMISSION];

/// The identifier `CONFIG_ID` gives, which must be a number above 0.
fn config_id(params: &Map<String, Value>) -> Result<i64, MethodFailure> {
    match php_intval(params.get("CONFIG_ID")) {
        id if id > 0 => Ok(id),
        _ => Err(CONFIG_ID_EMPTY),
    }
}

/// Only a user may change lines: a credential without one has no rights to.
fn may_change(caller: &Caller) -> Result<(), MethodFailure> {
    if caller.user_id > 0 {
        Ok(())
    } else {
        Err(CONFIG_WRONG_USER_PERMISSION)
    }
}

/// A setting as the portal keeps it: text for scalars, nested values as given.
fn kept(value: &Value) -> Value {
    match value {
        Value::Bool(true) => "Y".into(),
        Value::Bool(false) => "N".into(),
        Value::Number(n) => n.to_string().into(),
        other => other.clone(),
    }
}

/// Applies `PARAMS` (an object of settings; anything else changes nothing).
fn apply(line: &mut Line, params: &Map<String, Value>) {
    let Some(Value::Object(settings)) = params.get("PARAMS") else {
        return;
    };
    for (name, value) in settings {
        if name == "QUEUE" {
            line.queue = queue_users(value);
        } else if name != "ID" {
            line.settings.insert(name.clone(), kept(value));
        }
    }
}

/// The users of a `QUEUE` given as `[{ENTITY_TYPE: user, ENTITY_ID: 5}, …]` (a form sends the
/// list as an object keyed `0`, `1`, …).
fn queue_users(value: &Value) -> Vec<i64> {
    let entries: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(items) => items.values().collect(),
        _ => Vec::new(),
    };
    entries
        .into_iter()
        .filter(|entry| entry.get("ENTITY_TYPE").and_then(Value::as_str) == Some("user"))
        .map(|entry| php_intval(entry.get("ENTITY_ID")))
        .filter(|id| *id > 0)
        .collect()
}

/// `imopenlines.config.add`: a new line, numbered after the last.
pub(crate) fn add(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let id = state.lines.iter().map(|l| l.id).max().unwrap_or(0) + 1;
    let mut line = Line::new(id, &format!("Open line {id}"));
    apply(&mut line, params);
    state.lines.push(line);
    Ok(Value::from(id))
}

/// `imopenlines.config.update`: `false` when no line has the identifier.
pub(crate) fn update(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let id = config_id(params)?;
    may_change(caller)?;
    Ok(Value::Bool(match state.line_mut(id) {
        Some(line) => {
            apply(line, params);
            line.settings.insert(
                "MODIFY_USER_ID".to_string(),
                caller.user_id.to_string().into(),
            );
            true
        }
        None => false,
    }))
}

/// `imopenlines.config.delete`: `false` when no line has the identifier.
pub(crate) fn delete(
    state: &mut PortalState,
    caller: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let id = config_id(params)?;
    may_change(caller)?;
    let before = state.lines.len();
    state.lines.retain(|line| line.id != id);
    Ok(Value::Bool(state.lines.len() < before))
}

/// `imopenlines.config.get`: the settings, the queue's operators and, unless `WITH_QUEUE=N`,
/// their entries. Every operator is online here, so `SHOW_OFFLINE` changes nothing.
pub(crate) fn get(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let id = config_id(params)?;
    let line = state.line_mut(id).ok_or(CONFIG_ID_EMPTY)?;
    let mut answer = Map::new();
    answer.insert("ID".to_string(), id.to_string().into());
    answer.extend(line.settings.clone());
    let users: Vec<String> = line.queue.iter().map(i64::to_string).collect();
    answer.insert("QUEUE".to_string(), json!(users));
    // The portal leaves the queue's entries out only for `N`.
    let with_queue = !matches!(params.get("WITH_QUEUE"), Some(Value::String(s)) if s == "N");
    if with_queue {
        let mut full = Map::new();
        let mut fields = Map::new();
        for (sort, user) in line.queue.iter().enumerate() {
            let shown = json!({
                "USER_NAME": null,
                "USER_WORK_POSITION": null,
                "USER_AVATAR": null,
                "USER_AVATAR_ID": "0",
            });
            let mut entry = json!({
                "ID": (id * 100 + sort as i64).to_string(),
                "SORT": sort.to_string(),
                "USER_ID": user.to_string(),
                "DEPARTMENT_ID": "0",
            });
            if let (Some(entry), Value::Object(shown)) = (entry.as_object_mut(), &shown) {
                entry.extend(shown.clone());
            }
            full.insert(user.to_string(), entry);
            fields.insert(user.to_string(), shown);
        }
        answer.insert("QUEUE_FULL".to_string(), Value::Object(full));
        answer.insert("QUEUE_USERS_FIELDS".to_string(), Value::Object(fields));
    }
    answer.insert(
        "QUEUE_ONLINE".to_string(),
        (if line.queue.is_empty() { "N" } else { "Y" }).into(),
    );
    Ok(Value::Object(answer))
}
