//! g2a-tui: a terminal viewer for GoToAssist Remote Support sessions.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod connection;
pub mod credit;
pub mod demo;
pub mod logging;
pub mod present;
pub mod print;
pub mod sanitize;
pub mod source;
pub mod store;
pub mod term;
pub mod timefmt;
pub mod ui;
pub mod viewer;
