//! `crm.contact.list` and `crm.contact.get` over seeded contacts: a documented list method with
//! the portal's paging (50 per page, `next`, `total`; `start = -1` without counting), its filter
//! operators, `order` and `select`. The contacts are made from their ID (1..=n, `contacts` in
//! the state), so thousands of them cost no memory and every run sees the same data.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use super::{php_intval, Answer, Caller, MethodFailure};
use crate::state::PortalState;

/// The portal's page size for list methods.
const PAGE: u64 = 50;

const NOT_FOUND: MethodFailure = MethodFailure {
    status: 400,
    code: "",
    description: "Not found",
};
const NO_ID: MethodFailure = MethodFailure {
    status: 400,
    code: "",
    description: "ID is not defined or invalid.",
};
pub(crate) const CONTACT_GET_ERRORS: &[MethodFailure] = &[NOT_FOUND, NO_ID];

const NAMES: [&str; 8] = [
    "Anna", "Boris", "Clara", "Denis", "Elena", "Fedor", "Galina", "Ivan",
];
const LAST_NAMES: [&str; 7] = [
    "Ivanova",
    "Petrov",
    "Sidorova",
    "Smirnov",
    "Kuznetsova",
    "Popov",
    "Volkova",
];
const TYPES: [&str; 3] = ["CLIENT", "PARTNER", "SUPPLIER"];

/// A contact's fields, in the order the portal sends them.
const FIELDS: [&str; 7] = [
    "ID",
    "NAME",
    "LAST_NAME",
    "TYPE_ID",
    "ASSIGNED_BY_ID",
    "DATE_CREATE",
    "OPENED",
];

/// Field `name` of contact `id` as the portal sends it: every value a string, as CRM list methods
/// do. Made on demand, so a filter or a sort over thousands of contacts builds no records.
fn field(id: u64, name: &str) -> Option<Value> {
    Some(json!(match name {
        "ID" => id.to_string(),
        "NAME" => NAMES[(id % 8) as usize].to_string(),
        "LAST_NAME" => LAST_NAMES[(id * 3 % 7) as usize].to_string(),
        "TYPE_ID" => TYPES[(id % 3) as usize].to_string(),
        "ASSIGNED_BY_ID" => (id % 2 + 1).to_string(),
        "DATE_CREATE" => format!(
            "2026-{:02}-{:02}T10:{:02}:00+00:00",
            id % 12 + 1,
            id % 28 + 1,
            id % 60
        ),
        "OPENED" => (if id % 5 == 0 { "N" } else { "Y" }).to_string(),
        _ => return None,
    }))
}

/// Contact `id` whole.
fn contact(id: u64) -> Map<String, Value> {
    FIELDS
        .iter()
        .filter_map(|f| field(id, f).map(|v| (f.to_string(), v)))
        .collect()
}

