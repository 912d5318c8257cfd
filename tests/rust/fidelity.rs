//! Fidelity has an owner: every method a spec describes is called on the emulator with the
//! spec's `example`, over HTTP as any client would, and the answer is held against the shapes
//! the specs document — the result's type, each field's presence and type, nothing the spec does
//! not describe, and the `time` object of `spec/common.yaml`. A method added to the spec without
//! emulator behaviour fails here, and so does an emulator answer that drifts from its spec.

use b24kit_codegen::spec::model::{FieldType, Method, ResultField, Spec, TimeFieldType};
use b24kit_tests::{emulator, repo_root};
use serde_json::{json, Map, Value};

/// What is wrong with `answer` (a whole success body) for `method`; empty when it fits.
fn shape_problems(spec: &Spec, method: &Method, answer: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    match answer.get("result") {
        Some(result) => {
            let mut seen = Collections::default();
            result_problems(spec, method, result, &mut problems, &mut seen);
            problems.extend(seen.only_ever_empty());
        }
        None => problems.push(format!("no `result` in {answer}")),
    }
    match answer.get("time").and_then(Value::as_object) {
        Some(time) => time_problems(spec, time, &mut problems),
        None => problems.push(format!("no `time` object in {answer}")),
    }
    problems
}

/// Lists and maps met in an answer, by path with any index or key (`users[*].departments`): an
/// empty one shows nothing of its items' type, so each path must be filled at least once.
#[derive(Default)]
struct Collections {
    empty: Vec<(String, String)>,
    filled: std::collections::BTreeSet<String>,
}

impl Collections {
    fn saw(&mut self, path: &str, at: &str, empty: bool) {
        if empty {
            self.empty.push((path.to_string(), at.to_string()));
        } else {
            self.filled.insert(path.to_string());
        }
    }

    fn only_ever_empty(self) -> Vec<String> {
        let mut paths: Vec<&(String, String)> = self
            .empty
            .iter()
            .filter(|(path, _)| !self.filled.contains(path))
            .collect();
        paths.dedup_by(|a, b| a.0 == b.0);
        paths
            .into_iter()
            .map(|(_, at)| format!("{at}: always empty, which checks nothing; change the example"))
            .collect()
    }
}

fn result_problems(
    spec: &Spec,
    method: &Method,
    result: &Value,
    problems: &mut Vec<String>,
    seen: &mut Collections,
) {
    if method.result.type_name.is_some() {
        object_problems(
            spec,
            ("result", "result"),
            &method.result.fields,
            result,
            problems,
            seen,
        );
    } else {
        value_problems(
            spec,
            ("result", "result"),
            &method.result.ty,
            result,
            problems,
            seen,
        );
    }
}

/// A value of `ty` in the form the portal documents (numbers as numbers, PHP's `date('c')`),
/// at `(at, path)`: where it is, and where with any index or key.
fn value_problems(
    spec: &Spec,
    (at, path): (&str, &str),
    ty: &FieldType,
    value: &Value,
    problems: &mut Vec<String>,
    seen: &mut Collections,
) {
    let fits = match ty {
        FieldType::Integer => value.is_i64(),
        FieldType::Number => value.is_number(),
        FieldType::String => value.is_string(),
        // The emulator sends only the values the docs name; a portal may send others.
        FieldType::Enum(name) => value.as_str().is_some_and(|text| names(spec, name, text)),
        // A code, as the emulator sends it: a JSON number.
        FieldType::IntegerEnum(name) => value
            .as_i64()
            .is_some_and(|code| names(spec, name, &code.to_string())),
        FieldType::Boolean => value.is_boolean(),
        FieldType::Datetime => value.as_str().is_some_and(is_php_datetime),
        FieldType::Date => value
            .as_str()
            .is_some_and(|s| b24kit::Date::parse_from_str(s, "%Y-%m-%d").is_ok()),
        FieldType::Json => true,
        FieldType::List(item) => match value.as_array() {
            Some(items) => {
                seen.saw(path, at, items.is_empty());
                let path = format!("{path}[*]");
                for (i, v) in items.iter().enumerate() {
                    let at = format!("{at}[{i}]");
                    value_problems(spec, (&at, &path), item, v, problems, seen);
                }
                true
            }
            None => false,
        },
        FieldType::Map(item) => match value.as_object() {
            Some(entries) => {
                seen.saw(path, at, entries.is_empty());
                let path = format!("{path}[*]");
                for (key, v) in entries {
                    let at = format!("{at}[{key:?}]");
                    value_problems(spec, (&at, &path), item, v, problems, seen);
                }
                true
            }
            None => false,
        },
        FieldType::Object(name) => {
            let fields = &spec
                .object_type(name)
                .expect("the spec resolves its types")
                .fields;
            object_problems(spec, (at, path), fields, value, problems, seen);
            true
        }
    };
    if !fits {
        problems.push(format!("{at}: {value} is not of type {ty}"));
    }
}

