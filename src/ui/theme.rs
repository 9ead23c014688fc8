//! The theme as a value of named styles, read from `assets/theme.toml` (palettes
//! `dark`, `light`, `mono`), so panes say what a thing is, not how it looks, and the
//! config file's `[colors]` can change any role by its name.

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

/// Which palette of `assets/theme.toml` (`theme` in config.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    Mono,
}

impl ThemeName {
    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }
}

/// One entry of the config file's `[colors]`: a role (`key`, `badge.active`) and either
/// a colour (the text colour) or a whole style table, still as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ColorOverride {
    pub role: String,
    pub value: toml::Value,
    /// Its line in the file, for warnings.
    pub line: usize,
}

/// Every role, as theme files and `[colors]` name them.
pub const ROLES: [&str; 32] = [
    "border",
    "border_focused",
    "title",
    "title_focused",
    "label",
    "value",
    "dim",
    "time",
    "error",
    "link",
    "technician",
    "customer",
    "other",
    "system",
    "date",
    "spinner",
    "key",
    "status_bar",
    "notice",
    "live",
    "secret",
    "heading",
    "scrollbar",
    "cursor",
    "match",
    "current_match",
    "badge.waiting",
    "badge.active",
    "badge.complete",
    "badge.abandoned",
    "badge.not_started",
    "badge.other",
];

impl Default for Theme {
    fn default() -> Self {
        Theme::named(ThemeName::Dark)
    }
}

fn spec_style(name: &str, value: &toml::Value) -> Result<Style, String> {
    let spec: Spec = value
        .clone()
        .try_into()
        .map_err(|e| format!("{name}: {e}"))?;
    spec.style(name)
}

impl Theme {
    fn blank() -> Theme {
        let s = Style::new();
        Theme {
            border: s,
            border_focused: s,
            title: s,
            title_focused: s,
            label: s,
            value: s,
            dim: s,
            time: s,
            error: s,
            link: s,
            technician: s,
            customer: s,
            other: s,
            system: s,
            date: s,
            spinner: s,
            key: s,
            status_bar: s,
            notice: s,
            live: s,
            secret: s,
            heading: s,
            scrollbar: s,
            cursor: s,
            search_match: s,
            current_match: s,
            badge_waiting: s,
            badge_active: s,
            badge_complete: s,
            badge_abandoned: s,
            badge_not_started: s,
            badge_other: s,
        }
    }

    /// The style a role name stands for.
    fn slot(&mut self, role: &str) -> Option<&mut Style> {
        Some(match role {
            "border" => &mut self.border,
            "border_focused" => &mut self.border_focused,
            "title" => &mut self.title,
            "title_focused" => &mut self.title_focused,
            "label" => &mut self.label,
            "value" => &mut self.value,
            "dim" => &mut self.dim,
            "time" => &mut self.time,
            "error" => &mut self.error,
            "link" => &mut self.link,
            "technician" => &mut self.technician,
            "customer" => &mut self.customer,
            "other" => &mut self.other,
            "system" => &mut self.system,
            "date" => &mut self.date,
            "spinner" => &mut self.spinner,
            "key" => &mut self.key,
            "status_bar" => &mut self.status_bar,
            "notice" => &mut self.notice,
            "live" => &mut self.live,
            "secret" => &mut self.secret,
            "heading" => &mut self.heading,
            "scrollbar" => &mut self.scrollbar,
            "cursor" => &mut self.cursor,
            "match" => &mut self.search_match,
            "current_match" => &mut self.current_match,
            "badge.waiting" => &mut self.badge_waiting,
            "badge.active" => &mut self.badge_active,
            "badge.complete" => &mut self.badge_complete,
            "badge.abandoned" => &mut self.badge_abandoned,
            "badge.not_started" => &mut self.badge_not_started,
            "badge.other" => &mut self.badge_other,
            _ => return None,
        })
    }

