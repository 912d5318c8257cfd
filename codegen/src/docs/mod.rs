//! Specs checked against the official documentation (a checkout of `bitrix24/b24restdocs`):
//! [`check`] reports where each spec and its page disagree, [`draft`] writes a first spec from a
//! page. Only facts are read from a page (names, types, required marks, codes, statuses and the
//! portal's error messages), never its prose.

pub mod compare;
pub mod draft;
pub mod page;

use std::path::Path;

pub use compare::Finding;
pub use page::Page;

use crate::spec::Spec;

/// What the check found for one spec.
#[derive(Debug)]
pub struct Report {
    /// The method or event the spec describes.
    pub method: String,
    /// The page's path in the docs repository.
    pub page: String,
    pub outcome: Outcome,
}

#[derive(Debug)]
pub enum Outcome {
    /// The page was read; every disagreement (none: the spec agrees).
    Compared(Vec<Finding>),
    /// The spec's `docs_url` is not a page of the docs site.
    NotADocsUrl,
    /// No such page in the checkout.
    PageMissing,
}

/// Compares every method's and every event's spec with its page under `docs` (the root of a
/// docs checkout).
pub fn check(spec: &Spec, docs: &Path) -> Vec<Report> {
    let methods = spec.methods.iter().map(|method| {
        report(&method.name, &method.docs_url, docs, |page| {
            compare::compare(spec, method, page)
        })
    });
    let events = spec.events.iter().map(|event| {
        report(&event.name, &event.docs_url, docs, |page| {
            compare::compare_event(spec, event, page)
        })
    });
    methods.chain(events).collect()
}

