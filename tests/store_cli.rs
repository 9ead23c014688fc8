//! The local store from the command line, as a user runs the binary: where it is and its
//! modes, `--no-store`, `print --offline` with no server and no token, a corrupt file left
//! alone, and `store info|prune|clear`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The demo's main session (`g2a_tui::demo::MAIN_SESSION`).
const MAIN: &str = g2a_tui::demo::MAIN_SESSION;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "g2a-tui-store-cli-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    fn arg(&self, rel: &str) -> String {
        self.path(rel).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with no token, no proxy, an API address where nothing listens, and the
/// default data directory inside `dir` (so a test never touches the user's own store).
fn g2a(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(args);
    for var in [
        "G2A_TOKEN",
        "G2A_TOKEN_COMMAND",
        "G2A_SYSTEM_DOMAIN",
        "G2A_AUTH_SCHEME",
        "G2A_STORE",
        "G2A_NO_STORE",
        "G2A_CONFIG",
        "G2A_THEME",
        "G2A_TIMEOUT",
        "G2A_POLL",
        "G2A_KEEP_DAYS",
        "G2A_AUTH_URL",
        "G2A_CLIENT_ID",
        "G2A_TOKEN_COMMAND",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TZ", "UTC")
        .env("RUST_BACKTRACE", "0")
        .env("G2A_BASE_URL", "http://127.0.0.1:9")
        .env("XDG_DATA_HOME", dir.path("xdg"))
        // Nor the user's config file.
        .env("XDG_CONFIG_HOME", dir.path("xdg-config"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run g2a-tui")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
    stdout(o)
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn a_real_run_keeps_the_store_private_in_the_data_dir() {
    let dir = TempDir::new("modes");
    ok(&g2a(&dir, &["print", "--demo"], &[]));
    let store_dir = dir.path("xdg/g2a-tui");
    let file = store_dir.join("store.sqlite3");
    assert!(file.exists(), "the store is in XDG_DATA_HOME/g2a-tui");
    assert_eq!(mode(&store_dir), 0o700);
    assert_eq!(mode(&file), 0o600);
    for extra in ["store.sqlite3-wal", "store.sqlite3-shm"] {
        let p = store_dir.join(extra);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{extra}");
        }
    }
    // What was stored is what `print` showed.
    let info = ok(&g2a(&dir, &["store", "info", "--utc"], &[]));
    assert!(info.contains("sessions  1"), "{info}");
}

#[test]
fn no_store_writes_nothing() {
    let dir = TempDir::new("nostore");
    let store = dir.arg("elsewhere/store.sqlite3");
    let flag = g2a(
        &dir,
        &["--no-store", "print", "--demo", "--store", &store],
        &[],
    );
    assert!(ok(&flag).contains("Tomás Alvarez"));
    let env = g2a(
        &dir,
        &["print", "--demo", "--store", &store],
        &[("G2A_NO_STORE", "1")],
    );
    assert!(ok(&env).contains("Tomás Alvarez"));
    assert!(!dir.path("elsewhere").exists(), "--store was written");
    assert!(!dir.path("xdg").exists(), "the default store was written");
    // And nothing is read: offline then has nothing to read, and says so.
    let offline = g2a(&dir, &["--no-store", "print", "--offline", MAIN], &[]);
    assert_eq!(offline.status.code(), Some(2), "{}", stderr(&offline));
    assert!(
        stderr(&offline).contains("turned off"),
        "{}",
        stderr(&offline)
    );
    assert!(!dir.path("xdg").exists());
}

#[test]
fn offline_prints_a_stored_session_with_no_server_and_no_token() {
    let dir = TempDir::new("offline");
    let store = dir.arg("s/store.sqlite3");
    let online = ok(&g2a(&dir, &["print", "--demo", "--store", &store], &[]));
    // No --demo now: no server runs, none listens at the base URL, and there is no token.
    let out = g2a(&dir, &["print", "--offline", "--store", &store, MAIN], &[]);
    let offline = ok(&out);
    assert!(offline.contains("Tomás Alvarez"), "{offline}");
    assert!(
        offline.contains("Hi Tomás, this is Dana from Northwind IT"),
        "{offline}"
    );
    // The same document, but for the partner links, which only the API has.
    let before_links = |s: &str| s[..s.find("Partner links").expect("a links section")].to_string();
    assert_eq!(before_links(&offline), before_links(&online));
    let err = stderr(&out);
    assert!(err.contains("offline · the session as stored at"), "{err}");
    // `--offline --demo` opens the demo's session from the store, starting nothing.
    let demo = g2a(
        &dir,
        &["print", "--offline", "--demo", "--store", &store],
        &[],
    );
    assert!(ok(&demo).contains("partner links are not available offline"));

    let missing = g2a(&dir, &["print", "--offline", "--store", &store, "123"], &[]);
    assert_eq!(missing.status.code(), Some(4));
    assert_eq!(
        stderr(&missing).trim(),
        "g2a-tui: #123 is not in the local store; run without --offline to fetch it"
    );
}

/// `--offline` without a store it can read has nothing to show: a usage error naming why,
/// before any screen, for the viewer, `print` and `list` alike (never an empty "no sessions").
#[test]
fn offline_without_a_usable_store_is_a_usage_error() {
    let dir = TempDir::new("offline-nostore");
    let missing = dir.arg("none/store.sqlite3");
    let bad = dir.path("bad.sqlite3");
    std::fs::write(&bad, b"not a database").expect("write");
    let bad = bad.display().to_string();
    for (args, says) in [
        (
            vec!["print", "--offline", "--store", &missing, MAIN],
            "there is none at",
        ),
        (
            vec!["list", "--offline", "--store", &missing],
            "there is none at",
        ),
        (vec!["list", "--offline", "--no-store"], "turned off"),
        (vec!["print", "--offline", "--no-store", MAIN], "turned off"),
        (
            vec!["list", "--offline", "--store", &bad],
            "cannot read the local store",
        ),
    ] {
        let out = g2a(&dir, &args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.contains("\nhint: "), "{args:?}: {err}");
        assert_eq!(stdout(&out), "", "{args:?}");
    }
    // Nothing was created to report on.
    assert!(!dir.path("none").exists());
}

#[test]
fn a_corrupt_store_is_named_in_one_line_and_left_alone() {
    let dir = TempDir::new("corrupt");
    let bad = dir.path("bad.sqlite3");
    let bytes = b"not a database at all, and it stays exactly this\n".repeat(200);
    std::fs::write(&bad, &bytes).expect("write");
    let out = g2a(
        &dir,
        &["print", "--demo", "--store", &dir.arg("bad.sqlite3")],
        &[],
    );
    assert!(ok(&out).contains("Tomás Alvarez"));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("is not a database or is damaged; left untouched"),
        "{err}"
    );
    assert_eq!(std::fs::read(&bad).expect("read"), bytes);
    // The store commands refuse it the same way.
    let info = g2a(
        &dir,
        &["store", "info", "--store", &dir.arg("bad.sqlite3")],
        &[],
    );
    assert_eq!(info.status.code(), Some(1));
    assert_eq!(std::fs::read(&bad).expect("read"), bytes);
}

#[test]
fn store_info_prune_and_clear() {
    let dir = TempDir::new("commands");
    let store = dir.arg("s/store.sqlite3");
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--store", &store, "--utc"]);
        g2a(&dir, &all, &[])
    };
    // Nothing there: said so, and nothing is created to say it.
    let none = ok(&run(&["store", "info"]));
    assert_eq!(none.trim(), format!("no local store yet at {store}"));
    let prune = ok(&run(&["store", "prune", "--older-than", "1"]));
    assert!(prune.contains("nothing to prune"), "{prune}");
    let clear = ok(&run(&["store", "clear"]));
    assert!(clear.contains("nothing to clear"), "{clear}");
    assert!(!dir.path("s").exists());

    ok(&run(&["print", "--demo"]));
    let info = ok(&run(&["store", "info"]));
    let lines: Vec<&str> = info.lines().collect();
    assert_eq!(lines[0], format!("path      {store}"));
    assert!(
        lines[1].starts_with("size      ") && lines[1].ends_with("KiB"),
        "{info}"
    );
    assert_eq!(lines[2], "sessions  1");
    let messages: u64 = lines[3]["messages  ".len()..].parse().expect("a count");
    assert!(messages > 100, "{info}");
    assert_eq!(lines[4], "oldest    2026-11-20 14:02:11 UTC");

    // Just fetched: a day's age keeps it, none prunes it.
    let kept = ok(&run(&["store", "prune", "--older-than", "1"]));
    assert_eq!(kept.trim(), "pruned 0 sessions not seen for 1 day");
    let pruned = ok(&run(&["store", "prune", "--older-than", "0"]));
    assert_eq!(pruned.trim(), "pruned 1 session not seen for 0 days");
    assert!(ok(&run(&["store", "info"])).contains("sessions  0\nmessages  0\noldest    -"));

    ok(&run(&["print", "--demo"]));
    let cleared = ok(&run(&["store", "clear"]));
    assert_eq!(
        cleared.trim(),
        format!("cleared the local store at {store}")
    );
    assert!(ok(&run(&["store", "info"])).contains("sessions  0\nmessages  0"));

    // The store commands with the store turned off: a usage error.
    let off = g2a(&dir, &["--no-store", "store", "info"], &[]);
    assert_eq!(off.status.code(), Some(2));
    assert!(stderr(&off).contains("turned off"), "{}", stderr(&off));
}
