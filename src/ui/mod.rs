//! Drawing. Reads the state and the theme and nothing else: no I/O, no clocks, no
//! scheduling. Geometry and the panes' rows come from `app`; this only styles them.

pub mod help;
pub mod links;
pub mod links_menu;
pub mod list;
pub mod prompt;
pub mod search;
pub mod session;
pub mod status;
pub mod theme;
pub mod transcript;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::app::keymap::{Action, Mode};
use crate::app::layout::{self, Panes};
use crate::app::rows::{PaneRow, Role};
use crate::app::state::{age_label, Load, Remote};
use crate::app::wrap;
use crate::app::{App, Pane, Screen, SessionScreen};
pub use theme::Theme;
use theme::SPINNER;

/// A selected row in the theme's cursor style, its colours over every span's own: a
/// span's blue text on the light theme's blue bar would vanish. Modifiers add up.
pub fn selected(line: Line<'static>, theme: &Theme) -> Line<'static> {
    let mut line = line.patch_style(theme.cursor);
    for span in &mut line.spans {
        span.style = span.style.patch(theme.cursor);
    }
    line
}

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    let Some(panes) = app.panes() else {
        render_too_small(frame, area, app);
        return;
    };
    match &app.screen {
        Screen::Session(s) => render_session(frame, app, s, &panes, theme),
        Screen::Prompt(p) => {
            if let Some(back) = p.back.as_deref() {
                render_session(frame, app, back, &panes, theme);
            }
            let above_status = Rect {
                height: area.height.saturating_sub(1),
                ..area
            };
            prompt::render(frame, above_status, app, p, theme);
        }
        Screen::List(l) => {
            let above_status = Rect {
                height: area.height.saturating_sub(1),
                ..area
            };
            list::render(frame, above_status, app, l, theme);
        }
    }
    if !search::render_line(frame, panes.status, app, theme) {
        status::render(frame, panes.status, app, theme);
    }
    if let Some(menu) = &app.links_menu {
        let above_status = Rect {
            height: area.height.saturating_sub(1),
            ..area
        };
        links_menu::render(frame, above_status, app, menu, theme);
    }
    if let Some(scroll) = app.help {
        help::render(frame, area, app, scroll, theme);
    }
}

fn render_session(frame: &mut Frame, app: &App, s: &SessionScreen, panes: &Panes, theme: &Theme) {
    // A zoomed screen leaves the other panes no room: they are not drawn at all.
    if !panes.session.is_empty() {
        session::render(frame, panes.session, app, s, theme);
    }
    if !panes.transcript.is_empty() {
        transcript::render(frame, panes.transcript, app, s, theme);
    }
    if !panes.links.is_empty() {
        links::render(frame, panes.links, app, s, theme);
    }
}

fn render_too_small(frame: &mut Frame, area: Rect, app: &App) {
    // The key that quits where the reader is: `q` types into the prompt.
    let mode = match app.screen {
        Screen::Prompt(_) => Mode::Prompt,
        Screen::Session(_) => Mode::Normal,
        Screen::List(_) => Mode::List,
    };
    let quit = app.keymap.key(mode, Action::Quit).unwrap_or_default();
    // What to do comes first, so it survives the narrowest terminals.
    let need = format!(
        "Terminal too small: need {}x{}",
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT
    );
    let full = format!("{need}, now {}x{} · {quit} quits", area.width, area.height);
    let short = format!(
        "Too small: need {}x{}",
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT
    );
    let fits = |t: &str| wrap::width(t) <= area.width as usize;
    let text = [full, need, short]
        .into_iter()
        .find(|t| fits(t))
        .unwrap_or_else(|| {
            wrap::truncate(
                &format!("{}x{}", layout::MIN_WIDTH, layout::MIN_HEIGHT),
                area.width as usize,
            )
        });
    frame.render_widget(Paragraph::new(text), area);
}

pub fn spinner(app: &App) -> &'static str {
    SPINNER[app.spinner % SPINNER.len()]
}

