//! Fault injection: the next N REST calls answer with a chosen failure instead of the normal
//! answer — or, for `oauth_error`, the next N token requests to the OAuth server. Set through
//! `POST /_emulator/faults` or [`Portal::inject`](crate::Portal::inject).

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// One kind of misbehaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// A Bitrix24 error body with this status and code.
    Error {
        /// The HTTP status of the answer.
        status: u16,
        /// `error`, as a portal sends it (any text, a blank one included).
        code: String,
        /// `error_description`; empty unless given.
        #[serde(default)]
        description: String,
    },
    /// An HTML error page, as a proxy or load balancer would send.
    Html {
        /// The page's HTTP status (502 unless given); its title names the status truly.
        #[serde(default = "status_502")]
        status: u16,
    },
    /// No body at all.
    Empty {
        /// The HTTP status (200 unless given).
        #[serde(default = "status_200")]
        status: u16,
    },
    /// A body that is not valid JSON.
    InvalidJson {
        /// The HTTP status (200 unless given).
        #[serde(default = "status_200")]
        status: u16,
    },
    /// Any body with any status (wrong `result` types, a 200 with an error body, …).
    Raw {
        /// The HTTP status.
        status: u16,
        /// The body, sent as is with a JSON content type.
        body: String,
    },
    /// A renamed portal: a redirect (302 by default) to the same path at `to`
    /// (`https://new-name.bitrix24.com`), as the old address of a renamed portal answers.
    Moved {
        /// The new address; the request's path and query are appended to it.
        to: String,
        /// The redirect's status (302 unless given).
        #[serde(default = "status_302")]
        status: u16,
    },
    /// The normal answer, with these headers added — what a cloud portal, a CDN or a proxy
    /// adds (`X-Bitrix-Rest-Application`, `Set-Cookie`, …).
    Headers {
        /// Header names and values; a name that is not a token or a value that is not
        /// printable ASCII is refused when the fault is queued.
        headers: std::collections::BTreeMap<String, String>,
    },
    /// Waits before the normal answer; a long delay is a server that never answers.
    Delay {
        /// Milliseconds to wait.
        ms: u64,
    },
    /// Closes the connection without answering.
    Drop,
    /// The OAuth server (not a REST call) answers the next token request with this error body
    /// and status — `WRONG_CLIENT` with 200 and `PAYMENT_REQUIRED` are among its documented ones.
    OauthError {
        /// The HTTP status of the OAuth server's answer (200 for `WRONG_CLIENT`).
        status: u16,
        /// `error`, as the OAuth server sends it.
        code: String,
        /// `error_description`; empty unless given.
        #[serde(default)]
        description: String,
    },
}

impl Fault {
    /// Whether the OAuth server, rather than a REST call, takes this fault.
    pub(crate) fn for_oauth_server(&self) -> bool {
        matches!(self, Fault::OauthError { .. })
    }
}

fn status_200() -> u16 {
    200
}

fn status_302() -> u16 {
    302
}

fn status_502() -> u16 {
    502
}

/// A fault and how many more calls it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRequest {
    /// What goes wrong.
    #[serde(flatten)]
    pub fault: Fault,
    /// How many of the next calls it happens to (1 unless given).
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// What makes the fault impossible to play, checked when it is queued so that a mistake is
    /// told to the test that made it rather than dropped at answer time.
    pub(crate) fn problem(&self) -> Option<String> {
        let Fault::Headers { headers } = self else {
            return None;
        };
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        headers.iter().find_map(|(name, value)| {
            if name.is_empty() || !name.chars().all(token) {
                Some(format!("{name:?} is not a header name"))
            } else if !value.chars().all(|c| c == '\t' || (' '..='~').contains(&c)) {
                Some(format!("the value of {name} is not printable ASCII"))
            } else {
                None
            }
        })
    }
}

#[derive(Debug, Default)]
pub(crate) struct FaultQueue(VecDeque<FaultRequest>);

impl FaultQueue {
    pub(crate) fn push(&mut self, request: FaultRequest) {
        if request.count > 0 {
            self.0.push_back(request);
        }
    }

    /// The fault for the next REST call (`oauth == false`) or token request (`true`), if any.
    pub(crate) fn take(&mut self, oauth: bool) -> Option<Fault> {
        let index = self
            .0
            .iter()
            .position(|r| r.fault.for_oauth_server() == oauth)?;
        let request = &mut self.0[index];
        let fault = request.fault.clone();
        request.count -= 1;
        if request.count == 0 {
            self.0.remove(index);
        }
        Some(fault)
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_down_then_moves_on() {
        let mut q = FaultQueue::default();
        q.push(serde_json::from_str(r#"{"kind":"drop","count":2}"#).unwrap());
        q.push(serde_json::from_str(r#"{"kind":"html"}"#).unwrap());
        q.push(
            serde_json::from_str(r#"{"kind":"oauth_error","status":200,"code":"WRONG_CLIENT"}"#)
                .unwrap(),
        );
        assert_eq!(q.take(false), Some(Fault::Drop));
        assert_eq!(q.take(false), Some(Fault::Drop));
        assert_eq!(q.take(false), Some(Fault::Html { status: 502 }));
        assert_eq!(
            q.take(false),
            None,
            "the OAuth server's fault is not a REST call's"
        );
        assert!(matches!(
            q.take(true),
            Some(Fault::OauthError { status: 200, .. })
        ));
        assert_eq!(q.take(true), None);
    }
}
