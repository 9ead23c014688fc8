//! `o`: the session's web links in a small chooser (join URL, recording, ticket,
//! partner callbacks), opened with the system's opener, or copied where none can run.

use super::state::{App, SessionScreen};
use crate::present::{self, label, Value};

/// One link the reader can open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkItem {
    pub label: String,
    pub url: String,
}

/// The chooser on screen: its links and the one picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinksMenu {
    pub items: Vec<LinkItem>,
    pub selected: usize,
}

/// Every http(s) link the session holds, in the order the panes show them; a
/// `javascript:` or `file:` value is never offered.
pub fn items(app: &App, s: &SessionScreen) -> Vec<LinkItem> {
    let mut out = Vec::new();
    if let Some(session) = s.session.data.as_ref() {
        let fields = present::session::fields(session, app.zone, app.wall);
        for name in [label::TICKET_URL, label::JOIN_URL, label::RECORDING] {
            if let Some(f) = present::find(&fields, name) {
                if let Value::Url(u) = &f.value {
                    out.push(LinkItem {
                        label: name.to_string(),
                        url: u.clone(),
                    });
                }
            }
        }
    }
    if let Some(links) = s.links.data.as_ref() {
        for l in &links.links {
            let link = present::links::link(l, false);
            for f in &link.fields {
                if let Value::Url(u) = &f.value {
                    out.push(LinkItem {
                        label: format!("{} · {}", link.title, f.label),
                        url: u.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Whether a browser can be started from here. Over SSH, or on a Linux or BSD box
/// without a display, the system opener would fail (or open on a screen nobody sees).
pub fn can_open_here(env: impl Fn(&str) -> Option<String>) -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return env("SSH_CONNECTION").is_none();
    }
    env("DISPLAY").is_some_and(|d| !d.is_empty())
        || env("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_display_means_no_browser() {
        if cfg!(any(target_os = "macos", target_os = "windows")) {
            return;
        }
        let none = |_: &str| None;
        assert!(!can_open_here(none));
        let x11 = |k: &str| (k == "DISPLAY").then(|| ":0".to_string());
        assert!(can_open_here(x11));
        let empty = |k: &str| (k == "DISPLAY").then(String::new);
        assert!(!can_open_here(empty));
    }
}
