//! The terminal's lifecycle, in one place: raw mode, the alternate screen, mouse and
//! paste reporting on the way in, all of it undone on every way out (normal quit,
//! error, panic, signals) and around a Ctrl-Z suspend.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Whether the terminal is currently set up, so restoring twice (drop after a panic
/// hook already did it) is harmless.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Owns the set-up terminal; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        setup()?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()));
        match terminal {
            Ok(terminal) => {
                let mut guard = TerminalGuard { terminal };
                guard.redraw_all()?;
                Ok(guard)
            }
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// Ctrl-Z: give the shell its terminal back, stop, and set up again on `fg`.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        #[cfg(unix)]
        signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
        // Execution continues here after SIGCONT.
        setup()?;
        self.redraw_all()
    }

    /// Clears the screen and forgets what was drawn, so the next frame is drawn whole.
    /// (`Terminal::clear` would ask the terminal for its cursor position first: a round
    /// trip over SSH, and a hang on terminals that never answer.)
    pub fn redraw_all(&mut self) -> io::Result<()> {
        let size = self.terminal.size()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn setup() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    mouse(true)
}

/// Button presses and the wheel only, in SGR encoding: crossterm's `EnableMouseCapture`
/// also asks for every pointer motion (mode 1003), a stream of reports over SSH for
/// nothing the viewer uses.
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";

fn mouse(on: bool) -> io::Result<()> {
    let mut out = io::stdout();
    out.write_all(if on { MOUSE_ON } else { MOUSE_OFF }.as_bytes())?;
    out.flush()
}

/// Puts the terminal back as the shell expects it. Safe to call any number of times.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    // Each step is tried even if an earlier one failed: a half-restored terminal is
    // the one thing a technician must never be left with.
    let _ = execute!(out, DisableBracketedPaste);
    let _ = mouse(false);
    let _ = execute!(out, LeaveAlternateScreen);
    let _ = execute!(out, cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
    if let Ok(mut later) = LATER.lock() {
        for message in later.drain(..) {
            eprintln!("{}", crate::sanitize::sanitize(&message));
        }
    }
}

/// The bytes that put `text` on the clipboard: OSC 52, which terminals honour over
/// SSH. Inside tmux the same sequence also goes out wrapped in tmux's passthrough, for
/// a tmux whose `set-clipboard` does not forward applications' copies.
pub fn clipboard_sequence(text: &str, tmux: bool) -> String {
    use crossterm::clipboard::CopyToClipboard;
    use crossterm::Command;
    let mut osc = String::new();
    // Writing into a String cannot fail.
    let _ = CopyToClipboard::to_clipboard_from(text).write_ansi(&mut osc);
    if !tmux {
        return osc;
    }
    // DCS tmux; <the sequence with each ESC doubled> ST
    let wrapped = osc.replace('\x1b', "\x1b\x1b");
    format!("{osc}\x1bPtmux;{wrapped}\x1b\\")
}

/// `text` as an OSC 8 hyperlink to `url` (terminals without OSC 8 show plain text).
/// `url` has been through the sanitiser and is an http(s) URL without spaces.
pub fn hyperlink_sequence(url: &str, text: &str) -> String {
    format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\")
}

/// Whether to send OSC 8 at all: not to the Linux console or a dumb terminal, which
/// may print what they do not understand; `G2A_NO_HYPERLINKS=1` turns them off.
pub fn hyperlinks_wanted() -> bool {
    let term = std::env::var("TERM").unwrap_or_default();
    std::env::var_os("G2A_NO_HYPERLINKS").is_none()
        && !matches!(term.as_str(), "linux" | "dumb" | "")
}

/// Re-prints each link run where it is, in `style`, wrapped in OSC 8.
pub fn write_hyperlinks(
    runs: &[crate::app::hyperlinks::LinkRun],
    style: ratatui::style::Style,
) -> io::Result<()> {
    use crossterm::style::{PrintStyledContent, StyledContent};
    use ratatui::backend::IntoCrossterm;
    let mut out = io::stdout();
    for run in runs {
        let linked = hyperlink_sequence(&run.url, &run.text);
        crossterm::queue!(
            out,
            cursor::MoveTo(run.x, run.y),
            PrintStyledContent(StyledContent::new(style.into_crossterm(), linked))
        )?;
    }
    out.flush()
}

/// Sends `text` to the clipboard through the terminal.
pub fn copy_to_clipboard(text: &str) -> io::Result<()> {
    let tmux = std::env::var_os("TMUX").is_some();
    let mut out = io::stdout();
    out.write_all(clipboard_sequence(text, tmux).as_bytes())?;
    out.flush()
}

/// Panic messages from background threads, printed after the terminal is restored.
static LATER: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Restores the terminal before the default hook prints the panic, so the message
/// lands on the normal screen, once, readable.
fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A panic in a background task (a fetch) is caught by the worker and shown in
        // its pane; the viewer goes on, so its screen must neither be torn down nor
        // scribbled on by the message. Only the thread that draws restores.
        let ui_thread = std::thread::current().name() == Some("main");
        if ACTIVE.load(Ordering::SeqCst) && !ui_thread {
            // Kept, and printed once the terminal is restored.
            if let Ok(mut later) = LATER.lock() {
                later.push(format!("g2a-tui: a background task failed: {info}"));
            }
            return;
        }
        restore();
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc8_bytes_are_exact() {
        assert_eq!(
            hyperlink_sequence("https://desk.example/t/9", "desk.example/t/9"),
            "\x1b]8;;https://desk.example/t/9\x1b\\desk.example/t/9\x1b]8;;\x1b\\"
        );
    }

    #[test]
    fn osc52_bytes_are_exact() {
        // "hello" in base64 is aGVsbG8=; `c` is the clipboard selection.
        assert_eq!(
            clipboard_sequence("hello", false),
            "\x1b]52;c;aGVsbG8=\x1b\\"
        );
        assert_eq!(
            clipboard_sequence("hello", true),
            "\x1b]52;c;aGVsbG8=\x1b\\\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\x1b\x1b\\\x1b\\"
        );
    }
}
