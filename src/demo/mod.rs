//! The bundled demo API: the data in `assets/demo/`, served over real HTTP on loopback
//! with the real routes, statuses and shapes, so `--demo` runs the real client path.

mod data;
pub mod huge;
mod server;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use data::DemoData;

/// The token the demo API accepts; anything else gets 401.
pub const TOKEN: &str = "g2a-demo-token";
/// The partner system domain the demo has links for.
pub const SYSTEM_DOMAIN: &str = "helpdesk.northwind.example";
/// The session `--demo` opens when no id is given.
pub const MAIN_SESSION: &str = "482913657";
/// The session that is still running: its transcript grows while it is watched.
pub const ACTIVE_SESSION: &str = "482913700";
/// The session whose fields and transcript carry terminal escapes, bidi overrides,
/// wide and combining characters and a 5000-character line.
pub const HOSTILE_SESSION: &str = "482913666";

/// A running demo API; it stops when dropped.
pub struct DemoServer {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl DemoServer {
    /// Binds `addr` (port 0 for any free port) and serves in a background task.
    pub async fn start(addr: SocketAddr) -> std::io::Result<Self> {
        Self::start_inner(addr, None).await
    }

    /// Like [`DemoServer::start`], but the active session's transcript gains one message
    /// every `interval` instead of every 4 seconds; for tests that watch it grow.
    pub async fn start_with_growth(addr: SocketAddr, interval: Duration) -> std::io::Result<Self> {
        Self::start_inner(addr, Some(interval)).await
    }

    async fn start_inner(addr: SocketAddr, growth: Option<Duration>) -> std::io::Result<Self> {
        let app = server::router(Arc::new(DemoData::load(growth)?));
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let stop = async {
                // A dropped sender stops the server too.
                let _ = rx.await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
            {
                eprintln!("demo API stopped: {e}");
            }
        });
        Ok(DemoServer {
            addr,
            shutdown: Some(tx),
        })
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
    let app = server::router(Arc::new(DemoData::load(None)?));
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    // 0.0.0.0 is where it listens, not an address a client can connect to.
    let reachable = if bound.ip().is_unspecified() {
        SocketAddr::from((Ipv4Addr::LOCALHOST, bound.port()))
    } else {
        bound
    };
    let url = format!("http://{reachable}");
    {
        // A closed stdout must not stop the server.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "g2a-tui demo API listening on http://{bound} (Ctrl-C to stop)\n\
             try: G2A_TOKEN={TOKEN} g2a-tui --base-url {url} --system-domain {SYSTEM_DOMAIN} {MAIN_SESSION}"
        );
        let _ = out.flush();
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(interrupted())
        .await
}

/// Resolves on Ctrl-C or SIGTERM. A signal that cannot be watched is ignored rather
/// than taken as a request to stop.
async fn interrupted() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
