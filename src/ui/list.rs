//! The session list: the week and how current it is in the border, the query line with
//! its count, a line for what went wrong or why nothing shows, the rows with the matched
//! letters highlighted, and the "in the chat:" section. Rows and each cell's text come
//! from `present::list` (as `g2a-tui list` prints them), the columns, highlights and
//! geometry from `app::list`/`app::list_rows`; this styles and draws them.

use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;
use unicode_segmentation::UnicodeSegmentation;

use super::{fit, spinner, Theme};
use crate::app::list::{self, ListLine, ListScreen};
use crate::app::list_rows::{self, Column, Fields};
use crate::app::state::{age_label, Load, RetryNote};
use crate::app::wrap;
use crate::app::App;
use crate::present::{self, list::ListRow};
use crate::sanitize::sanitize_line;

const PROMPT: &str = "> ";
/// The selected line's marker, as fzf has it; other lines get spaces.
const GUTTER: usize = 2;

pub fn render(frame: &mut Frame, area: Rect, app: &App, l: &ListScreen, theme: &Theme) {
    let inner_w = area.width.saturating_sub(2) as usize;
    // The status filter stays in view whatever the width; its label goes first.
    let filter = Line::from(vec![
        Span::styled(if inner_w >= 60 { " status: " } else { " " }, theme.title),
        Span::styled(format!("{} ", l.status.label()), theme.title_focused),
    ]);
    let left_room = inner_w.saturating_sub(filter.width() + 1);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border_focused)
        .title(fit(title(app, l, theme), left_room))
        .title(fit(filter, inner_w).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let width = inner.width as usize;
    let mut lines = vec![query_line(l, width, theme)];
    lines.extend(message_lines(app, l, width, theme));
    let columns = list_rows::columns(
        width.saturating_sub(GUTTER),
        l.rows().iter().any(|r| r.stored),
    );
    if list::shows_titles(app, l) {
        let mut spans = vec![Span::raw(" ".repeat(GUTTER))];
        for (n, (col, w)) in columns.iter().enumerate() {
            if n > 0 {
                spans.push(Span::raw(" "));
            }
            spans.push(Span::styled(
                pad(&wrap::truncate(col.title(), *w), *w),
                theme.label,
            ));
        }
        lines.push(fit(Line::from(spans), width));
    }
    let height = list::body_height(app);
    let all = l.lines();
    let selected = l.selected_line();
    let mut matcher = list_rows::matcher();
    for (n, line) in all.iter().enumerate().skip(l.scroll).take(height) {
        let on = selected == Some(n);
        let hl = match_style(on, theme);
        let drawn = match *line {
            ListLine::Row(i) => {
                let at = l.shown.get(i).copied();
                match at.and_then(|r| Some((l.rows().get(r)?, l.fields().get(r)?))) {
                    Some((row, fields)) => {
                        row_line(app, l, (row, fields), &columns, &mut matcher, hl, theme)
                    }
                    None => Line::raw(""),
                }
            }
            ListLine::ChatHeading => Line::styled("in the chat:", theme.heading),
            ListLine::Hit(i) => match l.chat_hits().get(i) {
                Some(hit) => hit_line(app, hit, width.saturating_sub(GUTTER), hl, theme),
                None => Line::raw(""),
            },
            ListLine::ChatNote => {
                Line::styled(l.chat.problem.clone().unwrap_or_default(), theme.dim)
            }
        };
        let gutter = if on { "> " } else { "  " };
        let mut spans = vec![Span::styled(gutter, theme.key)];
        if matches!(line, ListLine::ChatHeading | ListLine::ChatNote) {
            spans.clear();
        }
        spans.extend(drawn.spans);
        let mut line = fit(Line::from(spans), width);
        if on {
            line = super::selected(line, theme);
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
    // The terminal's own cursor marks where typing goes.
    let field = width
        .saturating_sub(PROMPT.len() + count_text(l).len() + 1)
        .max(1);
    let scroll = l.input.visual_scroll(field.saturating_sub(1));
    let x = inner.x as usize + PROMPT.len() + l.input.visual_cursor().saturating_sub(scroll);
    if app.help.is_none() {
        frame.set_cursor_position(Position::new(
            (x as u16).min(inner.right().saturating_sub(1)),
            inner.y,
        ));
    }
}

/// " Sessions · last 7 days · updated 3s ago ", with the state first to go on a narrow
/// border being the week (what the rows are).
fn title(app: &App, l: &ListScreen, theme: &Theme) -> Line<'static> {
    let mut spans = vec![
        Span::styled(" Sessions · ", theme.title_focused),
        Span::styled(
            format!("{} ", list::week_label(app, l)),
            theme.title_focused,
        ),
    ];
    let state = match &l.load {
        _ if l.offline => Some(Span::styled("offline · stored sessions ", theme.dim)),
        Load::Loading { .. } if RetryNote::current(&l.retry, &l.load).is_some() => {
            let note = RetryNote::current(&l.retry, &l.load).map(|n| n.describe(app.now));
            let mark = if l.quiet { "↻" } else { spinner(app) };
            Some(Span::styled(
                format!("{mark} {} ", note.unwrap_or_default()),
                theme.spinner,
            ))
        }
        Load::Loading { .. } if l.quiet => l
            .updated
            .map(|at| Span::styled(format!("↻ updated {} ", age_label(at, app.now)), theme.dim)),
        Load::Loading { .. } => Some(Span::styled(
            format!("{} loading ", spinner(app)),
            theme.spinner,
        )),
        Load::Loaded { at } => Some(Span::styled(
            format!("updated {} ", age_label(*at, app.now)),
            theme.dim,
        )),
        Load::Failed { .. } => Some(Span::styled("failed ", theme.error)),
        Load::Idle => None,
    };
    if let Some(state) = state {
        spans.push(Span::styled("· ", theme.dim));
        spans.push(state);
    }
    Line::from(spans)
}

fn count_text(l: &ListScreen) -> String {
    format!("{}/{}", l.shown.len(), l.rows().len())
}

/// "> query" with the count on the right, as fzf shows it.
fn query_line(l: &ListScreen, width: usize, theme: &Theme) -> Line<'static> {
    let count = count_text(l);
    let field = width.saturating_sub(PROMPT.len() + count.len() + 1).max(1);
    let value = sanitize_line(l.query()).into_owned();
    let scroll = l.input.visual_scroll(field.saturating_sub(1));
    let shown = wrap::cut(skip_cols(&value, scroll), field).to_string();
    let gap = width.saturating_sub(PROMPT.len() + wrap::width(&shown) + count.len());
    fit(
        Line::from(vec![
            Span::styled(PROMPT, theme.key),
            Span::styled(shown, theme.value),
            Span::raw(" ".repeat(gap)),
            Span::styled(count, theme.dim),
        ]),
        width,
    )
}

