//! The config file (issue 9) as a user meets it, through the binary: every key layered
//! flag > environment > file > default (read back from `g2a-tui config`), unknown keys
//! warned with their line while the run goes on, a broken file stopping with its line
//! (exit 2), `config` naming sources and hiding secrets, `config init`, completions and
//! the manual page. Every run gets its own XDG_CONFIG_HOME: the user's file never counts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> String {
        let p = self.path(rel);
        std::fs::write(&p, text).expect("write");
        p.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const VARS: [&str; 17] = [
    "G2A_TOKEN",
    "G2A_BASE_URL",
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
    "NO_COLOR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
];

fn g2a(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(args);
    for var in VARS {
        cmd.env_remove(var);
    }
    cmd.env("TZ", "UTC")
        .env("RUST_BACKTRACE", "0")
        .env("XDG_CONFIG_HOME", dir.path("xdg-config"))
        .env("XDG_DATA_HOME", dir.path("xdg-data"));
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

/// `g2a-tui config`'s table as key -> (value, from).
fn report(o: &Output) -> BTreeMap<String, (String, String)> {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    let text = stdout(o);
    text.lines()
        .skip_while(|l| !l.starts_with("KEY"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let mut words = l.split_whitespace();
            let key = words.next().unwrap_or_default().to_string();
            let mut rest: Vec<&str> = words.collect();
            let from = rest.pop().unwrap_or_default().to_string();
            (key, (rest.join(" "), from))
        })
        .collect()
}

const FILE: &str = r#"
base_url = "http://file.example"
system_domain = "file.example"
auth_scheme = "oauth"
timeout_secs = 11
poll_secs = 12
keep_days = 13
store = false
theme = "light"
auth_url = "http://auth.file.example/token"
client_id = "file-client"
token_command = ["file-helper", "get"]
"#;

const ENV: [(&str, &str); 11] = [
    ("G2A_BASE_URL", "http://env.example"),
    ("G2A_SYSTEM_DOMAIN", "env.example"),
    ("G2A_AUTH_SCHEME", "bearer"),
    ("G2A_TIMEOUT", "21"),
    ("G2A_POLL", "22"),
    ("G2A_KEEP_DAYS", "23"),
    ("G2A_NO_STORE", "0"),
    ("G2A_THEME", "mono"),
    ("G2A_AUTH_URL", "http://auth.env.example/token"),
    ("G2A_CLIENT_ID", "env-client"),
    ("G2A_TOKEN_COMMAND", "env-helper"),
];

const FLAGS: [&str; 16] = [
    "--base-url",
    "http://flag.example",
    "--system-domain",
    "flag.example",
    "--auth-scheme",
    "oauth",
    "--timeout",
    "31",
    "--poll",
    "32",
    "--keep-days",
    "33",
    "--no-store",
    "--theme",
    "dark",
    "config",
];

fn expect(r: &BTreeMap<String, (String, String)>, want: &[(&str, &str, &str)]) {
    for (key, value, from) in want {
        assert_eq!(
            r.get(*key),
            Some(&(value.to_string(), from.to_string())),
            "{key}: {r:#?}"
        );
    }
}

#[test]
fn every_key_layers_flag_over_environment_over_file_over_default() {
    let dir = TempDir::new("layers");
    let file = dir.write("c.toml", FILE);

    let none = report(&g2a(&dir, &["config"], &[]));
    expect(
        &none,
        &[
            ("base_url", "https://api.getgo.com", "default"),
            ("system_domain", "(none)", "default"),
            ("auth_scheme", "bearer", "default"),
            ("timeout_secs", "30", "default"),
            ("poll_secs", "5", "default"),
            ("keep_days", "90", "default"),
            ("store", "true", "default"),
            ("theme", "dark", "default"),
            (
                "auth_url",
                "https://authentication.logmeininc.com/oauth/token",
                "default",
            ),
            ("client_id", "(none)", "default"),
            ("token_command", "(none)", "default"),
        ],
    );

    let from_file = report(&g2a(&dir, &["--config", &file, "config"], &[]));
    expect(
        &from_file,
        &[
            ("base_url", "http://file.example", "file"),
            ("system_domain", "file.example", "file"),
            ("auth_scheme", "oauth", "file"),
            ("timeout_secs", "11", "file"),
            ("poll_secs", "12", "file"),
            ("keep_days", "13", "file"),
            ("store", "false", "file"),
            ("theme", "light", "file"),
            ("auth_url", "http://auth.file.example/token", "file"),
            ("client_id", "file-client", "file"),
            (
                "token_command",
                "file-helper (+1 arguments, hidden)",
                "file",
            ),
        ],
    );

    // G2A_CONFIG names the file as --config does.
    let env: Vec<(&str, &str)> = ENV
        .iter()
        .copied()
        .chain([("G2A_CONFIG", file.as_str())])
        .collect();
    let from_env = report(&g2a(&dir, &["config"], &env));
    expect(
        &from_env,
        &[
            ("base_url", "http://env.example", "environment"),
            ("system_domain", "env.example", "environment"),
            ("auth_scheme", "bearer", "environment"),
            ("timeout_secs", "21", "environment"),
            ("poll_secs", "22", "environment"),
            ("keep_days", "23", "environment"),
            ("store", "true", "environment"),
            ("theme", "mono", "environment"),
            ("auth_url", "http://auth.env.example/token", "environment"),
            ("client_id", "env-client", "environment"),
            ("token_command", "env-helper", "environment"),
        ],
    );

    // Sign-in's keys have no flag of their own (`auth login` has its own); every
    // other key's flag wins over the environment and the file.
    let from_flags = report(&g2a(&dir, &FLAGS, &env));
    expect(
        &from_flags,
        &[
            ("base_url", "http://flag.example", "flag"),
            ("system_domain", "flag.example", "flag"),
            ("auth_scheme", "oauth", "flag"),
            ("timeout_secs", "31", "flag"),
            ("poll_secs", "32", "flag"),
            ("keep_days", "33", "flag"),
            ("store", "false", "flag"),
            ("theme", "dark", "flag"),
            ("auth_url", "http://auth.env.example/token", "environment"),
        ],
    );
}

/// A global flag after the subcommand counts as a flag too.
/// A password in the base URL (refused by the client) is not shown by `config` either.
#[test]
fn config_hides_a_password_in_the_base_url() {
    let dir = TempDir::new("userinfo");
    let out = g2a(
        &dir,
        &["config"],
        &[("G2A_BASE_URL", "https://bob:hunter2@api.getgo.com")],
    );
    let text = stdout(&out);
    assert!(
        text.contains("https://api.getgo.com/ (user name and password hidden)"),
        "{text}"
    );
    assert!(!text.contains("hunter2") && !text.contains("bob"), "{text}");
}

#[test]
fn a_flag_after_the_subcommand_is_a_flag() {
    let dir = TempDir::new("after");
    let file = dir.write("c.toml", "timeout_secs = 11\n");
    let r = report(&g2a(
        &dir,
        &["config", "--timeout", "9", "--config", &file],
        &[],
    ));
    expect(&r, &[("timeout_secs", "9", "flag")]);
}

/// The file in the config directory is found without --config.
#[test]
fn the_file_in_the_config_directory_is_read() {
    let dir = TempDir::new("xdg");
    std::fs::create_dir_all(dir.path("xdg-config/g2a-tui")).expect("dir");
    dir.write("xdg-config/g2a-tui/config.toml", "keep_days = 44\n");
    let out = g2a(&dir, &["config"], &[]);
    assert!(
        stdout(&out).contains(&format!(
            "config file: {}",
            dir.path("xdg-config/g2a-tui/config.toml").display()
        )),
        "{}",
        stdout(&out)
    );
    expect(&report(&out), &[("keep_days", "44", "file")]);
}

#[test]
fn unknown_keys_are_named_with_their_line_and_the_run_goes_on() {
    let dir = TempDir::new("unknown");
    let file = dir.write(
        "c.toml",
        "theme = \"dark\"\n\ncolour = \"red\"\n[keys]\nfly = [\"x\"]\n[colors]\nsparkle = \"red\"\n",
    );
    let out = g2a(
        &dir,
        &["--config", &file, "print", "--demo", "--no-store"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Northwind"),
        "the document is printed"
    );
    let err = stderr(&out);
    for (line, what) in [
        (3, "unknown key \"colour\""),
        (5, "unknown action \"fly\""),
        (7, "unknown role \"sparkle\""),
    ] {
        let want = format!("g2a-tui: warning: {file}, line {line}: ");
        assert!(
            err.lines()
                .any(|l| l.starts_with(&want) && l.contains(what)),
            "{want}{what} in:\n{err}"
        );
    }
    // `config` lists them too, on stdout.
    let out = g2a(&dir, &["--config", &file, "config"], &[]);
    assert!(stdout(&out).contains(&format!("{file}, line 3: unknown key \"colour\"")));
}

#[test]
fn a_broken_file_stops_with_its_path_and_line() {
    let dir = TempDir::new("broken");
    let file = dir.write(
        "c.toml",
        "theme = \"dark\"\nbase_url = \"http://unterminated\n",
    );
    let out = g2a(&dir, &["--config", &file, "print", "--demo"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("g2a-tui: {file}, line 2: ")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    // A known key with a value it cannot take stops the same way.
    let file = dir.write("bad.toml", "\n\nkeep_days = \"forever\"\n");
    let out = g2a(&dir, &["--config", &file, "config"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim_end(),
        format!("g2a-tui: {file}, line 3: keep_days must be a whole number from 1 to 36500")
    );

    // A file named by --config must exist.
    let missing = dir.path("missing.toml").display().to_string();
    let out = g2a(&dir, &["--config", &missing, "config"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&format!("{missing}: cannot read it: no such file")));
}

#[test]
fn config_names_sources_and_never_shows_a_secret() {
    let dir = TempDir::new("secrets");
    let file = dir.write(
        "c.toml",
        "token_command = [\"pass\", \"show\", \"very-secret-path\"]\nclient_id = \"my-client\"\n",
    );
    let out = g2a(
        &dir,
        &["--config", &file, "config"],
        &[("G2A_TOKEN", "very-secret-token")],
    );
    let text = stdout(&out) + &stderr(&out);
    assert!(!text.contains("very-secret"), "{text}");
    expect(
        &report(&out),
        &[
            ("token", "set (hidden)", "environment"),
            ("token_command", "pass (+2 arguments, hidden)", "file"),
            ("client_id", "my-client", "file"),
        ],
    );
    let out = g2a(
        &dir,
        &["--config", &file, "--token", "very-secret-token", "config"],
        &[],
    );
    assert!(!stdout(&out).contains("very-secret"));
    expect(&report(&out), &[("token", "set (hidden)", "flag")]);
    let out = g2a(&dir, &["config"], &[]);
    expect(&report(&out), &[("token", "not set", "default")]);
}

#[test]
fn no_color_forces_mono() {
    let dir = TempDir::new("nocolor");
    let file = dir.write("c.toml", "theme = \"light\"\n");
    let out = g2a(&dir, &["--config", &file, "config"], &[("NO_COLOR", "1")]);
    expect(
        &report(&out),
        &[("theme", "mono (NO_COLOR is set)", "environment")],
    );
    // Empty is unset, as no-color.org says.
    let out = g2a(&dir, &["--config", &file, "config"], &[("NO_COLOR", "")]);
    expect(&report(&out), &[("theme", "light", "file")]);
}

#[test]
fn config_init_writes_the_commented_default_and_never_overwrites() {
    let dir = TempDir::new("init");
    let out = g2a(&dir, &["config", "init"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = dir.path("xdg-config/g2a-tui/config.toml");
    assert_eq!(
        stdout(&out),
        format!("wrote a commented default config to {}\n", path.display())
    );
    let written = std::fs::read_to_string(&path).expect("written");
    assert_eq!(written, include_str!("../assets/config.toml"));
    // The file it wrote changes nothing.
    let r = report(&g2a(&dir, &["config"], &[]));
    assert!(r.values().all(|(_, from)| from == "default"), "{r:#?}");

    // Again: refused, and the user's edits are kept.
    std::fs::write(&path, "theme = \"light\"\n").expect("edit");
    let out = g2a(&dir, &["config", "init"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "{} already exists; not overwritten",
            path.display()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("kept"),
        "theme = \"light\"\n"
    );

    // --config names where to write; a broken file there is not read, only refused.
    let other = dir.path("elsewhere/mine.toml");
    let out = g2a(
        &dir,
        &["--config", &other.display().to_string(), "config", "init"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(other.exists());
}

#[test]
fn completions_for_every_shell_and_bash_accepts_its_script() {
    let dir = TempDir::new("completions");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = g2a(&dir, &["completions", shell], &[]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        assert!(stdout(&out).contains("g2a-tui"), "{shell}");
        assert!(
            stdout(&out).contains("config"),
            "{shell} completes the subcommands"
        );
    }
    let script = dir.write(
        "g2a-tui.bash",
        &stdout(&g2a(&dir, &["completions", "bash"], &[])),
    );
    let check = Command::new("bash")
        .args(["-n", &script])
        .output()
        .expect("run bash -n");
    assert!(check.status.success(), "{}", stderr(&check));
    let out = g2a(&dir, &["completions", "tcsh"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_is_a_roff_page() {
    let dir = TempDir::new("man");
    // Even with a broken config file: the manual needs no settings.
    let file = dir.write("c.toml", "theme = ");
    let out = g2a(&dir, &["--config", &file, "man"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.starts_with(".TH"), "{}", &page[..page.len().min(200)]);
    assert!(page.contains("g2a\\-tui") || page.contains("g2a-tui"));
}

/// Where the store is shows with the rest, and where that came from (the trial found
/// `config` silent on it).
#[test]
fn config_shows_the_store_path_and_its_source() {
    let dir = TempDir::new("storepath");
    let flag = dir.path("flag.sqlite3").display().to_string();
    let env = dir.path("env.sqlite3").display().to_string();
    let by_flag = report(&g2a(&dir, &["config", "--store", &flag], &[]));
    expect(&by_flag, &[("store_path", &flag, "flag")]);
    let by_env = report(&g2a(&dir, &["config"], &[("G2A_STORE", &env)]));
    expect(&by_env, &[("store_path", &env, "environment")]);
    let default = report(&g2a(&dir, &["config"], &[]));
    let (path, origin) = default.get("store_path").expect("a store_path row");
    assert_eq!(origin, "default");
    assert!(path.ends_with("g2a-tui/store.sqlite3"), "{path}");
}

/// `retries` and `allow_insecure_http` layer as every key does (issue 10).
#[test]
fn retries_and_insecure_http_layer_flag_over_environment_over_file() {
    let dir = TempDir::new("net-layers");
    let file = dir.write("c.toml", "retries = 2\nallow_insecure_http = true\n");
    let r = report(&g2a(&dir, &["config"], &[]));
    expect(
        &r,
        &[
            ("retries", "3", "default"),
            ("allow_insecure_http", "false", "default"),
        ],
    );
    let r = report(&g2a(&dir, &["--config", &file, "config"], &[]));
    expect(
        &r,
        &[
            ("retries", "2", "file"),
            ("allow_insecure_http", "true", "file"),
        ],
    );
    let env = [
        ("G2A_CONFIG", file.as_str()),
        ("G2A_RETRIES", "0"),
        ("G2A_ALLOW_INSECURE_HTTP", "false"),
    ];
    let r = report(&g2a(&dir, &["config"], &env));
    expect(
        &r,
        &[
            ("retries", "0", "environment"),
            ("allow_insecure_http", "false", "environment"),
        ],
    );
    let r = report(&g2a(
        &dir,
        &["--retries", "7", "--allow-insecure-http", "config"],
        &env,
    ));
    expect(
        &r,
        &[
            ("retries", "7", "flag"),
            ("allow_insecure_http", "true", "flag"),
        ],
    );
    let out = g2a(&dir, &["--retries", "11", "config"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
