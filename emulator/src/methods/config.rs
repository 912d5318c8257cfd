//! `imopenlines.config.*`: the portal's open lines — created, read, changed and deleted. A
//! setting is kept as the portal keeps it, as text: a number given becomes its digits, a flag
//! its `Y`/`N`; the queue is the list of operators, given as `{ENTITY_TYPE, ENTITY_ID}` entries
//! (the emulator has no departments, so only `user` entries count).

use serde_json::{json, Map, Value};

use super::imopenlines::failure;
use super::{php_array, php_intval, Caller, MethodFailure};
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
    php_array(value)
        .unwrap_or_default()
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

/// What clients see of an operator of a queue: the emulator sets nothing of its own, so each
/// is the operator's profile (`null`).
fn queue_user_fields() -> Value {
    json!({
        "USER_NAME": null,
        "USER_WORK_POSITION": null,
        "USER_AVATAR": null,
        "USER_AVATAR_ID": "0",
    })
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
            let shown = queue_user_fields();
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

/// The refusals of `imopenlines.config.list.get`: one code, the description saying which.
const UNSUPPORTED_PARAMS: MethodFailure =
    failure("INVALID_FORMAT", "Unsupported PARAMS fields are passed");
const SELECT_FORMAT: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong format for the PARAMS field 'select' is passed",
);
const SELECT_NAME: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong field name is passed in the PARAMS field 'select'",
);
const SELECT_UNKNOWN: MethodFailure = failure(
    "INVALID_FORMAT",
    "An unknown field is passed in the PARAMS field 'select'",
);
const ORDER_FORMAT: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong format for the PARAMS field 'order' is passed",
);
const ORDER_NAME: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong field name is passed in the PARAMS field 'order'",
);
const ORDER_UNKNOWN: MethodFailure = failure(
    "INVALID_FORMAT",
    "An unknown field is passed in the PARAMS field 'order'",
);
const ORDER_DIRECTION: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong sorting direction is passed in the PARAMS field 'order'",
);
const FILTER_FORMAT: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong format for the PARAMS field 'filter' is passed",
);
const FILTER_NAME: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong field name is passed in the PARAMS field 'filter'",
);
const FILTER_UNKNOWN: MethodFailure = failure(
    "INVALID_FORMAT",
    "An unknown field is passed in the PARAMS field 'filter'",
);
const LIMIT_FORMAT: MethodFailure = failure(
    "INVALID_FORMAT",
    "A non-negative integer is expected in the PARAMS field 'limit'",
);
const OFFSET_FORMAT: MethodFailure = failure(
    "INVALID_FORMAT",
    "A non-negative integer is expected in the PARAMS field 'offset'",
);
const UNSUPPORTED_OPTIONS: MethodFailure =
    failure("INVALID_FORMAT", "Unsupported OPTIONS fields are passed");
const PERMISSION_UNKNOWN: MethodFailure = failure(
    "INVALID_FORMAT",
    "An unknown value for the OPTIONS field 'CHECK_PERMISSION' is passed",
);
const QUEUE_FORMAT: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong format for the OPTIONS field 'QUEUE' is passed",
);
const CONFIG_QUEUE_FORMAT: MethodFailure = failure(
    "INVALID_FORMAT",
    "A wrong format for the OPTIONS field 'CONFIG_QUEUE' is passed",
);

pub(crate) const LIST_ERRORS: &[MethodFailure] = &[
    QUEUE_FORMAT,
    CONFIG_QUEUE_FORMAT,
    UNSUPPORTED_PARAMS,
    SELECT_FORMAT,
    SELECT_NAME,
    SELECT_UNKNOWN,
    ORDER_FORMAT,
    ORDER_NAME,
    ORDER_UNKNOWN,
    ORDER_DIRECTION,
    FILTER_FORMAT,
    FILTER_NAME,
    FILTER_UNKNOWN,
    LIMIT_FORMAT,
    OFFSET_FORMAT,
    UNSUPPORTED_OPTIONS,
    PERMISSION_UNKNOWN,
];