fn skip_cols(s: &str, cols: usize) -> &str {
    let cut = wrap::cut(s, cols);
    &s[cut.len()..]
}

/// What went wrong, or why there is nothing to show, on as many lines as it takes
/// (up to three), so an error's hint survives a narrow screen.
fn message_lines(app: &App, l: &ListScreen, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let Some((_, kind)) = list::message(app, l) else {
        return Vec::new();
    };
    let style = match kind {
        list::MessageKind::Problem => theme.error,
        list::MessageKind::Note => theme.dim,
        list::MessageKind::Loading => theme.spinner,
    };
    list::message_lines(app, l, width)
        .into_iter()
        .enumerate()
        .map(|(n, text)| {
            let text = match kind {
                list::MessageKind::Loading if n == 0 => format!("{} {text}", spinner(app)),
                _ => text,
            };
            fit(Line::styled(text, style), width)
        })
        .collect()
}

/// A row's cells, a space apart, with the query's letters highlighted.
fn row_line(
    app: &App,
    l: &ListScreen,
    (row, fields): (&ListRow, &Fields),
    columns: &[(Column, usize)],
    matcher: &mut nucleo_matcher::Matcher,
    hl: Style,
    theme: &Theme,
) -> Line<'static> {
    let cells = present::list::cells(row, app.zone, app.wall);
    let mut spans = Vec::new();
    for (n, (col, w)) in columns.iter().enumerate() {
        if n > 0 {
            spans.push(Span::raw(" "));
        }
        let (text, field) = list_rows::cell(&cells, fields, *col);
        match col {
            Column::Status => {
                let badge = wrap::truncate(&format!(" {text} "), *w);
                let rest = w.saturating_sub(wrap::width(&badge));
                spans.push(Span::styled(badge, theme.badge(row.kind())));
                spans.push(Span::raw(" ".repeat(rest)));
            }
            _ => {
                let style = match col {
                    Column::Customer => theme.customer,
                    Column::Expert => theme.technician,
                    Column::Started | Column::Stored => theme.dim,
                    Column::Duration if row.clock_runs() => theme.heading,
                    _ => theme.value,
                };
                let marks = match field {
                    Some(f) if !l.pattern().atoms.is_empty() => {
                        list_rows::highlights(fields, l.pattern(), f, matcher)
                    }
                    _ => Vec::new(),
                };
                spans.extend(highlighted(
                    &wrap::truncate(text, *w),
                    *w,
                    style,
                    &marks,
                    hl,
                ));
            }
        }
    }
    Line::from(spans)
}

