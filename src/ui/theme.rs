//! The theme as a value of named styles, read from `assets/theme.toml`, so panes say
//! what a thing is, not how it looks, and a config file can later change any of it.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::app::rows::Role;
use crate::present::StatusKind;

const DEFAULT: &str = include_str!("../../assets/theme.toml");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub title_focused: Style,
    pub label: Style,
    pub value: Style,
    pub dim: Style,
    pub time: Style,
    pub error: Style,
    pub link: Style,
    pub technician: Style,
    pub customer: Style,
    pub other: Style,
    pub system: Style,
    pub date: Style,
    pub spinner: Style,
    pub key: Style,
    pub status_bar: Style,
    pub notice: Style,
    pub live: Style,
    pub secret: Style,
    pub heading: Style,
    pub scrollbar: Style,
    pub cursor: Style,
    /// A search match (`match` in the theme file).
    pub search_match: Style,
    pub current_match: Style,
    pub badge_waiting: Style,
    pub badge_active: Style,
    pub badge_complete: Style,
    pub badge_abandoned: Style,
    pub badge_not_started: Style,
    pub badge_other: Style,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underlined: bool,
    #[serde(default)]
    reversed: bool,
}

impl Spec {
    fn style(&self, name: &str) -> Result<Style, String> {
        let color = |c: &Option<String>| -> Result<Option<Color>, String> {
            c.as_deref()
                .map(|c| {
                    c.parse::<Color>()
                        .map_err(|_| format!("{name}: unknown colour {c:?}"))
                })
                .transpose()
        };
        let mut style = Style::new();
        if let Some(fg) = color(&self.fg)? {
            style = style.fg(fg);
        }
        if let Some(bg) = color(&self.bg)? {
            style = style.bg(bg);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underlined, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            if on {
                style = style.add_modifier(m);
            }
        }
        Ok(style)
    }
}

#[derive(Debug, Deserialize)]
struct File {
    #[serde(flatten)]
    styles: BTreeMap<String, toml::Value>,
}

impl Default for Theme {
    fn default() -> Self {
        // The default theme ships with the binary; a test proves it parses.
        Theme::parse(DEFAULT).unwrap_or_else(|e| panic!("assets/theme.toml: {e}"))
    }
}

impl Theme {
    /// Reads a theme in the format of `assets/theme.toml`. Every style must be named.
    pub fn parse(text: &str) -> Result<Theme, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let badges: BTreeMap<String, toml::Value> = match file.styles.get("badge") {
            Some(toml::Value::Table(t)) => t.clone().into_iter().collect(),
            _ => BTreeMap::new(),
        };
        let get = |table: &BTreeMap<String, toml::Value>, key: &str, prefix: &str| {
            let name = format!("{prefix}{key}");
            let spec: Spec = match table.get(key) {
                Some(v) => v.clone().try_into().map_err(|e| format!("{name}: {e}"))?,
                None => return Err(format!("{name}: missing")),
            };
            spec.style(&name)
        };
        let s = |key: &str| get(&file.styles, key, "");
        let b = |key: &str| get(&badges, key, "badge.");
        Ok(Theme {
            border: s("border")?,
            border_focused: s("border_focused")?,
            title: s("title")?,
            title_focused: s("title_focused")?,
            label: s("label")?,
            value: s("value")?,
            dim: s("dim")?,
            time: s("time")?,
            error: s("error")?,
            link: s("link")?,
            technician: s("technician")?,
            customer: s("customer")?,
            other: s("other")?,
            system: s("system")?,
            date: s("date")?,
            spinner: s("spinner")?,
            key: s("key")?,
            status_bar: s("status_bar")?,
            notice: s("notice")?,
            live: s("live")?,
            secret: s("secret")?,
            heading: s("heading")?,
            scrollbar: s("scrollbar")?,
            cursor: s("cursor")?,
            search_match: s("match")?,
            current_match: s("current_match")?,
            badge_waiting: b("waiting")?,
            badge_active: b("active")?,
            badge_complete: b("complete")?,
            badge_abandoned: b("abandoned")?,
            badge_not_started: b("not_started")?,
            badge_other: b("other")?,
        })
    }

    /// The same theme without colours (NO_COLOR): modifiers stay, so focus, badges and
    /// links still read.
    pub fn without_colors(&self) -> Theme {
        let strip = |s: Style| Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..s
        };
        // A badge loses its background; reversed video keeps it a badge.
        let badge = |s: Style| strip(s).add_modifier(Modifier::REVERSED);
        Theme {
            border: strip(self.border),
            border_focused: strip(self.border_focused),
            title: strip(self.title),
            title_focused: strip(self.title_focused),
            label: strip(self.label),
            value: strip(self.value),
            dim: strip(self.dim),
            time: strip(self.time),
            error: strip(self.error),
            link: strip(self.link),
            technician: strip(self.technician),
            customer: strip(self.customer),
            other: strip(self.other),
            system: strip(self.system),
            date: strip(self.date),
            spinner: strip(self.spinner),
            key: strip(self.key),
            status_bar: strip(self.status_bar),
            notice: badge(self.notice),
            live: badge(self.live),
            secret: strip(self.secret),
            heading: strip(self.heading),
            scrollbar: strip(self.scrollbar),
            cursor: strip(self.cursor),
            // Like a badge, a match keeps standing out by reversed video.
            search_match: badge(self.search_match),
            current_match: badge(self.current_match),
            badge_waiting: badge(self.badge_waiting),
            badge_active: badge(self.badge_active),
            badge_complete: badge(self.badge_complete),
            badge_abandoned: badge(self.badge_abandoned),
            badge_not_started: badge(self.badge_not_started),
            badge_other: badge(self.badge_other),
        }
    }

    /// The default theme, honouring NO_COLOR when it is set to anything non-empty.
    pub fn from_env() -> Theme {
        let theme = Theme::default();
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => theme.without_colors(),
            _ => theme,
        }
    }

    /// Each status its own badge, so a glance tells a live session from an old one.
    pub fn badge(&self, status: StatusKind) -> Style {
        match status {
            StatusKind::Waiting => self.badge_waiting,
            StatusKind::Active => self.badge_active,
            StatusKind::Complete => self.badge_complete,
            StatusKind::Abandoned => self.badge_abandoned,
            StatusKind::NotStarted => self.badge_not_started,
            StatusKind::Unknown => self.badge_other,
        }
    }

    /// The style of a row model's role.
    pub fn role(&self, role: &Role) -> Style {
        match role {
            Role::Plain => self.value,
            Role::Label => self.label,
            Role::Dim => self.dim,
            Role::Heading => self.heading,
            Role::Link => self.link,
            Role::Technician => self.technician,
            Role::Customer => self.customer,
            Role::Secret => self.secret,
            Role::Error => self.error,
            Role::Spinner => self.spinner,
            Role::Badge(status) => self.badge(*status),
        }
    }
}

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_theme_parses_and_no_color_strips_colours() {
        let t = Theme::default();
        assert_eq!(t.badge_complete.bg, Some(Color::Blue));
        let plain = t.without_colors();
        assert_eq!(plain.badge_complete.bg, None);
        assert!(plain
            .badge_complete
            .add_modifier
            .contains(Modifier::REVERSED));
        assert!(plain.border_focused.add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn no_style_uses_colour_8() {
        let t = Theme::default();
        let all = format!("{t:?}");
        assert!(!all.contains("DarkGray"), "{all}");
    }

    #[test]
    fn bad_themes_are_refused_with_the_name() {
        let e = Theme::parse("border = { fg = \"mauve\" }").unwrap_err();
        assert!(e.contains("border"), "{e}");
    }
}
