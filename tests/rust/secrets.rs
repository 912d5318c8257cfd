//! No secret — webhook key, access token, refresh token or client secret — appears in any error
//! message, `Debug` output or log line, for every kind of error, even when the portal or the
//! OAuth server echoes the secret back.

use std::sync::Mutex;
use std::time::Duration;

use b24kit::prelude::*;
use b24kit::{Client, ImopenlinesSessionModeSilentParams as Silent};
use b24kit_emulator::{state::App, state::Token, state::Webhook, Fault, PortalState};
use b24kit_tests::emulator_with;
use b24kit_tests::hostile::{HostileServer, Script};

const KEY: &str = "topsecretwebhookkey42";
const TOKEN: &str = "topsecret-access-token-77";
const REFRESH: &str = "topsecret-refresh-token-31";
const CLIENT_SECRET: &str = "topsecret-client-secret-19";
const CLIENT_ID: &str = "local.secrets.app";
/// Every secret, for a server that echoes them all.
const ALL: [&str; 4] = [KEY, TOKEN, REFRESH, CLIENT_SECRET];

struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", record.target(), record.args()));
    }
    fn flush(&self) {}
}

static LOGS: Capture = Capture(Mutex::new(Vec::new()));

fn state() -> PortalState {
    let mut state = PortalState::default();
    state.webhooks.push(Webhook {
        user_id: 1,
        key: KEY.into(),
        scopes: vec!["imopenlines".into()],
    });
    state.tokens.push(Token {
        access_token: TOKEN.into(),
        user_id: 1,
        scopes: vec!["imopenlines".into()],
        expired: false,
        refresh_token: Some(REFRESH.into()),
        client_id: Some(CLIENT_ID.into()),
    });
    state.apps.push(App {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    });
    state
}

fn assert_clean(text: &str, context: &str) {
    assert!(
        !text.contains(KEY),
        "{context}: webhook key leaked in {text:?}"
    );
    assert!(!text.contains(TOKEN), "{context}: token leaked in {text:?}");
    assert!(
        !text.contains(REFRESH),
        "{context}: refresh token leaked in {text:?}"
    );
    assert!(
        !text.contains(CLIENT_SECRET),
        "{context}: client secret leaked in {text:?}"
    );
}

/// An OAuth client of the test state that renews its token at `server`.
fn renewing_client(endpoint: String, server: String) -> Client {
    Client::oauth(endpoint, TOKEN)
        .timeout(Duration::from_millis(500))
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .refresh(b24kit::Refresh::new(CLIENT_ID, CLIENT_SECRET, REFRESH).oauth_server(server))
        .build()
        .unwrap()
}

#[tokio::test]
async fn no_secret_in_errors_debug_or_logs() {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let emu = emulator_with(state(), None);
    let webhook = Client::webhook(emu.webhook_url_for(1, KEY))
        .timeout(Duration::from_millis(500))
        .rate_limit(None)
        .retry(b24kit::RetryPolicy::never())
        .build()
        .unwrap();
    let oauth = renewing_client(emu.oauth_endpoint(), emu.oauth_server_url());
    assert_clean(&format!("{webhook:?} {oauth:?}"), "client Debug");
    // The server echoes the caller's own secret back in every way it can.
    let faults = |secrets: &[&str]| {
        let echo = format!("bad credentials: {}", secrets.join(" "));
        vec![
            None,
            Some(Fault::Error {
                status: 401,
                code: "INVALID_CREDENTIALS".into(),
                description: echo.clone(),
            }),
            Some(Fault::Error {
                status: 400,
                code: "NEW_CODE".into(),
                description: echo.clone(),
            }),
            Some(Fault::Raw {
                status: 502,
                body: format!("<html>{echo}</html>"),
            }),
            Some(Fault::Raw {
                status: 200,
                body: format!("not json {echo}"),
            }),
            Some(Fault::Raw {
                status: 200,
                body: format!("{{\"result\":\"{echo}\"}}"),
            }),
            Some(Fault::Drop),
            Some(Fault::Delay { ms: 2_000 }),
        ]
    };
    let mut kinds = std::collections::BTreeSet::new();
    // Each client is handed the secrets it holds (a client cannot know another's).
    for (client, secrets) in [(&webhook, &ALL[..1]), (&oauth, &ALL[1..])] {
        for fault in &faults(secrets) {
            if let Some(f) = fault {
                emu.portal().inject(f.clone(), 1);
            }
            // chat 2044 makes the un-faulted call a method error.
            let err = client
                .imopenlines_session_mode_silent(Silent::new(2044).activate(true))
                .await
                .unwrap_err();
            kinds.insert(
                format!("{err:?}")
                    .split([' ', '{', '('])
                    .next()
                    .unwrap()
                    .to_string(),
            );
            assert_clean(&err.to_string(), "Display");
            assert_clean(&format!("{err:?}"), "Debug");
            assert_clean(&format!("{:?}", err.description()), "description");
        }
        let bad = client
            .imopenlines_session_mode_silent(Silent::new(0))
            .await
            .unwrap_err();
        assert_clean(&format!("{bad} {bad:?}"), "invalid argument");
    }
    // The token expires and the OAuth server refuses the renewal (the app's secret changed).
    emu.portal().expire_tokens();
    emu.portal().with_state(|s| {
        s.apps
            .iter_mut()
            .for_each(|a| a.client_secret = "rotated".into())
    });
    let err = oauth
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    assert!(matches!(err, b24kit::Error::TokenRefresh { .. }), "{err:?}");
    kinds.insert("TokenRefresh".to_string());
    assert_clean(&format!("{err} {err:?}"), "refused renewal");
    // An OAuth server that echoes every secret, in an error and in a success it garbles.
    let echo = format!(
        "{{\"error\":\"invalid_grant\",\"error_description\":\"{}\"}}",
        ALL[1..].join(" ")
    );
    for body in [echo, format!("<html>{}</html>", ALL[1..].join(" "))] {
        let answer = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let server = HostileServer::start(Script::Raw(answer.into_bytes()));
        let echoing = renewing_client(
            emu.oauth_endpoint(),
            format!("http://{}/oauth/token/", server.addr),
        );
        let err = echoing
            .imopenlines_session_mode_silent(Silent::new(2043))
            .await
            .unwrap_err();
        assert!(matches!(err, b24kit::Error::TokenRefresh { .. }), "{err:?}");
        assert_eq!(server.requests(), 1);
        assert_clean(
            &format!("{err} {err:?} {:?}", err.description()),
            "echoing OAuth server",
        );
    }
    // Refused connections, too.
    let refused = Client::webhook(format!("http://127.0.0.1:1/rest/1/{KEY}/"))
        .build()
        .unwrap();
    let err = refused
        .imopenlines_session_mode_silent(Silent::new(2043))
        .await
        .unwrap_err();
    assert_clean(&format!("{err} {err:?}"), "connect error");
    // Bad settings never echo the key either.
    for url in [
        format!("http://portal.example.com/rest/1/{KEY}/"),
        format!("https://p.example.com/rest/x/{KEY}/m.json?a"),
    ] {
        let err = Client::webhook(&url).build().unwrap_err();
        assert_clean(&format!("{err} {err:?}"), "config error");
    }
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "Http",
            "Method",
            "Protocol",
            "System",
            "TokenRefresh",
            "Transport",
            "UnknownCode"
        ],
        "every kind of server-side error was exercised"
    );

    let logs = LOGS.0.lock().unwrap();
    assert!(logs.len() >= 16, "the client logs its calls: {logs:?}");
    for line in logs.iter() {
        assert_clean(line, "log line");
    }
}
