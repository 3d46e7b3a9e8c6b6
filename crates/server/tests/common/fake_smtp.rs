//! A small SMTP server for tests, shared by the server's tests and the
//! end-to-end suite: it takes mail like a relay, refuses `bounce…@`
//! recipients for good (550) and `later…@` ones for now (450), and records
//! the whole conversation.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Accepts SMTP sessions, answers like a relay that takes everything but
/// mail for `bounce…@` (550, for good) and `later…@` (450, for now), and
/// records what it was told.
pub async fn fake_smtp() -> (u16, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(String::new()));
    let seen = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    seen.lock().unwrap().push_str(&format!("{line}\n"));
                    let reply: &[u8] = if in_data {
                        if line == "." {
                            in_data = false;
                            b"250 queued\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                            "EHLO" | "HELO" => b"250 test\r\n",
                            "RCPT" if line.to_ascii_lowercase().contains(":<bounce") => {
                                b"550 5.1.1 mailbox unavailable\r\n"
                            }
                            "RCPT" if line.to_ascii_lowercase().contains(":<later") => {
                                b"450 4.2.1 mailbox busy, try later\r\n"
                            }
                            "DATA" => {
                                in_data = true;
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = w.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 ok\r\n",
                        }
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, log)
}