fn object_problems(
    spec: &Spec,
    (at, path): (&str, &str),
    fields: &[ResultField],
    value: &Value,
    problems: &mut Vec<String>,
    seen: &mut Collections,
) {
    let Some(object) = value.as_object() else {
        problems.push(format!("{at}: expected an object, got {value}"));
        return;
    };
    for field in fields {
        let at = format!("{at}.{}", field.name);
        let path = format!("{path}.{}", field.name);
        match object.get(&field.name) {
            None if field.required => {
                problems.push(format!("{at}: required by the spec, not sent"))
            }
            Some(Value::Null) if !field.nullable => {
                problems.push(format!("{at}: null, but the spec does not allow it"))
            }
            None | Some(Value::Null) => {}
            Some(value) => value_problems(spec, (&at, &path), &field.ty, value, problems, seen),
        }
    }
    for key in object.keys() {
        if !fields.iter().any(|f| f.name == *key) {
            problems.push(format!(
                "{at}.{key}: sent, but the spec does not describe it"
            ));
        }
    }
}

/// PHP's `date('c')`: `2026-03-16T19:36:06+01:00`.
/// Whether the enum `name` of the spec names the value sent as `wire`.
fn names(spec: &Spec, name: &str, wire: &str) -> bool {
    spec.enums()
        .find(|e| e.name == name)
        .expect("the spec resolves its enums")
        .values
        .iter()
        .any(|v| v.wire == wire)
}

fn is_php_datetime(s: &str) -> bool {
    s.len() == 25 && s.as_bytes()[10] == b'T' && s[19..].starts_with(['+', '-'])
}

fn time_problems(spec: &Spec, time: &Map<String, Value>, problems: &mut Vec<String>) {
    for field in &spec.time.fields {
        let at = format!("time.{}", field.name);
        match time.get(&field.name) {
            None if field.required => problems.push(format!("{at}: required, not sent")),
            None => {}
            Some(value) => {
                let fits = match field.ty {
                    TimeFieldType::Timestamp | TimeFieldType::Seconds => value.is_number(),
                    // PHP's date('c'): 2026-03-16T19:36:06+01:00.
                    TimeFieldType::Datetime => value.as_str().is_some_and(is_php_datetime),
                };
                if !fits {
                    problems.push(format!("{at}: {value} is not of type {:?}", field.ty));
                }
            }
        }
    }
    for key in time.keys() {
        if !spec.time.fields.iter().any(|f| f.name == *key) {
            problems.push(format!(
                "time.{key}: sent, but spec/common.yaml does not describe it"
            ));
        }
    }
}

fn load_spec() -> Spec {
    b24kit_codegen::spec::load(&repo_root()).expect("the specs load")
}

