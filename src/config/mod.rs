//! The config file (issue 9): where it is, what it says and on which line, and where
//! each effective setting came from. No clap here: `cli.rs` layers flags and the
//! environment over what this module reads.

mod file;

use std::path::{Path, PathBuf};

pub use file::FileConfig;

/// The commented default file `config init` writes.
pub const DEFAULT_FILE: &str = include_str!("../../assets/config.toml");

/// `<config dir>/g2a-tui/config.toml` (`$XDG_CONFIG_HOME/g2a-tui/…` on Linux), or `None`
/// when the platform has no home directory.
pub fn default_path() -> Option<PathBuf> {
    let base = directories::BaseDirs::new()?;
    Some(base.config_dir().join("g2a-tui").join("config.toml"))
}

/// Where a setting's value came from, as `g2a-tui config` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env,
    File,
    Default,
}

impl Origin {
    pub fn label(self) -> &'static str {
        match self {
            Origin::Flag => "flag",
            Origin::Env => "environment",
            Origin::File => "file",
            Origin::Default => "default",
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Resolved<T> {
    /// The first layer that has a value: the command line or environment (`given`, with
    /// its origin), then the file, then the default.
    pub fn pick(given: Option<(T, Origin)>, file: Option<T>, default: T) -> Resolved<T> {
        match (given, file) {
            (Some((value, origin)), _) => Resolved { value, origin },
            (None, Some(value)) => Resolved {
                value,
                origin: Origin::File,
            },
            (None, None) => Resolved {
                value: default,
                origin: Origin::Default,
            },
        }
    }
}

/// Which file to read: the one `--config`/`G2A_CONFIG` names (it must exist), or the
/// default one (read when it exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// Named by the user, so a missing file is an error rather than "no config".
    pub explicit: bool,
}

impl Location {
    pub fn find(given: Option<PathBuf>) -> Option<Location> {
        match given.filter(|p| !p.as_os_str().is_empty()) {
            Some(path) => Some(Location {
                path,
                explicit: true,
            }),
            None => default_path().map(|path| Location {
                path,
                explicit: false,
            }),
        }
    }

    /// Reads and checks the file; no file at the default place is an empty config.
    pub fn load(&self) -> Result<FileConfig, ConfigError> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => FileConfig::parse(&self.path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.explicit => {
                Ok(FileConfig::default())
            }
            Err(e) => Err(ConfigError {
                path: self.path.clone(),
                line: None,
                message: format!("cannot read it: {}", io_reason(&e)),
            }),
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A config file that cannot be used: the program stops (exit 2) with this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}, line {line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// Something in the file that is ignored; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

impl Warning {
    /// `config.toml, line 4: unknown key "colour"`, as stderr and the status line say it.
    pub fn describe(&self, path: &Path) -> String {
        format!("{}, line {}: {}", path.display(), self.line, self.message)
    }
}

/// Writes the commented default file, refusing to replace one; returns where it wrote.
pub fn init(location: &Location) -> Result<PathBuf, String> {
    use std::io::Write;
    let path = &location.path;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {}", dir.display(), io_reason(&e)))?;
    }
    // create_new: an existing file (or one created meanwhile) is never overwritten.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists; not overwritten (edit it, or move it away first)",
                path.display()
            ),
            _ => format!("cannot write {}: {}", path.display(), io_reason(&e)),
        })?;
    file.write_all(DEFAULT_FILE.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {}", path.display(), io_reason(&e)))?;
    Ok(path.clone())
}
