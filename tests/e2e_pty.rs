//! End to end in a real pseudo-terminal: the release binary against a wiremock API on
//! loopback, the screen read back through a vt100 parser, exactly as a technician
//! would see it.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "e2e-secret-token";
const ROWS: u16 = 40;
const COLS: u16 = 120;

struct Tui {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Tui {
    fn start(args: &[&str]) -> Tui {
        Tui::start_with_env(args, &[])
    }

    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Tui {
        Tui::spawn(env!("CARGO_BIN_EXE_g2a-tui"), args, env)
    }

    fn spawn(program: &str, args: &[&str], env: &[(&str, &str)]) -> Tui {
        Tui::spawn_in(None, program, args, env)
    }

    fn spawn_in(
        cwd: Option<&std::path::Path>,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("TZ", "UTC");
        // Symbolising a backtrace of a debug binary takes seconds; the tests need none.
        cmd.env("RUST_BACKTRACE", "0");
        // Tests never write to the user's own store.
        cmd.env("G2A_NO_STORE", "1");
        // Nor read the user's own sign-in or config: both directories are empty.
        let nowhere = std::env::temp_dir().join(format!("g2a-tui-pty-{}", std::process::id()));
        cmd.env("XDG_DATA_HOME", nowhere.join("data"));
        cmd.env("XDG_CONFIG_HOME", nowhere.join("config"));
        cmd.env_remove("G2A_TOKEN_COMMAND");
        for var in [
            "G2A_TOKEN",
            "G2A_BASE_URL",
            "G2A_SYSTEM_DOMAIN",
            "G2A_AUTH_SCHEME",
            "G2A_TUI_TEST_PANIC",
            "G2A_CONFIG",
            "G2A_THEME",
            "G2A_TIMEOUT",
            "G2A_POLL",
            "G2A_KEEP_DAYS",
            "G2A_AUTH_URL",
            "G2A_CLIENT_ID",
            "G2A_TOKEN_COMMAND",
            "G2A_LOG",
            "G2A_LOG_LEVEL",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(dir) = cwd {
            cmd.cwd(dir);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn g2a-tui");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (Arc::clone(&screen), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().expect("parser").process(&buf[..n]);
                r.lock().expect("raw").extend_from_slice(&buf[..n]);
            }
        });
        Tui {
            child,
            writer,
            screen,
            raw,
            _master: pty.master,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().expect("parser").screen().contents()
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.contents();
            if ok(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Let the reader drain the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "g2a-tui did not exit; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `q`, exit status 0, and the terminal handed back intact.
    fn quit_cleanly(&mut self) {
        self.send("q");
        assert_eq!(self.wait_exit(), 0);
        self.assert_restored();
    }

    /// Resizes the terminal as a window manager would. The parser learns the new size
    /// first, so the redraw that follows is read at that size.
    fn resize(&self, rows: u16, cols: u16) {
        self.screen
            .lock()
            .expect("parser")
            .screen_mut()
            .set_size(rows, cols);
        self._master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
    }

    fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("pid").to_string();
        let sent = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -{name}");
    }

    /// The terminal as the shell gets it back: main screen, cursor shown, modes off.
    fn assert_restored(&self) {
        let parser = self.screen.lock().expect("parser");
        assert!(
            !parser.screen().alternate_screen(),
            "left the alternate screen"
        );
        assert!(!parser.screen().hide_cursor(), "cursor shown again");
        let raw = self.raw.lock().expect("raw");
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("\x1b[?1049l"), "alternate screen exit sent");
        assert!(
            text.contains("\x1b[?1000l") || text.contains("\x1b[?1006l"),
            "mouse capture turned off"
        );
        assert!(
            !text.contains(TOKEN),
            "the token never reaches the terminal"
        );
    }
}

fn session_body() -> serde_json::Value {
    json!({
        "sessionId": "777", "sessionType": "screen_sharing", "status": "complete",
        "expertName": "Dana Whitfield", "expertEmail": "dana@northwind.example",
        "customerName": "Morgan Lee", "startedAt": "2026-11-20T14:02:11Z",
        "customerJoinedAt": "2026-11-20T14:04:24Z", "endedAt": "2026-11-20T14:51:29Z",
        "collaborators": [{"name": "Ravi Patel", "email": "ravi@northwind.example"}]
    })
}

fn events_body(n: usize) -> serde_json::Value {
    let events: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "timeStamp": format!("2026-11-20T14:{:02}:{:02}Z", 5 + i / 60, i % 60),
                "participantName": if i % 2 == 0 { "Morgan Lee" } else { "Dana Whitfield" },
                "content": format!("chat message number {i}")
            })
        })
        .collect();
    json!({"sessionId": "777", "events": events})
}