#[tokio::test]
async fn every_specified_method_answers_its_example_in_the_documented_shape() {
    let spec = load_spec();
    let emu = emulator();
    let http = b24kit_tests::raw_http();
    // One emulator for all, in the order of the spec files, so state carries over: `pin` with
    // `N` leaves chat 2043 unpinned for `pinAll` to pin, and `unpinAll` then finds it pinned.
    let mut failures = Vec::new();
    for method in &spec.methods {
        let response = http
            .post(format!("{}{}", emu.webhook_url(), method.name))
            .header("content-type", "application/json")
            .body(Value::Object(method.example.clone()).to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap())
            .unwrap_or_else(|e| json!({"not JSON": e.to_string()}));
        if status != 200 {
            failures.push(format!(
                "{}: the example {:?} got {status} {body}; does the emulator serve it, and is the \
                 example a call that succeeds on its default state?",
                method.name, method.example
            ));
            continue;
        }
        for problem in shape_problems(&spec, method, &body) {
            failures.push(format!("{}: {problem}", method.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The checker itself finds what it is there to find, so a passing run above means something.
#[test]
fn the_checker_finds_each_kind_of_drift() {
    let spec = load_spec();
    let method = |name: &str| spec.methods.iter().find(|m| m.name == name).unwrap();
    let time = json!({"start": 1.5, "finish": 2, "duration": 0.5, "processing": 0,
        "date_start": "2026-03-16T19:36:06+01:00", "date_finish": "2026-03-16T19:36:06+01:00"});
    let answer = |result: Value| json!({"result": result, "time": time});
    let problems = |name: &str, body: Value| shape_problems(&spec, method(name), &body);

    assert_eq!(
        problems("imopenlines.session.mode.silent", answer(json!(true))),
        Vec::<String>::new()
    );
    assert_eq!(
        problems("imopenlines.session.mode.silent", answer(json!("Y"))).len(),
        1
    );
    assert_eq!(
        problems("imopenlines.session.mode.pinAll", answer(json!([1, 2]))),
        Vec::<String>::new()
    );
    assert_eq!(
        problems("imopenlines.session.mode.pinAll", answer(json!(["1"]))).len(),
        1
    );
    assert_eq!(
        problems("imopenlines.session.mode.pinAll", answer(json!([]))).len(),
        1
    );

    let dialog = method("imopenlines.dialog.get");
    let Value::Object(good) = sample(&spec, &dialog.result.fields) else {
        unreachable!()
    };
    let found = problems(
        "imopenlines.dialog.get",
        answer(Value::Object(good.clone())),
    );
    assert_eq!(found, Vec::<String>::new());
    let required = dialog.result.fields.iter().find(|f| f.required).unwrap();
    let mut drifted = good.clone();
    drifted.remove(&required.name);
    drifted.insert("id".into(), json!("1763"));
    drifted.insert("undocumented".into(), json!(1));
    drifted["last_message_views"]["first_viewers"][0]["date"] = json!("16.03.2026");
    drifted["readed_list"][0]["surprise"] = json!(true);
    drifted["restrictions"]["call"] = Value::Null;
    drifted["mute_list"] = json!([]);
    let found = problems("imopenlines.dialog.get", answer(Value::Object(drifted)));
    for expected in [
        "result.id: \"1763\" is not of type integer",
        "result.undocumented: sent",
        "result.last_message_views.first_viewers[0].date: \"16.03.2026\" is not of type datetime",
        "result.readed_list[0].surprise: sent",
        "result.restrictions.call: null",
        "result.mute_list: always empty",
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(expected)),
            "{expected} in {found:?}"
        );
    }
    // Nullable values may be null.
    let mut nulls = good.clone();
    nulls["readed_list"][0]["date"] = Value::Null;
    nulls["description"] = Value::Null;
    assert_eq!(
        problems("imopenlines.dialog.get", answer(Value::Object(nulls))),
        Vec::<String>::new()
    );

    // An enum's value is one the spec names: the emulator plays only documented values.
    let line = method("imopenlines.config.get");
    let Value::Object(mut settings) = sample(&spec, &line.result.fields) else {
        unreachable!()
    };
    assert_eq!(
        problems(
            "imopenlines.config.get",
            answer(Value::Object(settings.clone()))
        ),
        Vec::<String>::new()
    );
    settings.insert("QUEUE_TYPE".into(), json!("randomly"));
    settings.insert("WORKTIME_DAYOFF".into(), json!(["SA", "Sunday"]));
    let found = problems("imopenlines.config.get", answer(Value::Object(settings)));
    for expected in [
        "result.QUEUE_TYPE: \"randomly\" is not of type QueueDistribution",
        "result.WORKTIME_DAYOFF[1]: \"Sunday\" is not of type Weekday",
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(expected)),
            "{expected} in {found:?}"
        );
    }

    let mut bad_time = answer(json!(true));
    bad_time["time"]["date_start"] = json!("16.03.2026");
    bad_time["time"].as_object_mut().unwrap().remove("finish");
    assert_eq!(
        problems("imopenlines.session.mode.silent", bad_time).len(),
        2
    );
}

/// An object with every field of `fields` set to a value of its type, nested objects and list
/// items included.
fn sample(spec: &Spec, fields: &[ResultField]) -> Value {
    fn value(spec: &Spec, ty: &FieldType) -> Value {
        match ty {
            FieldType::Integer => json!(1),
            FieldType::Number => json!(0.5),
            FieldType::String => json!("x"),
            FieldType::Enum(name) => {
                json!(spec.enums().find(|e| e.name == *name).unwrap().values[0].wire)
            }
            FieldType::IntegerEnum(name) => {
                let code = &spec.enums().find(|e| e.name == *name).unwrap().values[0].wire;
                json!(code.parse::<i64>().unwrap())
            }
            FieldType::Boolean => json!(false),
            FieldType::Datetime => json!("2026-03-16T19:36:06+01:00"),
            FieldType::Date => json!("2026-03-16"),
            FieldType::Json => json!({"any": [1]}),
            FieldType::List(item) => json!([value(spec, item)]),
            FieldType::Map(item) => json!({"7": value(spec, item)}),
            FieldType::Object(name) => sample(spec, &spec.object_type(name).unwrap().fields),
        }
    }
    Value::Object(
        fields
            .iter()
            .map(|f| (f.name.clone(), value(spec, &f.ty)))
            .collect(),
    )
}
