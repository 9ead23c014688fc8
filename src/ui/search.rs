//! The search line (in place of the status line while typing), the kept search's
//! count in the status line, and match highlights in transcript rows. What matches
//! where comes from `app::search`; this only styles it.

use std::ops::Range;

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, Theme};
use crate::app::keymap::{Action, Mode};
use crate::app::search::{Marks, Search};
use crate::app::wrap;
use crate::app::{App, Screen};
use crate::sanitize::sanitize_line;

/// The search being typed, if any: drawn instead of the status line.
fn editing(app: &App) -> Option<&Search> {
    match &app.screen {
        Screen::Session(s) => s.search.as_ref().filter(|x| x.editing),
        Screen::Prompt(_) | Screen::List(_) => None,
    }
}

/// Draws the search line over the status line's row while the reader types a query:
/// `/query` with the terminal's cursor in it, the count as it fills in, and the keys
/// that keep or drop the search. False when no search line is open.
pub fn render_line(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> bool {
    let (Some(search), Some(s)) = (editing(app), app.session()) else {
        return false;
    };
    let width = area.width as usize;
    let key = |a| app.keymap.key(Mode::Search, a).unwrap_or_default();
    let hints = Line::from(vec![
        Span::styled(key(Action::Submit), theme.key),
        Span::raw(" keep  "),
        Span::styled(key(Action::Cancel), theme.key),
        Span::raw(" cancel "),
    ]);
    let count = search.count_label(&s.view);
    let count = if count.is_empty() {
        String::new()
    } else {
        format!("  {count}  ")
    };
    // The query keeps at least a third of the line; hints go first, then the count.
    let keep = (width / 3).max(8);
    let mut right = hints.width();
    if width.saturating_sub(1 + wrap::width(&count) + right) < keep {
        right = 0;
    }
    let count = if width.saturating_sub(1 + wrap::width(&count) + right) < keep {
        String::new()
    } else {
        count
    };
    let field = width.saturating_sub(1 + wrap::width(&count) + right).max(1);
    let value = sanitize_line(search.query()).into_owned();
    let scroll = search.input.visual_scroll(field.saturating_sub(1));
    let skipped = wrap::cut(&value, scroll);
    let shown = wrap::cut(&value[skipped.len()..], field).to_string();
    let shown_width = wrap::width(&shown);
    let line = Line::from(vec![
        Span::styled("/", theme.key),
        Span::styled(shown, theme.value),
        Span::raw(" ".repeat(field.saturating_sub(shown_width))),
        Span::styled(count, theme.dim),
    ]);
    frame.render_widget(
        Paragraph::new(fit(line, width)).style(theme.status_bar),
        area,
    );
    if right > 0 {
        let at = Rect::new(
            area.right().saturating_sub(right as u16),
            area.y,
            right as u16,
            1,
        );
        frame.render_widget(
            Paragraph::new(hints)
                .style(theme.status_bar)
                .right_aligned(),
            at,
        );
    }
    let before = search.input.visual_cursor().saturating_sub(scroll);
    let x = area.x + 1 + before.min(field) as u16;
    if x < area.right() {
        frame.set_cursor_position(Position::new(x, area.y));
    }
    true
}

/// The kept search in the status line: its query and "3/17".
pub fn status_spans(app: &App, theme: &Theme) -> Vec<Span<'static>> {
    let Some(s) = app.session() else {
        return Vec::new();
    };
    let Some(search) = s.search.as_ref().filter(|x| !x.editing) else {
        return Vec::new();
    };
    let query = wrap::truncate(&sanitize_line(search.query()), 24);
    vec![
        Span::styled(format!("/{query}"), theme.key),
        Span::styled(format!(" {} ", search.count_label(&s.view)), theme.value),
    ]
}

/// The highlights of one row of an entry, if it has any.
#[derive(Debug, Clone, Copy)]
pub struct Highlight<'a> {
    marks: Option<&'a Marks>,
    row: usize,
    theme: &'a Theme,
}

impl<'a> Highlight<'a> {
    pub fn new(marks: Option<&'a Marks>, row: usize, theme: &'a Theme) -> Self {
        Highlight { marks, row, theme }
    }

    /// The row's text in `style`, its matches picked out.
    pub fn text(&self, text: String, style: Style) -> Vec<Span<'static>> {
        let ranges = self
            .marks
            .and_then(|m| m.rows.get(self.row))
            .map_or(&[][..], Vec::as_slice);
        split(text, style, ranges, self.theme)
    }

    /// The speaker's name as shown (`shown`, maybe cut with "…" from `who`), its
    /// matches picked out as far as the name is shown.
    pub fn who(&self, shown: String, who: &str, style: Style) -> Vec<Span<'static>> {
        let ranges = self.marks.map_or(&[][..], |m| m.who.as_slice());
        // A cut name shows a prefix of `who` and then "…".
        let kept = if shown == who {
            who.len()
        } else {
            shown.len().saturating_sub('…'.len_utf8())
        };
        let clipped: Vec<(Range<usize>, bool)> = ranges
            .iter()
            .filter(|(r, _)| r.start < kept)
            .map(|(r, c)| (r.start..r.end.min(kept), *c))
            .collect();
        split(shown, style, &clipped, self.theme)
    }
}

/// `text` as spans: plain stretches in `style`, matched ones in the match styles.
fn split(
    text: String,
    style: Style,
    ranges: &[(Range<usize>, bool)],
    theme: &Theme,
) -> Vec<Span<'static>> {
    if ranges.is_empty() {
        return vec![Span::styled(text, style)];
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (r, current) in ranges {
        let (Some(before), Some(hit)) = (text.get(at..r.start), text.get(r.clone())) else {
            continue;
        };
        if !before.is_empty() {
            out.push(Span::styled(before.to_string(), style));
        }
        let hl = if *current {
            theme.current_match
        } else {
            theme.search_match
        };
        out.push(Span::styled(hit.to_string(), style.patch(hl)));
        at = r.end;
    }
    if let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        out.push(Span::styled(rest.to_string(), style));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_picks_out_each_range() {
        let theme = Theme::default();
        let spans = split(
            "the printer and the spooler".into(),
            theme.value,
            &[(4..11, false), (16..19, true)],
            &theme,
        );
        let texts: Vec<&str> = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["the ", "printer", " and ", "the", " spooler"]);
        assert_eq!(spans[1].style, theme.value.patch(theme.search_match));
        assert_eq!(spans[3].style, theme.value.patch(theme.current_match));
        // A range that is not on a character boundary is left out, not a panic.
        let spans = split("é".into(), theme.value, &[(1..2, false)], &theme);
        assert_eq!(spans.len(), 1);
    }
}