async fn api(transcript_delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions/777"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_body()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions/777/events"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(events_body(120))
                .set_delay(transcript_delay),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/systemLinks"))
        .and(query_param("systemDomain", "helpdesk.northwind.example"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
            "systemName": "Northwind ServiceDesk", "systemDomain": "helpdesk.northwind.example",
            "userEmail": "dana@northwind.example", "userToken": "partner-secret-xyz",
            "callbackURL": "https://helpdesk.northwind.example/cb"
        }])))
        .mount(&server)
        .await;
    server
}

fn args(server: &MockServer) -> Vec<String> {
    vec![
        "--base-url".into(),
        server.uri(),
        "--token".into(),
        TOKEN.into(),
        "--system-domain".into(),
        "helpdesk.northwind.example".into(),
        "777".into(),
    ]
}

fn start(server: &MockServer) -> Tui {
    let args = args(server);
    Tui::start(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panes_fill_g_shows_last_message_q_restores() {
    let server = api(Duration::ZERO).await;
    let mut tui = start(&server);
    let screen = tui.wait_for("all three panes", |s| {
        s.contains("Expert          Dana Whitfield")
            && s.contains("chat message number 119")
            && s.contains("Northwind ServiceDesk")
    });
    assert!(
        !screen.contains("partner-secret-xyz"),
        "the userToken is masked"
    );
    // Mouse reporting asks for buttons and the wheel (1000, SGR 1006), never for
    // every pointer motion (1003) or drags (1002): chatty over SSH.
    let raw = String::from_utf8_lossy(&tui.raw.lock().expect("raw")).into_owned();
    assert!(raw.contains("\x1b[?1000h") && raw.contains("\x1b[?1006h"));
    assert!(!raw.contains("\x1b[?1003h") && !raw.contains("\x1b[?1002h"));
    // The partner callback URL is a clickable OSC 8 hyperlink.
    assert!(
        raw.contains("\x1b]8;;https://helpdesk.northwind.example/cb\x1b\\"),
        "no OSC 8 for the callback URL"
    );
    tui.send("g");
    tui.wait_for("the top of the transcript", |s| {
        s.contains("chat message number 0") && !s.contains("number 119")
    });
    tui.send("G");
    tui.wait_for("the last message again", |s| {
        s.contains("chat message number 119")
    });
    tui.quit_cleanly();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_exits_cleanly() {
    let server = api(Duration::ZERO).await;
    let mut tui = start(&server);
    tui.wait_for("the transcript", |s| s.contains("chat message number 119"));
    tui.signal("TERM");
    let started = Instant::now();
    assert_eq!(tui.wait_exit(), 128 + 15, "128 plus SIGTERM's number");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "exits within a second or so"
    );
    tui.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_and_sigint_exit_cleanly() {
    let server = api(Duration::ZERO).await;
    for (signal, number) in [("HUP", 1), ("INT", 2)] {
        let mut tui = start(&server);
        tui.wait_for("the transcript", |s| s.contains("chat message number 119"));
        tui.signal(signal);
        assert_eq!(tui.wait_exit(), 128 + number, "SIG{signal}");
        tui.assert_restored();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_pane_drawn_before_slow_transcript() {
    let server = api(Duration::from_secs(4)).await;
    let mut tui = start(&server);
    let screen = tui.wait_for("the session pane", |s| {
        s.contains("Expert          Dana Whitfield")
    });
    assert!(
        screen.contains("Loading transcript"),
        "the transcript is still on its way:\n{screen}"
    );
    assert!(!screen.contains("chat message number"));
    tui.wait_for("the slow transcript", |s| {
        s.contains("chat message number 119")
    });
    tui.quit_cleanly();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resize_redraws_and_small_terminal_says_so() {
    let server = api(Duration::ZERO).await;
    let mut tui = start(&server);
    tui.wait_for("the transcript", |s| s.contains("chat message number 119"));
    tui.resize(8, 30);
    tui.wait_for("the too-small notice", |s| s.contains("Terminal too small"));
    tui.resize(20, 60);
    tui.wait_for("the panes again", |s| {
        s.contains("chat message number 119") && !s.contains("too small")
    });
    tui.send("\x03");
    assert_eq!(tui.wait_exit(), 0);
    tui.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_restores_terminal_and_prints_once() {
    let server = api(Duration::ZERO).await;
    let log = std::env::temp_dir().join(format!("g2a-tui-pty-panic-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut args = args(&server);
    args.extend(["--log-file".into(), log.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut tui = Tui::start_with_env(&args, &[("G2A_TUI_TEST_PANIC", "1")]);
    assert_ne!(tui.wait_exit(), 0);
    tui.assert_restored();
    // The log is finished before the process ends, with where the panic happened.
    let written = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    assert!(
        written.contains("panic thread=\"main\" at=\"src/viewer.rs:"),
        "{written}"
    );
    let raw = String::from_utf8_lossy(&tui.raw.lock().expect("raw")).to_string();
    let after_exit = raw
        .rsplit("\x1b[?1049l")
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        after_exit.matches("deliberate panic").count(),
        1,
        "printed once, after restoring: {after_exit:?}"
    );
}

#[test]
fn no_token_fails_before_any_terminal_setup() {
    let mut tui = Tui::start(&["--base-url", "http://127.0.0.1:9", "777"]);
    assert_eq!(tui.wait_exit(), 3);
    let text = tui.contents();
    assert!(
        text.contains("no access token") && text.contains("G2A_TOKEN"),
        "{text}"
    );
}

/// Ctrl-Z as a technician meets it: the viewer runs as a job of an interactive shell,
/// stops and hands the terminal back, and `fg` brings it back fully redrawn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_z_suspends_to_the_shell_and_fg_redraws() {
    let server = api(Duration::ZERO).await;
    let mut tui = Tui::spawn(
        "bash",
        &["--norc", "--noprofile", "-i"],
        &[
            ("PS1", "shell$ "),
            ("HISTFILE", "/dev/null"),
            ("G2A_TOKEN", TOKEN),
        ],
    );
    tui.wait_for("the shell prompt", |s| s.contains("shell$"));
    let cmd = format!(
        "{} --base-url {} --system-domain helpdesk.northwind.example 777\r",
        env!("CARGO_BIN_EXE_g2a-tui"),
        server.uri()
    );
    tui.send(&cmd);
    tui.wait_for("the transcript", |s| s.contains("chat message number 119"));
    tui.send("\x1a");
    let screen = tui.wait_for("the shell after Ctrl-Z", |s| s.contains("Stopped"));
    assert!(
        !tui.screen
            .lock()
            .expect("parser")
            .screen()
            .alternate_screen(),
        "terminal handed back:\n{screen}"
    );
    tui.send("fg\r");
    tui.wait_for("a full redraw after fg", |s| {
        s.contains("chat message number 119") && s.contains("Transcript")
    });
    assert!(tui
        .screen
        .lock()
        .expect("parser")
        .screen()
        .alternate_screen());
    tui.send("q");
    tui.wait_for("the shell again", |s| {
        s.contains("shell$") && !s.contains("Transcript")
    });
    tui.send("echo status=$?\r");
    tui.wait_for("exit status 0", |s| s.contains("status=0"));
    tui.send("exit\r");
    tui.wait_exit();
    tui.assert_restored();
}

/// What a dying terminal emulator or SSH connection does: the pty's master side closes.
/// The viewer must end (crossterm issue 793: no busy loop on a dead terminal).
#[test]
fn terminal_going_away_ends_the_viewer() {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(["--base-url", "http://127.0.0.1:9", "--token", TOKEN, "777"]);
    cmd.env("TERM", "xterm-256color");
    cmd.env("G2A_NO_STORE", "1");
    let mut child = pty.slave.spawn_command(cmd).expect("spawn g2a-tui");
    drop(pty.slave);
    // No reader holds a copy of the master, so dropping it really closes the terminal.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "running before the terminal goes"
    );
    drop(pty.master);
    let deadline = Instant::now() + Duration::from_secs(3);
    while child.try_wait().expect("try_wait").is_none() {
        assert!(
            Instant::now() < deadline,
            "the viewer kept running without a terminal"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A loop stuck in a blocking call (as it once was inside crossterm's read of a terminal
/// that went away during a burst of keys, at full CPU) never sees a signal: the viewer
/// still ends, with the signal's status and the terminal restored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_loop_still_ends_on_a_signal() {
    let server = api(Duration::ZERO).await;
    let a = args(&server);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut tui = Tui::start_with_env(&a, &[("G2A_TUI_TEST_STALL", "1")]);
    tui.wait_for("the session", |s| s.contains("Morgan"));
    std::thread::sleep(Duration::from_millis(300));
    tui.signal("TERM");
    let started = Instant::now();
    assert_eq!(tui.wait_exit(), 128 + 15, "128 plus SIGTERM's number");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "ends within its watch's two seconds, not the stall's sixty"
    );
    tui.assert_restored();
}

/// The demo's generated session of `n` messages loaded whole in a viewer started in a
/// directory of its own, and `e` pressed there.
fn exporting(test: &str, n: usize) -> (std::path::PathBuf, Tui) {
    let dir = std::env::temp_dir().join(format!("g2a-pty-export-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bin = env!("CARGO_BIN_EXE_g2a-tui");
    let session = format!("huge-{n}");
    let mut tui = Tui::spawn_in(Some(&dir), bin, &["--demo", &session], &[]);
    let count = format!("{},{:03}", n / 1000, n % 1000);
    tui.wait_for("the whole transcript", |s| {
        s.contains(&format!("{count} mes")) && !s.contains("loading")
    });
    tui.send("e");
    tui.wait_for("the export's start", |s| {
        s.contains(&format!("Exporting {count} messages…"))
    });
    (dir, tui)
}

fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect()
}

/// `e` writes the export on a thread of its own, and quitting while it is being
/// written waits for it: the file is whole, never a transcript cut off at the quit.
#[test]
fn quitting_during_an_export_leaves_the_whole_file() {
    let (dir, mut tui) = exporting("quit", 60_000);
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
    tui.assert_restored();
    let files = files_in(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).expect("read export");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(text.starts_with("# Session huge-60000"), "{}", &text[..200]);
    let messages = text
        .lines()
        .filter(|l| l.starts_with("- ") && l.as_bytes().get(4) == Some(&b':'))
        .count();
    assert_eq!(messages, 60_000, "every message");
    // The partner links close the document, after the last message.
    let links = text
        .find("\n## Partner links\n")
        .expect("the links section");
    assert!(text[links..].contains("User token:"), "{}", &text[links..]);
    assert!(
        !text[links..].contains("\n- 0"),
        "no message after the links"
    );
    assert!(text.ends_with("`\n"), "one final newline");
}

/// Ended by a signal while an export is being written (the loop waiting for it to
/// quit), the viewer leaves either the whole file or none: never part of a transcript
/// under the export's name, nor its temporary file.
#[test]
fn a_signal_during_an_export_leaves_the_whole_file_or_none() {
    let (dir, mut tui) = exporting("signal", 300_000);
    tui.send("q");
    tui.wait_for("the quit to wait", |s| {
        s.contains("Quitting once the export is written")
    });
    tui.signal("TERM");
    let status = tui.wait_exit();
    tui.assert_restored();
    let files = files_in(&dir);
    let whole = files.first().map(|f| {
        let text = std::fs::read_to_string(f).expect("read export");
        text.contains("\n## Partner links\n") && text.ends_with('\n')
    });
    let _ = std::fs::remove_dir_all(&dir);
    match status {
        // Ended by its watch before the file was done: nothing left.
        143 => assert!(files.is_empty(), "{files:?}"),
        // The export finished first: the whole file, alone.
        0 => assert!(files.len() == 1 && whole == Some(true), "{files:?}"),
        other => panic!("exit status {other}"),
    }
    eprintln!("exit {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_id_the_list_opens_and_a_typed_id_opens_that_session() {
    let server = api(Duration::ZERO).await;
    let mut args = args(&server);
    args.pop();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut tui = Tui::start(&args);
    tui.wait_for("the list", |s| s.contains("Sessions · last 7 days"));
    // No row matches a typed id: Enter opens it.
    tui.send("777");
    tui.wait_for("the query", |s| s.contains("> 777"));
    tui.send("\r");
    tui.wait_for("the session", |s| {
        s.contains("chat message number 119") && s.contains("#777")
    });
    tui.quit_cleanly();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_after_a_failed_load_exits_with_its_status() {
    let server = api(Duration::ZERO).await;
    let mut args = args(&server);
    // Nothing is mounted for this id: the session answers 404.
    *args.last_mut().expect("id") = "404404".into();
    let mut tui = Tui::start(&args.iter().map(String::as_str).collect::<Vec<_>>());
    // The prompt reopens by itself with the id and the reason.
    let screen = tui.wait_for("the prompt", |s| s.contains("Session id: 404404"));
    assert!(screen.contains("not found"), "{screen}");
    // Esc goes back to the failed session; q quits with "not found" (4), as print does.
    tui.send("\x1b");
    tui.wait_for("the session view", |s| !s.contains("Session id:"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 4);
    tui.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn y_writes_the_picked_message_to_the_clipboard_with_osc52() {
    let server = api(Duration::ZERO).await;
    let mut tui = start(&server);
    tui.wait_for("the transcript", |s| s.contains("chat message number 119"));
    // v picks the newest message in view, k the one before it; y copies it.
    tui.send("vky");
    tui.wait_for("the notice", |s| s.contains("Copied the message"));
    let raw = String::from_utf8_lossy(&tui.raw.lock().expect("raw")).into_owned();
    // base64 of the message as it reads on screen, in an OSC 52 for the clipboard.
    use base64::Engine;
    let text = "14:06:58 > Morgan Lee: chat message number 118";
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    assert!(
        raw.contains(&format!("\x1b]52;c;{encoded}\x1b\\")),
        "no OSC 52 for {text:?}"
    );
    tui.quit_cleanly();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trace_log_is_written_to_its_file_and_never_to_the_screen() {
    let server = api(Duration::ZERO).await;
    let log = std::env::temp_dir().join(format!("g2a-tui-pty-log-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let mut args = args(&server);
    args.extend(["--log-file".into(), log.display().to_string()]);
    args.extend(["--log-level".into(), "trace".into()]);
    let mut tui = Tui::start(&args.iter().map(String::as_str).collect::<Vec<_>>());
    tui.wait_for("all three panes", |s| {
        s.contains("chat message number 119") && s.contains("Northwind ServiceDesk")
    });
    tui.quit_cleanly();
    let raw = String::from_utf8_lossy(&tui.raw.lock().expect("raw")).into_owned();
    for marker in ["g2a_tui", " INFO ", " DEBUG ", " TRACE ", "request sent"] {
        assert!(!raw.contains(marker), "{marker:?} reached the terminal");
    }
    let written = std::fs::read_to_string(&log).expect("the log file");
    let _ = std::fs::remove_file(&log);
    for needle in [
        "command=\"viewer\"",
        "path=/G2A/rest/v1/sessions/777 status=200",
        "path=/G2A/rest/v1/sessions/777/events status=200",
        "endpoint=\"partner links\"",
        "worker request",
        "worker answer",
        "exit code=0",
    ] {
        assert!(
            written.contains(needle),
            "no {needle:?} in the log:\n{written}"
        );
    }
    for secret in [TOKEN, "partner-secret-xyz", "chat message number"] {
        assert!(!written.contains(secret), "{secret:?} in the log");
    }
}

/// `print` on a terminal says each retry on stderr as it waits (issue 10); piped, it does
/// not (tests/transport.rs).
#[test]
fn print_on_a_terminal_says_it_retries() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let base = format!("http://{addr}");
    let mut tui = Tui::start(&[
        "print",
        "482913657",
        "--base-url",
        &base,
        "--token",
        "pty-token",
        "--retries",
        "1",
    ]);
    let screen = tui.wait_for("a retry note", |s| {
        s.contains("g2a-tui: the session: retrying (2/2) in")
    });
    assert!(!screen.contains("pty-token"), "{screen}");
    assert_eq!(tui.wait_exit(), 5);
}

/// The transcript streams in a task of its own; its retries are said on the terminal
/// too, not only the session's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn print_on_a_terminal_says_the_transcripts_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions/777"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_body()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions/777/events"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions/777/events"))
        .respond_with(ResponseTemplate::new(200).set_body_json(events_body(3)))
        .mount(&server)
        .await;
    let uri = server.uri();
    let mut tui = Tui::start(&[
        "print",
        "777",
        "--base-url",
        &uri,
        "--token",
        TOKEN,
        "--no-store",
    ]);
    tui.wait_for("the transcript's retry note", |s| {
        s.contains("g2a-tui: the chat transcript: retrying (2/4) in")
    });
    assert_eq!(tui.wait_exit(), 0);
}