/// The keys `PARAMS` and `OPTIONS` may hold.
const LIST_PARAMS: &[&str] = &["select", "filter", "order", "limit", "offset"];
const LIST_OPTIONS: &[&str] = &["QUEUE", "CONFIG_QUEUE", "CHECK_PERMISSION"];
/// The actions of the open lines permission map `CHECK_PERMISSION` may name; the emulator's
/// users hold every right, so it filters no line out.
const PERMISSION_ACTIONS: &[&str] = &["VIEW", "PERFORM", "MODIFY"];
/// Lines per page unless `limit` says otherwise, and the most `limit` may ask.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 200;

/// The settings a line can be selected, filtered and sorted by: its identifier and every
/// setting (the queue comes only through `OPTIONS`).
fn is_listed_field(name: &str) -> bool {
    name == "ID" || Line::new_settings().contains_key(name)
}

/// A line's value of a listed field, as text (the identifier too).
fn field_text(line: &Line, name: &str) -> String {
    if name == "ID" {
        return line.id.to_string();
    }
    match line.settings.get(name) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A non-negative whole number, given as a number or as digits.
fn non_negative(value: &Value) -> Option<usize> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().ok()
        }
        _ => None,
    }
}

/// What `PARAMS` asks for, checked as the portal checks it.
struct ListQuery {
    select: Vec<String>,
    filter: Vec<(String, Value)>,
    order: Vec<(String, bool)>,
    limit: usize,
    offset: usize,
}

fn list_query(params: &Map<String, Value>) -> Result<ListQuery, MethodFailure> {
    let empty = Map::new();
    let asked = match params.get("PARAMS") {
        Some(Value::Object(asked)) => asked,
        _ => &empty,
    };
    if asked.keys().any(|key| !LIST_PARAMS.contains(&key.as_str())) {
        return Err(UNSUPPORTED_PARAMS);
    }
    let mut query = ListQuery {
        select: Vec::new(),
        filter: Vec::new(),
        order: Vec::new(),
        limit: DEFAULT_LIMIT,
        offset: 0,
    };
    if let Some(select) = asked.get("select") {
        let names = php_array(select).ok_or(SELECT_FORMAT)?;
        for name in names {
            let name = name
                .as_str()
                .filter(|n| !n.trim().is_empty())
                .ok_or(SELECT_NAME)?;
            if !is_listed_field(name) {
                return Err(SELECT_UNKNOWN);
            }
            query.select.push(name.to_string());
        }
    }
    if let Some(order) = asked.get("order") {
        let Value::Object(order) = order else {
            return Err(ORDER_FORMAT);
        };
        for (name, direction) in order {
            if name.trim().is_empty() {
                return Err(ORDER_NAME);
            }
            if !is_listed_field(name) {
                return Err(ORDER_UNKNOWN);
            }
            let ascending = match direction.as_str().map(str::to_ascii_uppercase).as_deref() {
                Some("ASC") => true,
                Some("DESC") => false,
                _ => return Err(ORDER_DIRECTION),
            };
            query.order.push((name.clone(), ascending));
        }
    }
    if let Some(filter) = asked.get("filter") {
        let Value::Object(filter) = filter else {
            return Err(FILTER_FORMAT);
        };
        for (name, wanted) in filter {
            if name.trim().is_empty() {
                return Err(FILTER_NAME);
            }
            if !is_listed_field(name) {
                return Err(FILTER_UNKNOWN);
            }
            query.filter.push((name.clone(), wanted.clone()));
        }
    }
    if let Some(limit) = asked.get("limit") {
        query.limit = non_negative(limit).ok_or(LIMIT_FORMAT)?.min(MAX_LIMIT);
    }
    if let Some(offset) = asked.get("offset") {
        query.offset = non_negative(offset).ok_or(OFFSET_FORMAT)?;
    }
    Ok(query)
}

/// Whether a line's value matches a filter's: equal as text, or one of a list's.
fn matches(line: &Line, name: &str, wanted: &Value) -> bool {
    let have = field_text(line, name);
    // Compared as the portal keeps settings: text, flags as `Y`/`N`.
    let text = |value: &Value| match kept(value) {
        Value::String(text) => text,
        other => other.to_string(),
    };
    match wanted {
        Value::Array(_) | Value::Object(_) => php_array(wanted)
            .unwrap_or_default()
            .into_iter()
            .any(|item| text(item) == have),
        scalar => text(scalar) == have,
    }
}

