//! Where the data comes from: the real API, or the bundled demo API started in-process
//! on loopback. Both end in the same [`Client`], so `--demo` runs the real code path.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::api::{ApiError, Client, ClientConfig};
use crate::cli::CommonArgs;
use crate::demo::{self, DemoServer};

/// A ready client and what to read with it. Holds the demo server alive in demo mode.
pub struct Connection {
    pub client: Client,
    pub system_domain: Option<String>,
    pub demo: Option<DemoServer>,
}

impl Connection {
    /// In demo mode the demo's own system domain is used unless `--system-domain` (or
    /// its env var) names another.
    pub async fn open(args: &CommonArgs) -> Result<Self, ApiError> {
        let timeout = Duration::from_secs(args.timeout);
        if args.demo {
            let server = DemoServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .await
                .map_err(|e| ApiError::Connect {
                    host: "the demo API".into(),
                    detail: format!("could not start it on loopback: {e}"),
                })?;
            let client = Client::new(&ClientConfig {
                base_url: server.base_url(),
                token: Some(demo::TOKEN.to_string()),
                auth_scheme: args.auth_scheme,
                timeout,
            })?;
            let system_domain =
                non_empty(&args.system_domain).or_else(|| Some(demo::SYSTEM_DOMAIN.to_string()));
            return Ok(Connection {
                client,
                system_domain,
                demo: Some(server),
            });
        }
        let client = Client::new(&ClientConfig {
            base_url: args.base_url.clone(),
            token: args.token.clone(),
            auth_scheme: args.auth_scheme,
            timeout,
        })?;
        Ok(Connection {
            client,
            system_domain: args.system_domain.clone().filter(|d| !d.trim().is_empty()),
            demo: None,
        })
    }
}

fn non_empty(domain: &Option<String>) -> Option<String> {
    domain.clone().filter(|d| !d.trim().is_empty())
}
