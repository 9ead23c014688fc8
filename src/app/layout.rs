//! Where each pane goes at a given terminal size and for the content it holds. Pure,
//! so the reducer (page sizes, scroll bounds, mouse hits) and drawing use the same
//! numbers.

use ratatui::layout::{Constraint, Layout, Rect};

use super::state::Pane;

/// Below this the viewer shows one line saying the terminal is too small.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// From this width the session and links stack on the left of the transcript.
pub const WIDE: u16 = 120;
/// A pane never gets fewer rows than its borders and one line of content.
const MIN_PANE: usize = 3;

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

    /// The pane under a screen position.
    pub fn at(&self, column: u16, row: u16) -> Option<Pane> {
        let at = ratatui::layout::Position::new(column, row);
        Pane::ALL.into_iter().find(|p| self.get(*p).contains(at))
    }
}

/// How many rows of text each pane would like. `transcript: None` means "more than
/// fit" (a long transcript); `Some(n)` is a short one, or an empty state of `n` lines
/// (`empty`), which also gives the details more width on a wide terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demand {
    pub session: usize,
    pub transcript: Option<usize>,
    pub empty: bool,
    pub links: usize,
    /// The pane given the whole screen (`z`), if any.
    pub zoom: Option<Pane>,
}

impl Demand {
    /// What a fresh session screen asks for before anything arrived.
    pub const LOADING: Demand = Demand {
        session: 1,
        transcript: None,
        empty: false,
        links: 1,
        zoom: None,
    };
}

/// The columns of the session and links panes, which do not depend on their
/// content's height (so rows can be wrapped before heights are known).
pub fn side_width(width: u16, empty_transcript: bool) -> u16 {
    if width >= WIDE {
        left_width(width, empty_transcript)
    } else {
        width
    }
}

fn left_width(width: u16, empty_transcript: bool) -> u16 {
    // In u32: a terminal 32768 columns wide must not overflow.
    let two_fifths = (u32::from(width) * 2 / 5) as u16;
    if empty_transcript {
        // Nothing to read on the right: the details get the room.
        width.saturating_sub(two_fifths.max(40))
    } else {
        // Wide enough that an expert's "Name <email>" usually fits on one row.
        two_fifths.clamp(52, 72)
    }
}

