//! A real Redis server for the tests of shared limits: `redis-server` (Debian's package, which
//! `tests/run.sh` installs when it is missing, built with TLS) on a free loopback port, with its
//! files in a scratch directory, stopped when dropped; plain or TLS only. It can be stopped and started again on the same
//! port, as the fault tests need.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::TempDir;

pub struct RedisServer {
    port: u16,
    dir: TempDir,
    child: Option<Child>,
    /// Over TLS only: the server's self-signed certificate (PEM).
    tls: Option<String>,
}

impl RedisServer {
    /// Starts a server and waits until it answers `PING`.
    pub fn start() -> RedisServer {
        let port = free_port();
        let mut server = RedisServer {
            port,
            dir: TempDir::new("redis"),
            child: None,
            tls: None,
        };
        server.restart();
        server
    }

    /// A server that speaks TLS only, with a self-signed certificate for 127.0.0.1.
    pub fn start_tls() -> RedisServer {
        let port = free_port();
        let dir = TempDir::new("redis-tls");
        let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()])
            .expect("a self-signed certificate");
        let cert = certified.cert.pem();
        std::fs::write(dir.0.join("cert.pem"), &cert).unwrap();
        std::fs::write(dir.0.join("key.pem"), certified.signing_key.serialize_pem()).unwrap();
        let mut server = RedisServer {
            port,
            dir,
            child: None,
            tls: Some(cert),
        };
        server.restart();
        server
    }

    /// `redis://127.0.0.1:<port>/0`, or `rediss://…` for a TLS server.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() {
            "rediss"
        } else {
            "redis"
        };
        format!("{scheme}://127.0.0.1:{}/0", self.port)
    }

    /// The TLS server's certificate (PEM), for clients to trust.
    pub fn certificate_pem(&self) -> &str {
        self.tls.as_deref().expect("a TLS server")
    }

    /// Kills the server (as a crash would: no shutdown) and waits for it to be gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on its port, empty, and waits until it answers.
    pub fn restart(&mut self) {
        self.kill();
        let mut command = Command::new("redis-server");
        match &self.tls {
            None => command.args(["--port", &self.port.to_string()]),
            Some(_) => command
                .args(["--port", "0", "--tls-port", &self.port.to_string()])
                .args(["--tls-auth-clients", "no", "--tls-cert-file"])
                .arg(self.dir.0.join("cert.pem"))
                .arg("--tls-key-file")
                .arg(self.dir.0.join("key.pem"))
                .arg("--tls-ca-cert-file")
                .arg(self.dir.0.join("cert.pem")),
        };
        let child = command
            .args(["--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--enable-debug-command",
                "local",
            ])
            .arg("--dir")
            .arg(&self.dir.0)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("redis-server runs (Debian's redis-server package; tests/run.sh installs it)");
        self.child = Some(child);
        let started = Instant::now();
        while !self.listens() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "redis-server did not answer on port {} within 20 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the server is up: it answers `PING` (over TLS: it accepts connections).
    fn listens(&self) -> bool {
        match self.tls {
            None => self.answers(),
            Some(_) => TcpStream::connect(("127.0.0.1", self.port)).is_ok(),
        }
    }

    /// Whether the server answers `PING` with `PONG` (plain TCP servers).
    pub fn answers(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let mut reply = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok()
            && stream.read_exact(&mut reply).is_ok()
            && &reply == b"+PONG\r\n"
    }

    /// Runs one command through `redis-cli` and returns its output, for checks on the keys.
    pub fn cli(&self, args: &[&str]) -> String {
        let mut command = Command::new("redis-cli");
        command.args(["-p", &self.port.to_string()]);
        if self.tls.is_some() {
            command
                .args(["--tls", "--cacert"])
                .arg(self.dir.0.join("cert.pem"));
        }
        let output = command.args(args).output().expect("redis-cli runs");
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}