/// A parameter the portal reads whatever its case (`filter`, `FILTER`).
fn param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    params
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// `crm.contact.list`: `filter` (`>ID`, `>=`, `<`, `<=`, `=`, `!`/`!=`, `%` for "contains", `@`
/// for "one of"), `order` (`{"ID": "ASC"}`, any field), `select` (field names, `*` for all),
/// `start` (the offset; `-1` for a page without `total`).
pub(crate) fn contact_list(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Answer, MethodFailure> {
    let filter = Filter::read(param(params, "filter"));
    let start = php_intval(param(params, "start"));
    let counted = start >= 0;
    let offset = start.max(0) as usize;
    let order = match param(params, "order") {
        Some(Value::Object(order)) => Some(order),
        _ => None,
    };
    // Contacts are made in ID order; without counting, a page in that order needs no more than
    // its own items (the portal's `start = -1` saves the same work).
    let in_id_order = order.is_none_or(|o| {
        o.iter().all(|(field, direction)| {
            field.eq_ignore_ascii_case("id")
                && direction
                    .as_str()
                    .is_some_and(|d| d.eq_ignore_ascii_case("asc"))
        })
    });
    let enough = (!counted && in_id_order).then_some(offset + PAGE as usize);
    let (low, high) = filter.id_bounds(state.contacts);
    let mut matching: Vec<u64> = Vec::new();
    for id in low..=high {
        if filter.admits(id) {
            matching.push(id);
            if enough.is_some_and(|n| matching.len() >= n) {
                break;
            }
        }
    }
    if let Some(order) = order.filter(|_| !in_id_order) {
        for (name, direction) in order.iter().rev() {
            let descending = direction
                .as_str()
                .is_some_and(|d| d.eq_ignore_ascii_case("desc"));
            let name = name.to_ascii_uppercase();
            // Stable sorts, least significant field first.
            if descending {
                matching.sort_by_cached_key(|id| std::cmp::Reverse(SortKey(field(*id, &name))));
            } else {
                matching.sort_by_cached_key(|id| SortKey(field(*id, &name)));
            }
        }
    }
    let page: Vec<Value> = matching
        .iter()
        .skip(offset)
        .take(PAGE as usize)
        .map(|id| Value::Object(selected(&contact(*id), param(params, "select"))))
        .collect();
    let total = matching.len() as u64;
    let next = offset as u64 + PAGE;
    Ok(Answer {
        result: Value::Array(page),
        // Without counting the portal reports a total of 0 and no next page.
        total: Some(if counted { total } else { 0 }),
        next: (counted && next < total).then_some(next),
    })
}

/// `crm.contact.get`: the contact with `ID`.
pub(crate) fn contact_get(
    state: &mut PortalState,
    _: &Caller,
    params: &Map<String, Value>,
) -> Result<Answer, MethodFailure> {
    let id = php_intval(param(params, "id"));
    if id <= 0 {
        return Err(NO_ID);
    }
    let id = id as u64;
    if id > state.contacts {
        return Err(NOT_FOUND);
    }
    Ok(Value::Object(contact(id)).into())
}

fn selected(contact: &Map<String, Value>, select: Option<&Value>) -> Map<String, Value> {
    let fields: Vec<String> = match select {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_uppercase)
            .collect(),
        // PHP form keys make a list an object keyed 0, 1, …
        Some(Value::Object(map)) => map
            .values()
            .filter_map(Value::as_str)
            .map(str::to_ascii_uppercase)
            .collect(),
        _ => Vec::new(),
    };
    if fields.is_empty() || fields.iter().any(|f| f == "*") {
        return contact.clone();
    }
    let mut out = Map::new();
    // ID always comes back, as on a portal.
    for field in std::iter::once("ID".to_string()).chain(fields) {
        if let Some(value) = contact.get(&field) {
            out.insert(field, value.clone());
        }
    }
    out
}

/// A field's value as a sort key, ordered by [`compare`].
#[derive(PartialEq)]
struct SortKey(Option<Value>);

impl Eq for SortKey {}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(self.0.as_ref(), other.0.as_ref())
    }
}

/// Numbers compare as numbers (IDs are numeric strings), anything else as text.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (a, b) = (text(a), text(b));
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(&b),
    }
}

enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Contains,
    In,
}

struct Filter(Vec<(Op, String, Value)>);

impl Filter {
    fn read(filter: Option<&Value>) -> Filter {
        let Some(Value::Object(conditions)) = filter else {
            return Filter(Vec::new());
        };
        let mut parsed = Vec::new();
        for (key, value) in conditions {
            let (op, field) = [
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
                ("!", Op::Ne),
                ("%", Op::Contains),
                ("@", Op::In),
            ]
            .into_iter()
            .find_map(|(prefix, op)| key.strip_prefix(prefix).map(|field| (op, field)))
            .unwrap_or((Op::Eq, key.as_str()));
            parsed.push((op, field.to_ascii_uppercase(), value.clone()));
        }
        Filter(parsed)
    }

