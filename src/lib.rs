//! g2a-tui: a terminal viewer for GoToAssist Remote Support sessions.

pub mod api;
pub mod cli;
pub mod demo;
pub mod print;
pub mod sanitize;
pub mod timefmt;
pub mod connection;
pub mod app;
pub mod ui;
pub mod term;
pub mod viewer;
