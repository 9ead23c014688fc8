//! Where the web links are on screen, so the event loop can make them clickable
//! (OSC 8) after a frame is drawn: the buffer itself never holds escape bytes.

use super::layout::text_area;
use super::rows::Role;
use super::state::{App, Pane, Screen};
use super::wrap::width;

/// One run of link text on one screen row, and the URL it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRun {
    pub x: u16,
    pub y: u16,
    pub text: String,
    pub url: String,
}

/// The link runs of the session and links panes as drawn now; none while an overlay
/// (help, the prompt, the link chooser) may cover them.
pub fn runs(app: &App) -> Vec<LinkRun> {
    let mut out = Vec::new();
    let (Screen::Session(s), None, None) = (&app.screen, app.help, &app.links_menu) else {
        return out;
    };
    let Some(panes) = app.panes() else {
        return out;
    };
    for pane in [Pane::Session, Pane::Links] {
        let rect = panes.get(pane);
        if rect.width < 3 || rect.height < 3 {
            continue;
        }
        let (w, h) = text_area(rect);
        let (rows, scroll) = match pane {
            Pane::Session => (app.session_rows(s, w), s.session_scroll),
            _ => (app.links_rows(s, w), s.links_scroll),
        };
        for (n, row) in rows.iter().skip(scroll).take(h).enumerate() {
            let Some(url) = row.value.as_ref() else {
                continue;
            };
            let mut x = 0;
            for (text, role) in &row.spans {
                if *role == Role::Link && !text.is_empty() && x + width(text) <= w {
                    out.push(LinkRun {
                        x: rect.x + 1 + x as u16,
                        y: rect.y + 1 + n as u16,
                        text: text.clone(),
                        url: url.clone(),
                    });
                }
                x += width(text);
            }
        }
    }
    out
}
