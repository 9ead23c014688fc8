//! Drawing. Reads the state and nothing else: no I/O, no clocks, no scheduling.

pub mod help;
pub mod layout;
pub mod links;
pub mod prompt;
pub mod session;
pub mod status;
pub mod theme;
pub mod transcript;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::api::error::WithHint;
use crate::api::ApiError;
use crate::app::state::{age_label, Load, Remote};
use crate::app::wrap;
use crate::app::{App, Pane};
use theme::{SPINNER, THEME};

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if app.prompt.is_some() {
        prompt::render(frame, area, app);
        return;
    }
    let Some(panes) = layout::panes(area) else {
        render_too_small(frame, area);
        return;
    };
    session::render(frame, panes.session, app);
    transcript::render(frame, panes.transcript, app);
    links::render(frame, panes.links, app);
    status::render(frame, panes.status, app);
    if app.help {
        help::render(frame, area, app.help_scroll);
    }
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    // What to do comes first, so it survives the narrowest terminals.
    let need = format!(
        "Terminal too small: need {}x{}",
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT
    );
    let full = format!("{need}, now {}x{}", area.width, area.height);
    let text = if wrap::width(&full) <= area.width as usize {
        full
    } else {
        wrap::truncate(&need, area.width as usize)
    };
    frame.render_widget(Paragraph::new(text), area);
}

/// The border and title of a pane: number, name, and where its data stands.
pub fn pane_block<T>(
    app: &App,
    pane: Pane,
    remote: &Remote<T>,
    extra: Option<String>,
) -> Block<'static> {
    let focused = app.focus == pane;
    let (border, title) = if focused {
        (THEME.border_focused, THEME.title_focused)
    } else {
        (THEME.border, THEME.title)
    };
    let mut spans = vec![Span::styled(
        format!(" {} {} ", pane.number(), pane.title()),
        title,
    )];
    // The state comes first: on a narrow title it is what must not be cut off.
    let state = match &remote.load {
        Load::Idle => None,
        Load::Loading { .. } => Some(Span::styled(
            format!("{} loading ", SPINNER[app.spinner % SPINNER.len()]),
            THEME.spinner,
        )),
        Load::Loaded { at } => Some(Span::styled(
            format!("updated {} ", age_label(*at, app.now)),
            THEME.dim,
        )),
        Load::Failed { .. } => Some(Span::styled("failed ", THEME.error)),
    };
    if let Some(state) = state {
        spans.push(Span::styled("· ", THEME.dim));
        spans.push(state);
    }
    if let Some(extra) = extra {
        spans.push(Span::styled(format!("{extra} "), title));
    }
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border)
        .title(Line::from(spans))
}

/// Marks on the bottom border when a short pane's text goes on above or below.
pub fn with_scroll_marks(
    block: Block<'static>,
    total: usize,
    scroll: usize,
    height: usize,
) -> Block<'static> {
    let above = scroll > 0;
    let below = total > scroll + height;
    let text = match (above, below) {
        (false, false) => return block,
        (true, false) => " ↑ more ",
        (false, true) => " ↓ more ",
        (true, true) => " ↑↓ more ",
    };
    block.title_bottom(Line::styled(text, THEME.dim).right_aligned())
}

/// An optional server field as one sanitised line, empty when missing.
pub fn line_of(v: &Option<String>) -> String {
    v.as_deref()
        .map(|x| crate::sanitize::sanitize_line(x).into_owned())
        .unwrap_or_default()
}

/// A pane's text when it has no data yet: a spinner, or the error and its hint.
pub fn placeholder<T>(
    app: &App,
    remote: &Remote<T>,
    what: &str,
    width: usize,
) -> Vec<Line<'static>> {
    match &remote.load {
        Load::Loading { .. } => vec![Line::styled(
            format!("{} Loading {what}…", SPINNER[app.spinner % SPINNER.len()]),
            THEME.spinner,
        )],
        Load::Failed { error, .. } => error_lines(error, width),
        _ => Vec::new(),
    }
}

/// An error and its hint, wrapped, for the top of a pane.
pub fn error_lines(error: &ApiError, width: usize) -> Vec<Line<'static>> {
    let text = format!("⚠ {}", WithHint(error));
    wrap::wrap(&crate::sanitize::sanitize_line(&text), width, width)
        .into_iter()
        .map(|l| Line::styled(l, THEME.error))
        .collect()
}

/// `label  value` rows with the value wrapped under itself; an empty value is skipped.
pub fn field(
    out: &mut Vec<Line<'static>>,
    label: &str,
    value: &str,
    style: ratatui::style::Style,
    width: usize,
) {
    const LABEL: usize = 11;
    if value.trim().is_empty() {
        return;
    }
    let avail = width.saturating_sub(LABEL).max(8);
    for (n, row) in wrap::wrap(value, avail, avail).into_iter().enumerate() {
        let head = if n == 0 {
            format!("{label:<LABEL$}")
        } else {
            " ".repeat(LABEL)
        };
        out.push(Line::from(vec![
            Span::styled(head, THEME.label),
            Span::styled(row, style),
        ]));
    }
}
