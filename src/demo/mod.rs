//! The bundled demo API: the data in `assets/demo/`, served over real HTTP on loopback
//! with the real routes, statuses and shapes, so `--demo` runs the real client path.

use std::net::SocketAddr;

/// The token the demo API accepts; anything else gets 401.
pub const TOKEN: &str = "g2a-demo-token";
/// The partner system domain the demo has links for.
pub const SYSTEM_DOMAIN: &str = "helpdesk.northwind.example";
/// The session `--demo` opens when no id is given.
pub const MAIN_SESSION: &str = "482913657";

/// A running demo API; it stops when dropped.
pub struct DemoServer {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl DemoServer {
    /// Binds `addr` (port 0 for any free port) and serves in a background task.
    pub async fn start(addr: SocketAddr) -> std::io::Result<Self> {
        let _ = addr;
        todo!("demo server")
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// `g2a-tui demo-server`: serve on `addr` until Ctrl-C, printing how to point a client at it.
pub async fn serve_until_interrupted(addr: SocketAddr) -> std::io::Result<()> {
    let _ = addr;
    todo!("demo-server")
}
