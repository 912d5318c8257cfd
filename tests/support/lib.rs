//! Shared helpers for the Rust test suites: the repository root, emulators started the way each
//! test needs them, clients pointed at them, and a hostile server.

pub mod hostile;
pub mod redis;

use std::path::{Path, PathBuf};
use std::time::Duration;

use b24kit::{Client, ClientBuilder, RetryPolicy};
use b24kit_emulator::{Emulator, EmulatorConfig, PortalState, RateLimit};

/// The repository root (where `spec/` lives).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A bare HTTP client for talking to an emulator directly, bypassing b24kit. reqwest is built
/// without a crypto provider (the runtime brings its own, ring), so this one uses ring as the
/// process's default.
pub fn raw_http() -> reqwest::Client {
    // An error only says that a default is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// An emulator with the default state and no rate limit, so tests do not interfere by pace.
pub fn emulator() -> Emulator {
    emulator_with(PortalState::default(), None)
}

pub fn emulator_with(state: PortalState, rate_limit: Option<RateLimit>) -> Emulator {
    Emulator::start(EmulatorConfig {
        state,
        rate_limit,
        ..EmulatorConfig::default()
    })
    .expect("the emulator starts")
}

/// A client for the emulator's first webhook, with a short timeout so a hang fails fast, and
/// without pacing or retries, so each call is one exchange whose outcome a test can check.
pub fn webhook_client(emulator: &Emulator) -> Client {
    single_exchange(Client::webhook(emulator.webhook_url()))
}

/// A client with an OAuth token from the emulator's state; one exchange per call, as above.
pub fn oauth_client(emulator: &Emulator, token: &str) -> Client {
    single_exchange(Client::oauth(emulator.oauth_endpoint(), token))
}

/// Short timeout, no rate limiting, no retries.
pub fn single_exchange(builder: ClientBuilder) -> Client {
    builder
        .timeout(Duration::from_secs(10))
        .rate_limit(None)
        .retry(RetryPolicy::never())
        .build()
        .expect("a valid client")
}

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "b24kit-{label}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