/// One spec's report: its page read from `docs` and compared.
fn report(
    name: &str,
    docs_url: &str,
    docs: &Path,
    compare: impl FnOnce(&Page) -> Vec<Finding>,
) -> Report {
    let Some(path) = draft::page_path(docs_url) else {
        return Report {
            method: name.to_string(),
            page: docs_url.to_string(),
            outcome: Outcome::NotADocsUrl,
        };
    };
    let outcome = match std::fs::read_to_string(docs.join(&path)) {
        Ok(text) => Outcome::Compared(compare(&Page::parse(&text))),
        Err(_) => Outcome::PageMissing,
    };
    Report {
        method: name.to_string(),
        page: path,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::compare::{compare, Finding};
    use super::draft::{draft, page_path};
    use super::page::Page;
    use crate::spec::{self, Spec};

    fn repository_spec() -> Spec {
        spec::load(&crate::default_root()).expect("the repository's specs load")
    }

    /// A page for `imopenlines.session.mode.pin` in the docs' layout (text of our own) that
    /// disagrees with the spec in every way the check knows.
    const DRIFTED_PIN: &str = "# Pin it imopenlines.session.mode.pin

> Scope: [`imopenlines`](../scopes.md)

## Method Parameters

#|
|| **Name**
`type` | **Description** ||
|| **CHAT_ID**
[`string`](../data-types.md) | Which chat. ||
|| **ACTIVATE**
[`string`](../data-types.md) | On or off. ||
|| **REASON**
[`string`](../data-types.md) | Why. ||
|#

## Response Handling

### Returned Data

#|
|| **Name**
`type` | **Description** ||
|| **result**
[`object`](../data-types.md) | Something else now. ||
|#

## Error Handling

#|
|| **Status** | **Code** | **Description** | **Value** ||
|| `400` | `CHAT_ID_EMPTY` | Chat ID can't be empty | none given ||
|| `404` | `CHAT_ID` | Invalid chat identifier provided | no such chat ||
|| `400` | `CHAT_TYPE` | The specified chat is not an open line | another chat ||
|| `400` | `ACCESS_DENIED` | No access | not yours ||
|| `400` | `ERROR_USER_NOT_OPERATOR` | Not an operator | back again ||
|| `400` | `PIN_LIMIT` | Too many pins | a new code ||
|#
";

    #[test]
    fn every_kind_of_disagreement_is_found() {
        let spec = repository_spec();
        let pin = spec
            .methods
            .iter()
            .find(|m| m.name == "imopenlines.session.mode.pin")
            .unwrap();
        let findings = compare(&spec, pin, &Page::parse(DRIFTED_PIN));
        let expected = [
            Finding::ParamRequired {
                name: "CHAT_ID".into(),
                spec: true,
                page: false,
            },
            Finding::ParamType {
                name: "CHAT_ID".into(),
                spec: "integer".into(),
                page: "string".into(),
            },
            Finding::ParamMissingInSpec {
                name: "REASON".into(),
                page_type: "string".into(),
            },
            Finding::ResultType {
                spec: "boolean".into(),
                page: "object".into(),
            },
            Finding::ErrorStatus {
                code: "CHAT_ID".into(),
                spec: 400,
                page: 404,
            },
            Finding::LegacyErrorOnPage {
                code: "ERROR_USER_NOT_OPERATOR".into(),
            },
            Finding::ErrorMissingInSpec {
                code: "PIN_LIMIT".into(),
                status: Some(400),
            },
            Finding::ErrorNotOnPage {
                code: "USER_ID".into(),
            },
        ];
        assert_eq!(findings, expected);
    }

    #[test]
    fn enum_values_are_compared_with_the_values_a_page_lists() {
        let spec = repository_spec();
        let method = |name: &str| spec.methods.iter().find(|m| m.name == name).unwrap();
        let page = "# imopenlines.crm.chat.get\n\n## Method Parameters\n\n#|\n\
            || **Name**\n`type` | **Description** ||\n\
            || **CRM_ENTITY_TYPE***\n[`string`](x) | The kind. Possible values:\n\
            - `lead` — a lead\n- `deal` — a deal\n- `quote` — a quote ||\n\
            || **CRM_ENTITY***\n[`integer`](x) | The record. Possible fields:\n- `ID` — no value ||\n\
            || **ACTIVE_ONLY**\n[`string`](x) | Possible values:\n- `Y` — yes\n- `N` — no ||\n|#\n";
        let page = Page::parse(page);
        assert_eq!(page.params[0].values, ["lead", "deal", "quote"]);
        assert!(page.params[1].values.is_empty(), "fields are not values");
        let findings = compare(&spec, method("imopenlines.crm.chat.get"), &page);
        let values: Vec<&Finding> = findings
            .iter()
            .filter(|f| matches!(f, Finding::EnumValues { .. }))
            .collect();
        let expected = Finding::EnumValues {
            name: "CRM_ENTITY_TYPE".into(),
            not_on_page: vec!["company".into(), "contact".into()],
            not_in_spec: vec!["quote".into()],
        };
        assert_eq!(values, [&expected], "a flag's Y/N are not an enum's values");
        assert_eq!(
            expected.to_string(),
            "values of CRM_ENTITY_TYPE: the page lists quote, the spec does not; \
             the spec names company, contact, the page does not"
        );

        // A result field's enum, in a nested table as well.
        let settings = "# imopenlines.config.get\n\n## Response Handling\n\n### Returned Data\n\n#|\n\
            || **Name**\n`type` | **Description** ||\n\
            || **result**\n[`object`](x) | The settings [(details)](#result) ||\n|#\n\n\
            #### result {#result}\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
            || **QUEUE_TYPE**\n[`string`](x) | Possible values:\n- `evenly` — x\n- `strictly` — x\n- `all` — x ||\n\
            || **TYPE_MAX_CHAT**\n[`string`](x) | Possible values:\n- `answered` — x ||\n|#\n";
        let findings = compare(
            &spec,
            method("imopenlines.config.get"),
            &Page::parse(settings),
        );
        let values: Vec<String> = findings
            .iter()
            .filter(|f| matches!(f, Finding::EnumValues { .. }))
            .map(Finding::to_string)
            .collect();
        assert_eq!(
            values,
            ["values of result.TYPE_MAX_CHAT: the spec names answered_new, closed, the page does not"]
        );
    }

    #[test]
    fn a_page_that_says_what_the_spec_says_has_no_findings() {
        let spec = repository_spec();
        let pin_all = spec
            .methods
            .iter()
            .find(|m| m.name == "imopenlines.session.mode.pinAll")
            .unwrap();
        let page = "# Pin all imopenlines.session.mode.pinAll\n\n> Scope: [`imopenlines`](x)\n\n\
            ## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
            || **result**\n[`array`](x) | Pinned chats. ||\n|#\n\n## Error Handling\n\n#|\n\
            || **Status** | **Code** | **Description** | **Value** ||\n|#\n";
        let documented: Vec<String> = pin_all.errors.iter().map(|e| e.code.clone()).collect();
        let findings = compare(&spec, pin_all, &Page::parse(page));
        let expected: Vec<Finding> = documented
            .into_iter()
            .map(|code| Finding::ErrorNotOnPage { code })
            .collect();
        assert_eq!(findings, expected, "only the error table differs");
    }

    #[test]
    fn a_draft_is_a_spec_once_its_todos_are_written() {
        let page = Page::parse(
            "# Start a thing imopenlines.thing.start\n\n> Scope: [`imopenlines`](x)\n\n\
             ## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
             || **THING_ID***\n[`integer`](x) | Which. ||\n|| **NOTE**\n[`string`](x) | Why. ||\n|#\n\n\
             ## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
             || **result**\n[`boolean`](x) | Done. ||\n|#\n\n## Error Handling\n\n#|\n\
             || **Status** | **Code** | **Description** | **Value** ||\n\
             || `400` | `THING_ID_EMPTY` | Thing ID can't be \"empty\" | none ||\n|#\n",
        );
        let path = "api-reference/imopenlines/things/imopenlines-thing-start.md";
        let text = draft(&page, path);
        assert!(text.contains("docs_url: https://apidocs.bitrix24.com/api-reference/imopenlines/things/imopenlines-thing-start.html"), "{text}");
        assert_eq!(
            page_path("https://apidocs.bitrix24.com/api-reference/imopenlines/things/imopenlines-thing-start.html").as_deref(),
            Some(path)
        );
        let root = crate::default_root();
        let read = |file: &str| std::fs::read_to_string(root.join(file)).unwrap();
        let (common, system) = (read(spec::COMMON_FILE), read(spec::SYSTEM_ERRORS_FILE));
        let file = "spec/methods/imopenlines.thing.start.yaml";
        assert!(
            spec::load_texts(&common, &system, &[(file, &text)]).is_err(),
            "a draft with TODOs must not load"
        );
        let written = text
            .replace("idempotent: TODO", "idempotent: false #")
            .replace("TODO", "Written by a person.");
        let loaded = spec::load_texts(&common, &system, &[(file, &written)])
            .unwrap_or_else(|e| panic!("{e}\n{written}"));
        let method = &loaded.methods[0];
        assert_eq!(method.name, "imopenlines.thing.start");
        assert_eq!(method.params.len(), 2);
        assert!(method.params[0].required && !method.params[1].required);
        assert_eq!(method.errors[0].code, "THING_ID_EMPTY");
        assert_eq!(method.errors[0].meaning, "Thing ID can't be \"empty\"");
    }

    #[test]
    fn a_draft_gives_listed_values_as_a_flag_or_an_enum_to_name() {
        let page = Page::parse(
            "# imopenlines.thing.bind\n\n> Scope: [`imopenlines`](x)\n\n\
             ## Method Parameters\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
             || **KIND***\n[`string`](x) | The kind. Possible values:\n- `lead` — a lead\n- `deal` — a deal ||\n\
             || **ACTIVE**\n[`string`](x) | Whether. Possible values:\n- `Y` — yes\n- `N` — no ||\n\
             || **PRIORITY**\n[`integer`](x) | How urgent. Possible values:\n- `1` — low\n- `2` — high ||\n|#\n\n\
             ## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
             || **result**\n[`boolean`](x) | Done. ||\n|#\n",
        );
        let text = draft(&page, "api-reference/imopenlines/imopenlines-thing-bind.md");
        assert!(
            text.contains("  - wire: \"ACTIVE\"\n    type: flag\n    values: [\"Y\", \"N\"]\n"),
            "{text}"
        );
        assert!(
            text.contains("enums:\n  - name: TODO  # PascalCase, for KIND\n"),
            "{text}"
        );
        assert!(
            text.contains("      - wire: \"lead\"\n        doc: TODO\n      - wire: \"deal\"\n"),
            "{text}"
        );
        // Integer codes: written as numbers, each to be named.
        assert!(
            text.contains("      - wire: 1\n        name: TODO  # snake_case, for code 1\n"),
            "{text}"
        );

        // Named by a person, the enum is the parameter's type.
        let root = crate::default_root();
        let read = |file: &str| std::fs::read_to_string(root.join(file)).unwrap();
        let (common, system) = (read(spec::COMMON_FILE), read(spec::SYSTEM_ERRORS_FILE));
        let written = text
            .replacen("type: TODO  # the name", "type: ThingKind  # the name", 1)
            .replacen(
                "name: TODO  # PascalCase",
                "name: ThingKind  # PascalCase",
                1,
            )
            .replace("type: TODO  # the name", "type: ThingPriority  # the name")
            .replace(
                "name: TODO  # PascalCase",
                "name: ThingPriority  # PascalCase",
            )
            .replace("name: TODO  # snake_case, for code 1", "name: low #")
            .replace("name: TODO  # snake_case, for code 2", "name: high #")
            .replace("idempotent: TODO", "idempotent: false #")
            .replace("default: TODO", "default: \"N\" #")
            .replace("TODO", "Written by a person.");
        let file = "spec/methods/imopenlines.thing.bind.yaml";
        let loaded = spec::load_texts(&common, &system, &[(file, &written)])
            .unwrap_or_else(|e| panic!("{e}\n{written}"));
        let method = &loaded.methods[0];
        assert_eq!(method.params[0].enum_name.as_deref(), Some("ThingKind"));
        assert_eq!(method.enums[0].values.len(), 2);
        assert!(method.params[1].flag.is_some());
        assert_eq!(method.params[2].ty, spec::model::ParamType::IntegerEnum);
        let priority = &method.enums[1];
        assert!(priority.integer);
        assert_eq!(
            priority
                .values
                .iter()
                .map(|v| (v.wire.as_str(), v.idents.pascal.as_str()))
                .collect::<Vec<_>>(),
            [("1", "Low"), ("2", "High")]
        );
    }

    #[test]
    fn result_fields_scope_and_method_name_are_compared() {
        let spec = repository_spec();
        let dialog = spec
            .methods
            .iter()
            .find(|m| m.name == "imopenlines.dialog.get")
            .unwrap();
        let page = "# Another imopenlines.dialog.other\n\n> Scope: [`im`](x)\n\n\
            ## Response Handling\n\n### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
            || **result**\n[`object`](x) | [fields](#result) ||\n|#\n\n### Result Object {#result}\n\n\
            #|\n|| **Name**\n`type` | **Description** ||\n|| **id**\n[`string`](x) | Which. ||\n\
            || **shiny**\n[`boolean`](x) | New. ||\n|#\n";
        let findings = compare(&spec, dialog, &Page::parse(page));
        let absent = |f: &&Finding| {
            matches!(
                f,
                Finding::ParamNotOnPage { .. }
                    | Finding::FieldNotOnPage { .. }
                    | Finding::ErrorNotOnPage { .. }
            )
        };
        let present: Vec<Finding> = findings.iter().filter(|f| !absent(f)).cloned().collect();
        assert_eq!(
            present,
            [
                Finding::OtherMethod {
                    page: "imopenlines.dialog.other".into()
                },
                Finding::Scope {
                    spec: "imopenlines".into(),
                    page: "im".into()
                },
                Finding::FieldType {
                    name: "result.id".into(),
                    spec: "integer".into(),
                    page: "string".into()
                },
                Finding::FieldMissingInSpec {
                    name: "result.shiny".into(),
                    page_type: "boolean".into()
                },
            ]
        );
        let not_on_page = findings
            .iter()
            .filter(|f| matches!(f, Finding::FieldNotOnPage { .. }))
            .count();
        assert_eq!(not_on_page, dialog.result.fields.len() - 1);
        assert!(findings.iter().any(|f| *f
            == Finding::ParamNotOnPage {
                name: "CHAT_ID".into()
            }));
    }

    #[test]
    fn nested_objects_are_compared_through_the_tables_their_rows_link() {
        let spec = repository_spec();
        let dialog = spec
            .methods
            .iter()
            .find(|m| m.name == "imopenlines.dialog.get")
            .unwrap();
        // Two levels: last_message_views → first_viewers (a list of objects); and a link to a
        // table the page lacks, which is not followed.
        let page = "# Get imopenlines.dialog.get\n\n## Response Handling\n\n\
            ### Returned Data\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
            || **result**\n[`object`](x) | [fields](#result) ||\n|#\n\n\
            ### Result Object {#result}\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
            || **last_message_views**\n[`object`](x) | Views [(more)](#views) ||\n\
            || **restrictions**\n[`object`](x) | Rights [(more)](#nowhere) ||\n|#\n\n\
            ### Views {#views}\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
            || **message_id**\n[`integer`](x) | Which. ||\n\
            || **first_viewers**\n[`array`](x) | Who [(more)](#viewer) ||\n|#\n\n\
            ### Viewer {#viewer}\n\n#|\n|| **Name**\n`type` | **Description** ||\n\
            || **user_id**\n[`string`](x) | Who. ||\n|| **avatar**\n[`string`](x) | New. ||\n|#\n";
        let findings = compare(&spec, dialog, &Page::parse(page));
        let nested: Vec<String> = findings
            .iter()
            .map(ToString::to_string)
            .filter(|f| f.contains("last_message_views."))
            .collect();
        let field = "field result.last_message_views";
        assert_eq!(
            nested,
            [
                format!("{field}.first_viewers.user_id: spec type integer, page type string"),
                format!("{field}.first_viewers.avatar (string) is on the page, not in the spec"),
                format!("{field}.first_viewers.user_name is in the spec, not on the page"),
                format!("{field}.first_viewers.date is in the spec, not on the page"),
                format!("{field}.count_of_viewers is in the spec, not on the page"),
            ]
        );
        assert!(
            !nested.iter().any(|f| f.contains("restrictions.")),
            "{nested:?}"
        );
        assert!(
            !nested
                .iter()
                .any(|f| f.contains("last_message_views.message_id")),
            "{nested:?}"
        );
    }

    #[test]
    fn an_event_is_compared_through_the_tables_its_data_row_links() {
        let spec = repository_spec();
        let event = spec
            .events
            .iter()
            .find(|e| e.name == "OnSessionStart")
            .unwrap();
        // Our own text in the pages' layout: `data` links DATA's table, whose rows link more.
        let page = "# A session began OnSessionStart\n\n> Scope: [`imopenlines`](x)\n\n\
            ## What the Handler Receives\n\n#|\n|| **Parameter**\n`type` | **Description** ||\n\
            || **event***\n[`string`](x) | Its name. ||\n\
            || **data***\n[`object`](x) | What happened [(more)](#data) ||\n|#\n\n\
            ### Parameter data {#data}\n\n#|\n|| **Parameter**\n`type` | **Description** ||\n\
            || **DATA***\n[`array`](x) | Sessions [(more)](#item) ||\n|#\n\n\
            #### Element {#item}\n\n#|\n|| **Parameter**\n`type` | **Description** ||\n\
            || **chat***\n[`object`](x) | The chat [(more)](#chat) ||\n\
            || **mood***\n[`string`](x) | New. ||\n|#\n\n\
            ##### Chat {#chat}\n\n#|\n|| **Parameter**\n`type` | **Description** ||\n\
            || **id***\n[`string`](x) | Which. ||\n|#\n";
        let findings: Vec<String> = super::compare::compare_event(&spec, event, &Page::parse(page))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            findings.contains(
                &"field data.DATA.mood (string) is on the page, not in the spec".to_string()
            ),
            "{findings:?}"
        );
        assert!(
            findings.contains(
                &"field data.DATA.chat.id: spec type integer, page type string".to_string()
            ),
            "{findings:?}"
        );
        assert!(
            findings
                .contains(&"field data.DATA.session is in the spec, not on the page".to_string()),
            "{findings:?}"
        );
        let no_data =
            super::compare::compare_event(&spec, event, &Page::parse("# Nothing OnSessionStart\n"));
        assert_eq!(no_data, [Finding::EventDataMissing]);
    }
}
