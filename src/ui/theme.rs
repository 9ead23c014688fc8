//! The theme as one constant of named styles, so panes say what a thing is, not how
//! it looks.

use ratatui::style::{Color, Modifier, Style};

use crate::api::Status;

pub struct Theme {
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub title_focused: Style,
    pub label: Style,
    pub value: Style,
    pub dim: Style,
    pub error: Style,
    pub link: Style,
    pub technician: Style,
    pub customer: Style,
    pub system: Style,
    pub date: Style,
    pub spinner: Style,
    pub key: Style,
    pub status_bar: Style,
    pub notice: Style,
    pub secret: Style,
}

pub const THEME: Theme = Theme {
    border: Style::new().fg(Color::DarkGray),
    border_focused: Style::new().fg(Color::Cyan),
    title: Style::new().fg(Color::Gray),
    title_focused: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    label: Style::new().fg(Color::DarkGray),
    value: Style::new(),
    dim: Style::new().fg(Color::DarkGray),
    error: Style::new().fg(Color::Red),
    link: Style::new()
        .fg(Color::Blue)
        .add_modifier(Modifier::UNDERLINED),
    technician: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    customer: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    system: Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::ITALIC),
    date: Style::new().fg(Color::Magenta),
    spinner: Style::new().fg(Color::Cyan),
    key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    status_bar: Style::new().bg(Color::Black).fg(Color::Gray),
    notice: Style::new()
        .bg(Color::Blue)
        .fg(Color::White)
        .add_modifier(Modifier::BOLD),
    secret: Style::new().fg(Color::DarkGray),
};

/// Each status its own colour, so a glance tells a live session from an old one.
pub fn badge(status: Option<&Status>) -> Style {
    let bg = match status {
        Some(Status::Waiting) => Color::Yellow,
        Some(Status::Active) => Color::Green,
        Some(Status::Complete) => Color::Blue,
        Some(Status::Abandoned) => Color::Red,
        Some(Status::NotStarted) => Color::Gray,
        Some(Status::Other(_)) | None => Color::DarkGray,
    };
    Style::new()
        .bg(bg)
        .fg(Color::Black)
        .add_modifier(Modifier::BOLD)
}

pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
