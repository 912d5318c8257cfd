//! Fidelity has an owner: every method a spec describes is called on the emulator with the
//! spec's `example`, over HTTP as any client would, and the answer is held against the shapes
//! the specs document — the result's type, each field's presence and type, nothing the spec does
//! not describe, and the `time` object of `spec/common.yaml`. A method added to the spec without
//! emulator behaviour fails here, and so does an emulator answer that drifts from its spec.

use b24kit_codegen::spec::model::{FieldType, Method, ResultType, Spec, TimeFieldType};
use b24kit_tests::{emulator, repo_root};
use serde_json::{json, Map, Value};

/// What is wrong with `answer` (a whole success body) for `method`; empty when it fits.
fn shape_problems(spec: &Spec, method: &Method, answer: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    match answer.get("result") {
        Some(result) => result_problems(method, result, &mut problems),
        None => problems.push(format!("no `result` in {answer}")),
    }
    match answer.get("time").and_then(Value::as_object) {
        Some(time) => time_problems(spec, time, &mut problems),
        None => problems.push(format!("no `time` object in {answer}")),
    }
    problems
}

fn result_problems(method: &Method, result: &Value, problems: &mut Vec<String>) {
    match method.result.ty {
        ResultType::Boolean if !result.is_boolean() => {
            problems.push(format!("result: expected a boolean, got {result}"));
        }
        ResultType::IntegerList => list_problems("result", result, problems),
        ResultType::Object => match result.as_object() {
            Some(object) => object_problems(method, object, problems),
            None => problems.push(format!("result: expected an object, got {result}")),
        },
        ResultType::Boolean => {}
    }
}

/// A list of integers, and not an empty one: an empty list shows nothing of its items' type.
fn list_problems(at: &str, value: &Value, problems: &mut Vec<String>) {
    match value.as_array() {
        Some(items) if items.is_empty() => {
            problems.push(format!(
                "{at}: an empty list checks nothing; change the example"
            ));
        }
        Some(items) => {
            for item in items.iter().filter(|i| !i.is_i64()) {
                problems.push(format!("{at}: {item} is not an integer"));
            }
        }
        None => problems.push(format!("{at}: expected a list of integers, got {value}")),
    }
}

fn object_problems(method: &Method, object: &Map<String, Value>, problems: &mut Vec<String>) {
    for field in &method.result.fields {
        let at = format!("result.{}", field.name);
        match object.get(&field.name) {
            None | Some(Value::Null) if field.required => {
                problems.push(format!("{at}: required by the spec, not sent"));
            }
            None | Some(Value::Null) => {}
            Some(value) => {
                let fits = match field.ty {
                    FieldType::Integer => value.is_i64(),
                    FieldType::String => value.is_string(),
                    FieldType::Boolean => value.is_boolean(),
                    FieldType::IntegerList => {
                        list_problems(&at, value, problems);
                        true
                    }
                };
                if !fits {
                    problems.push(format!("{at}: {value} is not of type {:?}", field.ty));
                }
            }
        }
    }
    for key in object.keys() {
        if !method.result.fields.iter().any(|f| f.name == *key) {
            problems.push(format!(
                "result.{key}: sent, but the spec does not describe it"
            ));
        }
    }
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
                    TimeFieldType::Datetime => value.as_str().is_some_and(|s| {
                        s.len() == 25 && s.as_bytes()[10] == b'T' && s[19..].starts_with(['+', '-'])
                    }),
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
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
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
    let mut good = Map::new();
    for field in &dialog.result.fields {
        let value = match field.ty {
            FieldType::Integer => json!(1),
            FieldType::String => json!("x"),
            FieldType::Boolean => json!(false),
            FieldType::IntegerList => json!([1]),
        };
        good.insert(field.name.clone(), value);
    }
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
    let found = problems("imopenlines.dialog.get", answer(Value::Object(drifted)));
    assert!(found.len() >= 2, "{found:?}");
    assert!(
        found.iter().any(|p| p.contains("result.undocumented")),
        "{found:?}"
    );

    let mut bad_time = answer(json!(true));
    bad_time["time"]["date_start"] = json!("16.03.2026");
    bad_time["time"].as_object_mut().unwrap().remove("finish");
    assert_eq!(
        problems("imopenlines.session.mode.silent", bad_time).len(),
        2
    );
}
