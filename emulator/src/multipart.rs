//! `multipart/form-data` bodies (RFC 7578), which every REST method accepts besides JSON and
//! URL-encoded forms. Each field's name goes through the same PHP-style key decoding as a form
//! (`FIELDS[NAME]`); a part with a `filename` is a file upload, which PHP keeps apart from the
//! parameters (`$_FILES`), so it is not a parameter here either.

use serde_json::{Map, Value};

use crate::php_form;

/// The boundary of a `multipart/form-data` content type, or `None` for any other type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    let media = parts.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parts.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

/// Decodes the fields of a multipart body into `into`; later fields replace earlier ones, as in
/// PHP. Malformed parts are skipped, as PHP skips them, rather than failing the call.
pub(crate) fn decode_into(body: &[u8], boundary: &str, into: &mut Map<String, Value>) {
    let delimiter = format!("--{boundary}").into_bytes();
    for part in split(body, &delimiter).into_iter().skip(1) {
        if part.starts_with(b"--") {
            break; // the closing delimiter
        }
        let part = strip_line_end(strip_line_start(part));
        let Some((headers, value)) = split_headers(part) else {
            continue;
        };
        let Some(disposition) = header(headers, "content-disposition") else {
            continue;
        };
        if parameter(&disposition, "filename").is_some() {
            continue;
        }
        if let Some(name) = parameter(&disposition, "name") {
            php_form::insert_pair(&name, String::from_utf8_lossy(value).into_owned(), into);
        }
    }
}

fn split<'a>(body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = body;
    while let Some(at) = find(rest, delimiter) {
        pieces.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    pieces.push(rest);
    pieces
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn strip_line_start(part: &[u8]) -> &[u8] {
    part.strip_prefix(b"\r\n")
        .or_else(|| part.strip_prefix(b"\n"))
        .unwrap_or(part)
}

fn strip_line_end(part: &[u8]) -> &[u8] {
    part.strip_suffix(b"\r\n")
        .or_else(|| part.strip_suffix(b"\n"))
        .unwrap_or(part)
}

/// A part's header block and its content, split at the first blank line.
fn split_headers(part: &[u8]) -> Option<(&str, &[u8])> {
    let (end, gap) = match (find(part, b"\r\n\r\n"), find(part, b"\n\n")) {
        (Some(crlf), Some(lf)) if lf < crlf => (lf, 2),
        (Some(crlf), _) => (crlf, 4),
        (None, Some(lf)) => (lf, 2),
        (None, None) => return None,
    };
    let headers = std::str::from_utf8(&part[..end]).ok()?;
    Some((headers, &part[end + gap..]))
}

fn header(headers: &str, name: &str) -> Option<String> {
    headers.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_string())
    })
}

/// A parameter of a `Content-Disposition` value: `name="FIELDS[TITLE]"` or `name=plain`.
fn parameter(disposition: &str, wanted: &str) -> Option<String> {
    disposition.split(';').skip(1).find_map(|p| {
        let (key, value) = p.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case(wanted) {
            return None;
        }
        let value = value.trim();
        Some(
            match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(quoted) => quoted.replace("\\\"", "\"").replace("\\\\", "\\"),
                None => value.to_string(),
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_boundary_of_a_multipart_type_only() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----x1").as_deref(),
            Some("----x1")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=utf-8; Boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
    }

    #[test]
    fn fields_with_php_keys_and_files_left_out() {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"CHAT_ID\"\r\n\r\n2043\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"FIELDS[TITLE]\"\r\nContent-Type: text/plain\r\n\r\nline one\r\nline two\r\n\
             --XyZ\r\ncontent-disposition: form-data; name=\"list[]\"\r\n\r\na\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nbytes\r\n\
             --XyZ\r\nno headers here\r\n\
             --XyZ--\r\nepilogue";
        let mut params = Map::new();
        decode_into(body.as_bytes(), "XyZ", &mut params);
        assert_eq!(
            Value::Object(params),
            json!({"CHAT_ID": "2043", "FIELDS": {"TITLE": "line one\r\nline two"}, "list": {"0": "a"}})
        );
    }
}