    /// The IDs a contact must lie between, from the filter's conditions on `ID`.
    fn id_bounds(&self, count: u64) -> (u64, u64) {
        let (mut low, mut high) = (1u64, count);
        for (op, field, wanted) in &self.0 {
            if field != "ID" {
                continue;
            }
            let Some(n) = (match wanted {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            }) else {
                continue;
            };
            match op {
                Op::Gt => low = low.max((n.floor() + 1.0).max(1.0) as u64),
                Op::Ge => low = low.max(n.ceil().max(1.0) as u64),
                Op::Lt => high = high.min((n.ceil() - 1.0).max(0.0) as u64),
                Op::Le => high = high.min(n.floor().max(0.0) as u64),
                Op::Eq => {
                    low = low.max(n.max(1.0) as u64);
                    high = high.min(n.max(0.0) as u64);
                }
                _ => {}
            }
        }
        (low, high)
    }

    fn admits(&self, id: u64) -> bool {
        self.0.iter().all(|(op, name, wanted)| {
            let have = field(id, name);
            let have = have.as_ref();
            match op {
                Op::Eq => compare(have, Some(wanted)) == Ordering::Equal,
                Op::Ne => compare(have, Some(wanted)) != Ordering::Equal,
                Op::Gt => compare(have, Some(wanted)) == Ordering::Greater,
                Op::Ge => compare(have, Some(wanted)) != Ordering::Less,
                Op::Lt => compare(have, Some(wanted)) == Ordering::Less,
                Op::Le => compare(have, Some(wanted)) != Ordering::Greater,
                Op::Contains => {
                    let needle = wanted.as_str().unwrap_or_default().to_lowercase();
                    have.and_then(Value::as_str)
                        .is_some_and(|h| h.to_lowercase().contains(&needle))
                }
                Op::In => {
                    let options: Vec<&Value> = match wanted {
                        Value::Array(list) => list.iter().collect(),
                        Value::Object(map) => map.values().collect(),
                        other => vec![other],
                    };
                    options
                        .iter()
                        .any(|o| compare(have, Some(o)) == Ordering::Equal)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(contacts: u64, params: Value) -> Answer {
        let mut state = PortalState {
            contacts,
            ..PortalState::default()
        };
        let Value::Object(params) = params else {
            panic!()
        };
        contact_list(
            &mut state,
            &Caller {
                user_id: 1,
                app: None,
            },
            &params,
        )
        .unwrap()
    }

    fn ids(answer: &Answer) -> Vec<u64> {
        answer
            .result
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ID"].as_str().unwrap().parse().unwrap())
            .collect()
    }

    #[test]
    fn counted_pages() {
        let first = list(120, json!({}));
        assert_eq!(ids(&first), (1..=50).collect::<Vec<_>>());
        assert_eq!((first.total, first.next), (Some(120), Some(50)));
        let last = list(120, json!({"start": 100}));
        assert_eq!(ids(&last), (101..=120).collect::<Vec<_>>());
        assert_eq!((last.total, last.next), (Some(120), None));
    }

    #[test]
    fn large_list_walk_by_id() {
        let page = list(
            120,
            json!({"order": {"ID": "ASC"}, "filter": {">ID": 100}, "start": -1, "select": ["ID", "NAME"]}),
        );
        assert_eq!(ids(&page), (101..=120).collect::<Vec<_>>());
        assert_eq!((page.total, page.next), (Some(0), None));
        let first = page.result[0].as_object().unwrap();
        assert_eq!(first.keys().collect::<Vec<_>>(), ["ID", "NAME"]);
    }

    #[test]
    fn filters_order_and_form_values() {
        // Form-encoded values are strings: "50" still compares as a number.
        let page = list(
            300,
            json!({"filter": {"<=ID": "60", "TYPE_ID": "PARTNER", "%NAME": "an"}, "order": {"ID": "DESC"}}),
        );
        let got = ids(&page);
        assert!(
            !got.is_empty() && got.windows(2).all(|w| w[0] > w[1]),
            "{got:?}"
        );
        for c in page.result.as_array().unwrap() {
            assert_eq!(c["TYPE_ID"], "PARTNER");
            assert!(c["NAME"].as_str().unwrap().to_lowercase().contains("an"));
        }
        let chosen = list(300, json!({"filter": {"@ID": ["3", 5, "250"]}}));
        assert_eq!(ids(&chosen), [3, 5, 250]);
    }
}