pub fn panes(area: Rect, demand: &Demand) -> Option<Panes> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [body, status] = area.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    let need = |rows: usize| rows + 2;
    if let Some(zoomed) = demand.zoom {
        // One pane on the whole screen; the others have no room (and take no clicks).
        let none = Rect::new(body.x, body.y, 0, 0);
        let pick = |p: Pane| if p == zoomed { body } else { none };
        return Some(Panes {
            session: pick(Pane::Session),
            transcript: pick(Pane::Transcript),
            links: pick(Pane::Links),
            status,
        });
    }
    let (session, transcript, links) = if area.width >= WIDE {
        let [left, transcript] = body.layout(&Layout::horizontal([
            Constraint::Length(left_width(area.width, demand.empty)),
            Constraint::Fill(1),
        ]));
        let total = left.height as usize;
        let share = (total * 30 / 100).max(total.saturating_sub(need(demand.session)));
        let links_h = need(demand.links).min(share).max(MIN_PANE).min(total);
        let [session, links] = left.layout(&Layout::vertical([
            Constraint::Length((total - links_h) as u16),
            Constraint::Length(links_h as u16),
        ]));
        (session, transcript, links)
    } else {
        let [s, t, l] = stack(body.height as usize, demand);
        let [session, transcript, links] = body.layout(&Layout::vertical([
            Constraint::Length(s as u16),
            Constraint::Length(t as u16),
            Constraint::Length(l as u16),
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

/// Heights of the stacked panes: each gets at least a line of content; a long
/// transcript then takes what the session and links do not need (up to a share
/// each: the details a third, the links less, being settings more than news); a
/// short or empty one shrinks to what it says and leaves the room to the details.
fn stack(total: usize, d: &Demand) -> [usize; 3] {
    let need = [
        d.session + 2,
        d.transcript.map_or(usize::MAX, |n| n + 2),
        d.links + 2,
    ];
    let mut h = need.map(|n| n.min(MIN_PANE));
    let mut left = total.saturating_sub(h.iter().sum());
    let give = |h: &mut [usize; 3], i: usize, cap: usize, left: &mut usize| {
        let want = need[i].min(cap).saturating_sub(h[i]).min(*left);
        h[i] += want;
        *left -= want;
    };
    match d.transcript {
        Some(_) if !d.empty => {
            // A short transcript: shares first, then what the transcript does not
            // need goes to the details and the links.
            give(&mut h, 0, total / 3, &mut left);
            give(&mut h, 2, total * 18 / 100, &mut left);
            give(&mut h, 1, usize::MAX, &mut left);
            give(&mut h, 0, usize::MAX, &mut left);
            give(&mut h, 2, usize::MAX, &mut left);
            h[1] += left;
        }
        None => {
            give(&mut h, 0, total / 3, &mut left);
            give(&mut h, 2, total * 18 / 100, &mut left);
            h[1] += left;
        }
        Some(_) => {
            give(&mut h, 1, usize::MAX, &mut left);
            give(&mut h, 0, usize::MAX, &mut left);
            give(&mut h, 2, usize::MAX, &mut left);
            // Whatever is left goes to the details: a longer note reads better than
            // blank rows under one line of transcript.
            h[0] += left;
        }
    }
    h
}

/// Width and height of the text inside a pane (its borders taken off; the transcript's
/// scrollbar is drawn over its right border, so it takes no text column).
pub fn text_area(rect: Rect) -> (usize, usize) {
    let w = rect.width.saturating_sub(2) as usize;
    let h = rect.height.saturating_sub(2) as usize;
    (w.max(1), h.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: Demand = Demand {
        session: 14,
        transcript: None,
        empty: false,
        links: 8,
        zoom: None,
    };

    #[test]
    fn wide_puts_transcript_right() {
        let p = panes(Rect::new(0, 0, 160, 48), &FULL).expect("fits");
        assert!(p.transcript.x > p.session.x);
        assert_eq!(p.session.x, p.links.x);
        assert_eq!(p.status.height, 1);
    }

    #[test]
    fn narrow_stacks_with_transcript_largest() {
        let p = panes(Rect::new(0, 0, 80, 24), &FULL).expect("fits");
        assert!(p.transcript.y > p.session.y && p.links.y > p.transcript.y);
        assert!(p.transcript.height > p.session.height);
        assert!(p.transcript.height > p.links.height);
    }

    #[test]
    fn an_empty_transcript_gives_its_room_to_the_details() {
        let d = Demand {
            session: 16,
            transcript: Some(1),
            empty: true,
            links: 8,
            zoom: None,
        };
        let p = panes(Rect::new(0, 0, 80, 40), &d).expect("fits");
        assert_eq!(p.transcript.height, 3);
        assert!(p.session.height >= 18, "{p:?}");
        let wide = panes(Rect::new(0, 0, 160, 48), &d).expect("fits");
        assert!(wide.session.width > 72);
    }

    #[test]
    fn a_short_transcript_keeps_the_shares_and_gives_back_what_it_does_not_need() {
        let d = Demand {
            session: 12,
            transcript: Some(4),
            empty: false,
            links: 3,
            zoom: None,
        };
        let p = panes(Rect::new(0, 0, 80, 40), &d).expect("fits");
        // Every need is met; what is left stays with the transcript, where new
        // messages will arrive.
        assert_eq!((p.session.height, p.links.height), (14, 5), "{p:?}");
        assert_eq!(p.transcript.height, 20, "{p:?}");
        // A transcript just short enough to fit alone does not squeeze the details.
        let d = Demand {
            transcript: Some(21),
            ..d
        };
        let p = panes(Rect::new(0, 0, 80, 24), &d).expect("fits");
        assert_eq!(p.session.height, 23 / 3, "{p:?}");
    }

    #[test]
    fn every_pane_keeps_a_line_at_the_smallest_size() {
        for d in [FULL, Demand::LOADING] {
            let p = panes(Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT), &d).expect("fits");
            for pane in Pane::ALL {
                assert!(p.get(pane).height >= 3, "{pane:?} {p:?}");
            }
        }
    }

    #[test]
    fn zoom_gives_one_pane_the_whole_body() {
        let d = Demand {
            zoom: Some(Pane::Transcript),
            ..FULL
        };
        let p = panes(Rect::new(0, 0, 80, 24), &d).expect("fits");
        assert_eq!((p.transcript.width, p.transcript.height), (80, 23));
        assert_eq!(p.session.area(), 0);
        assert_eq!(p.at(5, 5), Some(Pane::Transcript));
    }

    #[test]
    fn huge_terminals_do_not_overflow() {
        for d in [FULL, Demand::LOADING] {
            let p = panes(Rect::new(0, 0, u16::MAX, u16::MAX), &d).expect("fits");
            assert!(p.transcript.width > 0);
        }
    }

    #[test]
    fn too_small_is_none() {
        assert!(panes(Rect::new(0, 0, 39, 30), &FULL).is_none());
        assert!(panes(Rect::new(0, 0, 80, 9), &FULL).is_none());
    }
}
