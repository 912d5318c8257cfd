//! The form a portal POSTs to an application's event handler: `event`, `event_handler_id`,
//! `data`, `ts` and `auth`, with PHP's bracketed keys (`data[DATA][0][session][id]=42`), as
//! `http_build_query` writes them — every value text, `true` as `1`, empty lists and `null`
//! left out.

use serde_json::{Map, Value};

/// Who a delivery says it comes from: the `auth` keys a portal sends, tokens included.
pub struct DeliveryAuth<'a> {
    /// The portal's address, e.g. `emulator.b24kit.test`.
    pub domain: &'a str,
    /// The portal's stable identifier.
    pub member_id: &'a str,
    /// The token the portal gave the application at installation.
    pub application_token: &'a str,
    /// The user's access and refresh tokens, when a user caused the event.
    pub user_tokens: Option<(&'a str, &'a str)>,
}

/// The body of one delivery of event `code` (`ONSESSIONSTART`) with its `data`.
pub fn delivery_form(
    code: &str,
    data: &Value,
    auth: &DeliveryAuth,
    event_id: u64,
    ts: i64,
) -> String {
    let mut fields = Map::new();
    fields.insert("event".into(), code.into());
    fields.insert("event_handler_id".into(), 1.into());
    fields.insert("eventId".into(), event_id.into());
    fields.insert("data".into(), data.clone());
    fields.insert("ts".into(), ts.into());
    let mut a = Map::new();
    if let Some((access, _)) = auth.user_tokens {
        a.insert("access_token".into(), access.into());
        a.insert("expires_in".into(), 3600.into());
    }
    a.insert("scope".into(), "imopenlines".into());
    a.insert("domain".into(), auth.domain.into());
    a.insert(
        "server_endpoint".into(),
        "https://oauth.bitrix.info/rest/".into(),
    );
    a.insert("status".into(), "L".into());
    a.insert(
        "client_endpoint".into(),
        format!("https://{}/rest/", auth.domain).into(),
    );
    a.insert("member_id".into(), auth.member_id.into());
    if let Some((_, refresh)) = auth.user_tokens {
        a.insert("refresh_token".into(), refresh.into());
    }
    a.insert("application_token".into(), auth.application_token.into());
    fields.insert("auth".into(), Value::Object(a));
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &fields {
        append(&mut form, name, value);
    }
    form.finish()
}

fn append(form: &mut form_urlencoded::Serializer<'_, String>, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            form.append_pair(name, if *b { "1" } else { "0" });
        }
        Value::Number(n) => {
            form.append_pair(name, &n.to_string());
        }
        Value::String(s) => {
            form.append_pair(name, s);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                append(form, &format!("{name}[{i}]"), item);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                append(form, &format!("{name}[{key}]"), item);
            }
        }
    }
}