/// The order of two lines by one field: numerically when both are numbers, else as text.
fn compare(a: &Line, b: &Line, name: &str) -> std::cmp::Ordering {
    let (a, b) = (field_text(a, name), field_text(b, name));
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(&b),
    }
}

/// An `OPTIONS` flag: a single value, on when `Y`.
fn option_on(
    options: &Map<String, Value>,
    name: &str,
    format_error: MethodFailure,
) -> Result<bool, MethodFailure> {
    match options.get(name) {
        None => Ok(false),
        Some(Value::Array(_) | Value::Object(_)) => Err(format_error),
        Some(value) => {
            Ok(matches!(value, Value::String(s) if s == "Y") || *value == Value::Bool(true))
        }
    }
}

/// `imopenlines.config.list.get`: the lines filtered, sorted and paged as `PARAMS` asks, each
/// with the settings selected (all when none are) and what `OPTIONS` adds.
pub(crate) fn list(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Value, MethodFailure> {
    let query = list_query(params)?;
    let empty = Map::new();
    let options = match params.get("OPTIONS") {
        Some(Value::Object(options)) => options,
        _ => &empty,
    };
    if options
        .keys()
        .any(|key| !LIST_OPTIONS.contains(&key.as_str()))
    {
        return Err(UNSUPPORTED_OPTIONS);
    }
    let with_queue = option_on(options, "QUEUE", QUEUE_FORMAT)?;
    let with_config_queue = option_on(options, "CONFIG_QUEUE", CONFIG_QUEUE_FORMAT)?;
    if let Some(action) = options.get("CHECK_PERMISSION") {
        let known = action
            .as_str()
            .is_some_and(|a| PERMISSION_ACTIONS.contains(&a.to_ascii_uppercase().as_str()));
        if !known {
            return Err(PERMISSION_UNKNOWN);
        }
    }
    let mut lines: Vec<&Line> = state
        .lines
        .iter()
        .filter(|line| {
            query
                .filter
                .iter()
                .all(|(name, wanted)| matches(line, name, wanted))
        })
        .collect();
    lines.sort_by(|a, b| {
        query
            .order
            .iter()
            .map(|(name, ascending)| {
                let order = compare(a, b, name);
                if *ascending {
                    order
                } else {
                    order.reverse()
                }
            })
            .find(|order| order.is_ne())
            .unwrap_or_else(|| a.id.cmp(&b.id))
    });
    let items = lines
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .map(|line| {
            let mut item = Map::new();
            item.insert("ID".to_string(), line.id.to_string().into());
            for (name, value) in &line.settings {
                if query.select.is_empty() || query.select.contains(name) {
                    item.insert(name.clone(), value.clone());
                }
            }
            if !query.select.is_empty() && !query.select.iter().any(|n| n == "ID") {
                item.remove("ID");
            }
            if with_queue {
                item.insert("QUEUE".to_string(), json!(line.queue));
                let shown: Map<String, Value> = line
                    .queue
                    .iter()
                    .map(|user| (user.to_string(), queue_user_fields()))
                    .collect();
                item.insert("QUEUE_USERS_FIELDS".to_string(), Value::Object(shown));
            }
            if with_config_queue {
                let entries: Vec<Value> = line
                    .queue
                    .iter()
                    .map(|user| json!({"ENTITY_ID": user.to_string(), "ENTITY_TYPE": "user"}))
                    .collect();
                item.insert("CONFIG_QUEUE".to_string(), Value::Array(entries));
            }
            Value::Object(item)
        })
        .collect();
    Ok(Value::Array(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_line_has_every_documented_setting() {
        let settings = Line::new_settings();
        for name in [
            "LINE_NAME",
            "ACTIVE",
            "QUEUE_TYPE",
            "XML_ID",
            "IGNORE_WELCOME_FORM_RESPONSIBLE",
        ] {
            assert!(settings.contains_key(name), "{name}");
        }
        assert!(is_listed_field("ID") && is_listed_field("WORKTIME_DAYOFF"));
        assert!(!is_listed_field("QUEUE") && !is_listed_field("COLOR"));
    }
}