/// `text` padded to `w`, the graphemes at `marks` in the match style.
fn highlighted(text: &str, w: usize, style: Style, marks: &[u32], hl: Style) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_on = false;
    for (i, g) in text.graphemes(true).enumerate() {
        let on = g != "…" && marks.binary_search(&(i as u32)).is_ok();
        if on != run_on && !run.is_empty() {
            let s = if run_on { hl } else { style };
            spans.push(Span::styled(std::mem::take(&mut run), s));
        }
        run_on = on;
        run.push_str(g);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_on { hl } else { style }));
    }
    let rest = w.saturating_sub(wrap::width(text));
    if rest > 0 {
        spans.push(Span::raw(" ".repeat(rest)));
    }
    spans
}

/// "#id 11-09 speaker: …the matching line…" with the store's matches highlighted.
fn hit_line(
    app: &App,
    hit: &list::ChatHit,
    width: usize,
    hl: Style,
    theme: &Theme,
) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("#{}", sanitize_line(&hit.session_id)),
        theme.value,
    )];
    if let Some(day) = hit
        .started
        .and_then(|t| app.zone.wall_clock(t))
        .map(|(w, _)| w.format("%m-%d").to_string())
    {
        spans.push(Span::styled(format!(" {day}"), theme.dim));
    }
    if hit.who.is_empty() {
        spans.push(Span::raw("  "));
    } else {
        let style = if hit.by_customer {
            theme.customer
        } else {
            theme.technician
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(wrap::truncate(&hit.who, 24), style));
        spans.push(Span::styled(": ", theme.dim));
    }
    for (text, matched) in &hit.parts {
        let style = if *matched { hl } else { theme.value };
        spans.push(Span::styled(text.clone(), style));
    }
    fit(Line::from(spans), width)
}

/// The match style; on the selected line, when a match is reversed video as the
/// selection is (no colours), bold and underlined instead, so it still shows.
fn match_style(on: bool, theme: &Theme) -> Style {
    let both_reversed = theme.search_match.add_modifier.contains(Modifier::REVERSED)
        && theme.cursor.add_modifier.contains(Modifier::REVERSED);
    if on && both_reversed {
        theme
            .search_match
            .remove_modifier(Modifier::REVERSED)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    } else {
        theme.search_match
    }
}

fn pad(s: &str, w: usize) -> String {
    let rest = w.saturating_sub(wrap::width(s));
    format!("{s}{}", " ".repeat(rest))
}