/// The border and title of a pane: number, name, where its data stands, and `extra`;
/// cut with "…" when the pane is narrower than its title.
pub fn pane_block<T>(
    app: &App,
    s: &SessionScreen,
    pane: Pane,
    remote: &Remote<T>,
    extra: Option<String>,
    width: u16,
    theme: &Theme,
) -> Block<'static> {
    let focused = s.focus == pane && matches!(app.screen, Screen::Session(_));
    let (border, title) = if focused {
        (theme.border_focused, theme.title_focused)
    } else {
        (theme.border, theme.title)
    };
    let mut spans = vec![Span::styled(
        format!(" {} {} ", pane.number(), pane.title()),
        title,
    )];
    // The state comes first: on a narrow title it is what must not be cut off.
    // The store's copy stands in for a fetch that could not be made: said for as long
    // as it is on screen, also while a refresh runs or after one failed.
    let offline = remote
        .stored_at
        .filter(|_| remote.data.is_some())
        .map(|at| {
            let zone = app.zone;
            Span::styled(
                format!("offline · from {} {} ", zone.date_time(at), zone.suffix(at)),
                theme.notice,
            )
        });
    let state = match &remote.load {
        Load::Idle => None,
        Load::Loaded { .. } | Load::Loading { .. } if remote.quiet && offline.is_some() => None,
        Load::Loaded { .. } if offline.is_some() => None,
        // A live session's background fetch: the data stays, a small mark says so.
        // A fetch asked again says so, a background poll's too: the wait may be long.
        Load::Loading { .. } if remote.retrying().is_some() => {
            let note = remote.retrying().map(|n| n.describe(app.now));
            let mark = if remote.quiet { "↻" } else { spinner(app) };
            Some(Span::styled(
                format!("{mark} {} ", note.unwrap_or_default()),
                theme.spinner,
            ))
        }
        Load::Loading { .. } if remote.quiet => Some(Span::styled(
            match remote.updated {
                Some(at) => format!("↻ updated {} ", age_label(at, app.now)),
                None => "↻ ".to_string(),
            },
            theme.dim,
        )),
        Load::Loading { .. } => Some(Span::styled(
            format!("{} loading ", spinner(app)),
            theme.spinner,
        )),
        Load::Loaded { at } => Some(Span::styled(
            format!("updated {} ", age_label(*at, app.now)),
            theme.dim,
        )),
        Load::Failed { error, .. } if error.is_offline_links() => {
            Some(Span::styled("offline ", theme.dim))
        }
        Load::Failed { .. } => Some(Span::styled("failed ", theme.error)),
    };
    let extra = extra.map(|extra| Span::styled(format!("{extra} "), title));
    let max = (width as usize).saturating_sub(2);
    // "updated 10s ago" of a loaded pane is the first to go from a narrow title: what
    // the pane adds (the transcript's clock and position) says more.
    let fresh_only = matches!(remote.load, Load::Loaded { .. }) && offline.is_none();
    let width_of = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let all = width_of(&spans)
        + state.as_ref().map_or(0, |s| s.width() + 2)
        + offline.as_ref().map_or(0, |s| s.width() + 2)
        + extra.as_ref().map_or(0, Span::width);
    let state = state.filter(|_| !(fresh_only && extra.is_some() && all > max));
    for state in [state, offline].into_iter().flatten() {
        spans.push(Span::styled("· ", theme.dim));
        spans.push(state);
    }
    spans.extend(extra);
    let line = fit(Line::from(spans), max);
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border)
        .title(line)
}

/// A line cut to `max` columns, ending in "…" when anything was left out.
pub fn fit(line: Line<'static>, max: usize) -> Line<'static> {
    if line.width() <= max {
        return line;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let w = span.width();
        // Strictly less: the ellipsis needs a column of its own.
        if used + w < max {
            used += w;
            out.push(span);
            continue;
        }
        let room = max.saturating_sub(used + 1);
        out.push(Span::styled(
            format!("{}…", wrap::cut(&span.content, room)),
            span.style,
        ));
        break;
    }
    Line::from(out)
}

/// Marks on the bottom border when a short pane's text goes on above or below.
pub fn with_scroll_marks(
    block: Block<'static>,
    total: usize,
    scroll: usize,
    height: usize,
    theme: &Theme,
) -> Block<'static> {
    let above = scroll > 0;
    let below = total > scroll + height;
    let text = match (above, below) {
        (false, false) => return block,
        (true, false) => " ↑ more ",
        (false, true) => " ↓ more ",
        (true, true) => " ↑↓ more ",
    };
    block.title_bottom(Line::styled(text, theme.dim).right_aligned())
}

/// A row model styled by the theme.
pub fn row_line(row: &PaneRow, app: &App, theme: &Theme) -> Line<'static> {
    Line::from(
        row.spans
            .iter()
            .map(|(text, role)| match role {
                Role::Spinner => Span::styled(format!("{} {text}", spinner(app)), theme.spinner),
                _ => Span::styled(text.clone(), theme.role(role)),
            })
            .collect::<Vec<_>>(),
    )
}

/// The label of the field whose continuation is the first row shown at `scroll`.
fn sticky_label(rows: &[PaneRow], scroll: usize) -> Option<String> {
    let is_blank_label = |r: &PaneRow| {
        r.spans.len() > 1
            && matches!(r.spans.first(), Some((t, Role::Label)) if t.trim().is_empty())
    };
    let first = rows.get(scroll)?;
    if scroll == 0 || !is_blank_label(first) {
        return None;
    }
    rows[..scroll]
        .iter()
        .rev()
        .find_map(|r| match r.spans.first() {
            Some((t, Role::Label)) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ if is_blank_label(r) => None,
            // A heading or a sentence: the field started elsewhere.
            _ => Some(String::new()),
        })
        .filter(|l| !l.is_empty())
}

/// A short pane: its rows from the row model, scrolled, with "more" marks.
#[allow(clippy::too_many_arguments)] // one call per short pane, each argument named
pub fn render_rows(
    frame: &mut Frame,
    area: Rect,
    block: Block<'static>,
    pane: Pane,
    rows: &[PaneRow],
    scroll: usize,
    app: &App,
    theme: &Theme,
) {
    let (_, height) = layout::text_area(area);
    let block = with_scroll_marks(block, rows.len(), scroll, height, theme);
    let mut lines: Vec<Line> = rows
        .iter()
        .skip(scroll)
        .take(height)
        .map(|r| row_line(r, app, theme))
        .collect();
    // In the focused pane the top row's field is what `y` copies: its label says so.
    let focused = app
        .session()
        .is_some_and(|s| s.focus == pane && matches!(app.screen, Screen::Session(_)));
    // Scrolled into the middle of a long value, the top row names its field (as the
    // transcript names a message's speaker).
    if let (Some(label), Some(first)) = (sticky_label(rows, scroll), lines.first_mut()) {
        if let Some(span) = first.spans.first_mut().filter(|s| s.width() >= 6) {
            let cols = span.width();
            span.content = wrap::truncate(&format!("{label:<cols$}"), cols).into();
            span.style = theme.label;
        }
    }
    let copyable = rows.get(scroll).is_some_and(|r| r.value.is_some());
    if let (true, true, Some(first)) = (focused, copyable, lines.first_mut()) {
        if let Some(span) = first.spans.first_mut() {
            span.style = span.style.patch(theme.cursor);
        }
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
