//! A throwaway PostgreSQL server for the server's test suite: Debian's
//! packages (installed when missing), a new cluster under the target
//! folder, on a free loopback port, stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{sh, step, tools};

/// The newest installed server's `bin` folder (`/usr/lib/postgresql/N/bin`).
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((major, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

pub struct Server {
    bin: PathBuf,
    data: PathBuf,
    as_postgres: bool,
    port: u16,
    pub admin_url: String,
}

impl Server {
    /// Installs PostgreSQL if needed, makes a new cluster in `dir` (removing
    /// what a previous run left) and starts it; `durable` keeps fsync on.
    pub fn start(dir: &Path, durable: bool) -> Result<Server, String> {
        step("PostgreSQL");
        let bin = match bin_dir() {
            Some(b) => b,
            None => {
                tools::apt_install(&["postgresql"])?;
                bin_dir().ok_or("Debian's postgresql package installed no server")?
            }
        };
        println!("  PostgreSQL server: {}", bin.display());
        // PostgreSQL refuses to run as root: as root, it runs as the
        // `postgres` user that Debian's package creates, which may not be
        // able to reach a checkout under a private home folder; its
        // cluster then lives under the system's temporary folder.
        let as_postgres = tools::is_root();
        let private;
        let dir = if as_postgres {
            let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("pg");
            private = std::env::temp_dir().join(format!("partner-center-{name}"));
            private.as_path()
        } else {
            dir
        };
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if as_postgres {
            sh(Command::new("chown").arg("postgres:postgres").arg(dir))?;
        }
        let data = dir.join("data");
        let port = free_port()?;
        let server = Server {
            bin,
            data,
            as_postgres,
            port,
            admin_url: format!("postgres://pc@127.0.0.1:{port}/postgres"),
        };
        sh(server
            .command("initdb")
            .arg("-D")
            .arg(&server.data)
            .args(["-U", "pc", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
            .arg("--no-sync"))?;
        let mut options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400",
            dir.display()
        );
        if !durable {
            // Tests do not test durability: skip fsync for speed.
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        sh(server
            .command("pg_ctl")
            .arg("-D")
            .arg(&server.data)
            .args(["-w", "-t", "60", "-o", &options, "-l"])
            .arg(dir.join("server.log"))
            .arg("start"))?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(30) {
                return Err(format!(
                    "PostgreSQL did not listen on port {port} within 30 s; see {}",
                    dir.join("server.log").display()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        println!("  listening: {}", server.admin_url);
        Ok(server)
    }

    /// A new, empty database; its URL.
    pub fn create_database(&self, name: &str) -> Result<String, String> {
        sh(Command::new(self.bin.join("createdb"))
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "pc"])
            .arg(name))?;
        Ok(format!("postgres://pc@127.0.0.1:{}/{name}", self.port))
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "stop"])
            .status();
    }
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}
