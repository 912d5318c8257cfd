//! No secret — webhook key or access token — appears in any error message, `Debug` output or log
//! line, for every kind of error, even when the server echoes the secret back.

use std::sync::Mutex;
use std::time::Duration;

use b24kit::{Client, ImopenlinesSessionModeSilentParams as Silent};
use b24kit_emulator::{state::Token, state::Webhook, Fault, PortalState};
use b24kit_tests::emulator_with;

const KEY: &str = "topsecretwebhookkey42";
const TOKEN: &str = "topsecret-access-token-77";

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
    });
    state
}

fn assert_clean(text: &str, context: &str) {
    assert!(
        !text.contains(KEY),
        "{context}: webhook key leaked in {text:?}"
    );
    assert!(!text.contains(TOKEN), "{context}: token leaked in {text:?}");
}

#[tokio::test]
async fn no_secret_in_errors_debug_or_logs() {
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let emu = emulator_with(state(), None);
    let webhook = Client::webhook(emu.webhook_url_for(1, KEY))
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let oauth = Client::oauth(emu.oauth_endpoint(), TOKEN)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    assert_clean(&format!("{webhook:?} {oauth:?}"), "client Debug");
    // The server echoes the caller's own secret back in every way it can.
    let faults = |secret: &str| {
        let echo = format!("bad credentials: {secret}");
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
    for (client, secret) in [(&webhook, KEY), (&oauth, TOKEN)] {
        for fault in &faults(secret) {
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