    /// Reads one palette in the format of a table of `assets/theme.toml` (top-level
    /// roles and a `[badge]` table). Every role must be named.
    pub fn parse(text: &str) -> Result<Theme, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        Theme::from_table(&table)
    }

    fn from_table(table: &toml::Table) -> Result<Theme, String> {
        let mut theme = Theme::blank();
        for role in ROLES {
            let value = match role.split_once('.') {
                Some((group, key)) => table.get(group).and_then(|g| g.get(key)),
                None => table.get(role),
            };
            let value = value.ok_or_else(|| format!("{role}: missing"))?;
            if let Some(slot) = theme.slot(role) {
                *slot = spec_style(role, value)?;
            }
        }
        Ok(theme)
    }

    /// A palette shipped in `assets/theme.toml`.
    pub fn named(name: ThemeName) -> Theme {
        // The themes ship with the binary; a test proves each parses.
        let file: toml::Table =
            toml::from_str(DEFAULT).unwrap_or_else(|e| panic!("assets/theme.toml: {e}"));
        let table = match file.get(name.name()) {
            Some(toml::Value::Table(t)) => t.clone(),
            _ => panic!("assets/theme.toml: no [{}] palette", name.name()),
        };
        Theme::from_table(&table)
            .unwrap_or_else(|e| panic!("assets/theme.toml [{}]: {e}", name.name()))
    }

    /// The theme the viewer draws with: the named palette with the config file's
    /// `[colors]` applied, and what was wrong with them (line, message; each such entry
    /// is skipped). `no_color` (NO_COLOR set) forces `mono` and keeps overrides' bold,
    /// dim, italic, underlined and reversed but none of their colours.
    pub fn build(
        name: ThemeName,
        overrides: &[ColorOverride],
        no_color: bool,
    ) -> (Theme, Vec<(usize, String)>) {
        let mut theme = Theme::named(if no_color { ThemeName::Mono } else { name });
        let mut warnings = Vec::new();
        for o in overrides {
            let current = theme.slot(&o.role).map(|s| *s);
            let Some(current) = current else {
                warnings.push((
                    o.line,
                    format!("[colors] unknown role {:?}; ignored", o.role),
                ));
                continue;
            };
            let style = match &o.value {
                // A colour alone is the text colour; the rest of the style stays.
                toml::Value::String(c) => c
                    .parse::<Color>()
                    .map(|c| current.fg(c))
                    .map_err(|_| format!("{}: unknown colour {c:?}", o.role)),
                v @ toml::Value::Table(_) => spec_style(&o.role, v),
                _ => Err(format!(
                    "{}: expected a colour (\"green\") or a style ({{ fg = \"green\", bold = true }})",
                    o.role
                )),
            };
            match (style, theme.slot(&o.role)) {
                (Ok(style), Some(slot)) => *slot = style,
                (Err(e), _) => warnings.push((o.line, format!("[colors] {e}; ignored"))),
                (Ok(_), None) => {}
            }
        }
        if no_color {
            for role in ROLES {
                if let Some(slot) = theme.slot(role) {
                    *slot = Style {
                        fg: None,
                        bg: None,
                        underline_color: None,
                        ..*slot
                    };
                }
            }
        }
        (theme, warnings)
    }

    /// True when NO_COLOR is set to anything non-empty (https://no-color.org).
    pub fn no_color_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
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

    #[test]
    fn every_palette_parses_and_mono_has_no_colour() {
        for name in [ThemeName::Dark, ThemeName::Light, ThemeName::Mono] {
            let t = Theme::named(name);
            assert_ne!(t.cursor, Style::new(), "{name:?}");
        }
        let mono = format!("{:?}", Theme::named(ThemeName::Mono));
        assert!(
            !mono.contains("fg: Some") && !mono.contains("bg: Some"),
            "{mono}"
        );
        // On a light background the cursor row is an explicit pair, not reversed text.
        let light = Theme::named(ThemeName::Light);
        assert_eq!(
            (light.cursor.fg, light.cursor.bg),
            (Some(Color::White), Some(Color::Blue))
        );
    }

    fn color(role: &str, value: toml::Value, line: usize) -> ColorOverride {
        ColorOverride {
            role: role.into(),
            value,
            line,
        }
    }

    #[test]
    fn colour_overrides_change_only_their_role() {
        let table: toml::Table = toml::from_str("v = { bg = \"red\", bold = true }").expect("toml");
        let (t, warnings) = Theme::build(
            ThemeName::Dark,
            &[
                color("key", toml::Value::String("green".into()), 1),
                color("badge.active", table["v"].clone(), 2),
                color("colour", toml::Value::String("red".into()), 3),
                color("link", toml::Value::String("mauve".into()), 4),
                color("time", toml::Value::Integer(3), 5),
            ],
            false,
        );
        let dark = Theme::default();
        assert_eq!(t.key, dark.key.fg(Color::Green));
        assert_eq!(
            t.badge_active,
            Style::new().bg(Color::Red).add_modifier(Modifier::BOLD)
        );
        assert_eq!(
            (t.link, t.time, t.border),
            (dark.link, dark.time, dark.border)
        );
        let lines: Vec<usize> = warnings.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [3, 4, 5], "{warnings:?}");
        assert!(
            warnings[0].1.contains("unknown role \"colour\""),
            "{warnings:?}"
        );
        // NO_COLOR: mono, and an override's colour goes too.
        let (t, _) = Theme::build(
            ThemeName::Light,
            &[color("key", toml::Value::String("green".into()), 1)],
            true,
        );
        assert_eq!(t, Theme::named(ThemeName::Mono));
    }
}
