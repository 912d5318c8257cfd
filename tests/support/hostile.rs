//! A deliberately badly behaved HTTP server on 127.0.0.1: it answers every connection with a
//! scripted misbehaviour that the emulator, a well-behaved hyper server, cannot produce
//! (trickling headers, endless or reset bodies, malformed framing).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// What the server does after reading a request head.
#[derive(Clone)]
pub enum Script {
    /// Sends these bytes, then closes.
    Raw(Vec<u8>),
    /// Sends the status line, then one header byte every `interval`, forever.
    TrickleHeaders { interval: Duration },
    /// A chunked body that never ends.
    EndlessChunked,
    /// Announces `Content-Length: announced`, sends `sent` bytes, then resets the connection.
    ResetMidBody { announced: usize, sent: usize },
}

/// A running hostile server; counts the requests it received.
pub struct HostileServer {
    pub addr: SocketAddr,
    requests: Arc<AtomicUsize>,
}

impl HostileServer {
    pub fn start(script: Script) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let script = script.clone();
                let counted = counted.clone();
                thread::spawn(move || serve(stream, script, counted));
            }
        });
        HostileServer { addr, requests }
    }

    /// `http://127.0.0.1:<port>/rest/1/<key>/`
    pub fn webhook_url(&self, key: &str) -> String {
        format!("http://{}/rest/1/{key}/", self.addr)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, script: Script, requests: Arc<AtomicUsize>) {
    let _ = stream.set_nodelay(true);
    // Read until the end of the request head (bodies are small and follow at once).
    let mut head = Vec::new();
    let mut byte = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&byte[..n]),
        }
    }
    requests.fetch_add(1, Ordering::SeqCst);
    match script {
        Script::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
        }
        Script::TrickleHeaders { interval } => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\n");
            loop {
                if stream.write_all(b"X").is_err() {
                    return;
                }
                thread::sleep(interval);
            }
        }
        Script::EndlessChunked => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
            let chunk = format!("{:x}\r\n{}\r\n", 4096, "a".repeat(4096));
            while stream.write_all(chunk.as_bytes()).is_ok() {}
        }
        Script::ResetMidBody { announced, sent } => {
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\n\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&vec![b'{'; sent]);
            let _ = stream.flush();
            // Linger 0 turns the close into a reset (RST) instead of an orderly FIN.
            let _ = socket_linger_zero(&stream);
        }
    }
}

#[cfg(unix)]
fn socket_linger_zero(stream: &TcpStream) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    #[repr(C)]
    struct Linger {
        l_onoff: i32,
        l_linger: i32,
    }
    extern "C" {
        fn setsockopt(fd: i32, level: i32, name: i32, value: *const Linger, len: u32) -> i32;
    }
    const SOL_SOCKET: i32 = 1;
    const SO_LINGER: i32 = 13;
    let linger = Linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket descriptor and a correctly sized option value.
    let rc = unsafe {
        setsockopt(
            stream.as_raw_fd(),
            SOL_SOCKET,
            SO_LINGER,
            &linger,
            std::mem::size_of::<Linger>() as u32,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn socket_linger_zero(_: &TcpStream) -> std::io::Result<()> {
    Ok(())
}
