//! Where each pane goes at a given terminal size. Pure, so the reducer can use the
//! same numbers for page sizes and mouse hits as drawing does.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::Pane;

/// Below this the viewer shows one line saying the terminal is too small.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// From this width the session and links stack on the left of the transcript.
pub const WIDE: u16 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub session: Rect,
    pub transcript: Rect,
    pub links: Rect,
    pub status: Rect,
}

impl Panes {
    pub fn get(&self, pane: Pane) -> Rect {
        match pane {
            Pane::Session => self.session,
            Pane::Transcript => self.transcript,
            Pane::Links => self.links,
        }
    }
}

pub fn panes(area: Rect) -> Option<Panes> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [body, status] = area.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    let (session, transcript, links) = if area.width >= WIDE {
        // Wide enough that an expert's "Name <email>" usually fits on one row.
        let left_width = (area.width * 2 / 5).clamp(52, 72);
        let [left, transcript] = body.layout(&Layout::horizontal([
            Constraint::Length(left_width),
            Constraint::Fill(1),
        ]));
        let [session, links] = left.layout(&Layout::vertical([
            Constraint::Percentage(62),
            Constraint::Fill(1),
        ]));
        (session, transcript, links)
    } else {
        let [session, transcript, links] = body.layout(&Layout::vertical([
            Constraint::Percentage(30),
            Constraint::Fill(1),
            Constraint::Percentage(22),
        ]));
        (session, transcript, links)
    };
    Some(Panes {
        session,
        transcript,
        links,
        status,
    })
}

/// Width and height of the text inside a pane (its borders taken off; the transcript's
/// scrollbar is drawn over its right border, so it takes no text column).
pub fn text_area(rect: Rect, _pane: Pane) -> (usize, usize) {
    let w = rect.width.saturating_sub(2) as usize;
    let h = rect.height.saturating_sub(2) as usize;
    (w.max(1), h.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_puts_transcript_right() {
        let p = panes(Rect::new(0, 0, 160, 48)).expect("fits");
        assert!(p.transcript.x > p.session.x);
        assert_eq!(p.session.x, p.links.x);
        assert_eq!(p.status.height, 1);
    }

    #[test]
    fn narrow_stacks_with_transcript_largest() {
        let p = panes(Rect::new(0, 0, 80, 24)).expect("fits");
        assert!(p.transcript.y > p.session.y && p.links.y > p.transcript.y);
        assert!(p.transcript.height > p.session.height);
        assert!(p.transcript.height > p.links.height);
    }

    #[test]
    fn too_small_is_none() {
        assert!(panes(Rect::new(0, 0, 39, 30)).is_none());
        assert!(panes(Rect::new(0, 0, 80, 9)).is_none());
    }
}
