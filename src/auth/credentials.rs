//! `<data dir>/g2a-tui/credentials.json`: what a sign-in leaves behind, mode 0600 inside a
//! 0700 directory, written atomically (temporary file, fsync, rename) under a lock file so
//! two processes refreshing at once never leave a torn or stale file.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AuthError;

const FILE_NAME: &str = "credentials.json";
/// Larger files are not credentials this program wrote.
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// What the token endpoint gave, and what it takes to ask it again.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The endpoint that issued the tokens; refreshes go back to it.
    pub auth_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// When the access token stops working; none when the endpoint did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Who signed in, as the token endpoint named them (`principal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("auth_url", &self.auth_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<hidden>")
            .field("access_token", &"<hidden>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<hidden>"),
            )
            .field("expires_at", &self.expires_at)
            .field("principal", &self.principal)
            .finish()
    }
}

/// A token this close to its expiry is treated as expired: the request it goes out with
/// must still be in flight when the server checks it.
const EXPIRY_MARGIN_SECS: i64 = 60;

impl Credentials {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at
            .is_some_and(|at| now + chrono::Duration::seconds(EXPIRY_MARGIN_SECS) >= at)
    }
}

/// The credentials file's path and the operations on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsFile {
    path: PathBuf,
}

impl CredentialsFile {
    pub fn new(path: PathBuf) -> Self {
        CredentialsFile { path }
    }

    /// `<data dir>/g2a-tui/credentials.json` (`XDG_DATA_HOME` on Linux), beside the store.
    pub fn default_location() -> Result<Self, AuthError> {
        let base = directories::BaseDirs::new().ok_or(AuthError::NoDataDir)?;
        Ok(Self::new(base.data_dir().join("g2a-tui").join(FILE_NAME)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        self.path.with_file_name(name)
    }

    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    /// The stored credentials; `None` when there is no file. A file others can read is
    /// refused (its secrets may already be out), with the `chmod` that fixes it.
    pub fn load(&self) -> Result<Option<Credentials>, AuthError> {
        let unreadable = |detail: String| AuthError::Unreadable {
            path: self.shown(),
            detail,
        };
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(unreadable(e.to_string())),
        };
        let meta = file.metadata().map_err(|e| unreadable(e.to_string()))?;
        check_private(&self.path, &meta)?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(unreadable(
                "it is too large to be a credentials file".into(),
            ));
        }
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::Read::take(file, MAX_FILE_BYTES), &mut text)
            .map_err(|e| unreadable(e.to_string()))?;
        // serde_json's messages name a position, never the value, so no secret leaks.
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| unreadable(format!("it is not a credentials file ({e})")))
    }

    /// Writes `creds` atomically: a temporary file in the same directory, written,
    /// fsynced and renamed over the old one, so a reader sees the old file or the new.
    pub fn save(&self, creds: &Credentials) -> Result<(), AuthError> {
        let unwritable = |detail: String| AuthError::Unwritable {
            path: self.shown(),
            detail,
        };
        let dir = self.dir()?;
        let json = serde_json::to_vec_pretty(creds).map_err(|e| unwritable(e.to_string()))?;
        let tmp = dir.join(format!(
            ".{FILE_NAME}.{}.{}.tmp",
            std::process::id(),
            unique()
        ));
        let written = (|| {
            let mut f = private_options().create_new(true).open(&tmp)?;
            f.write_all(&json)?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)?;
            // The rename itself is durable only once the directory is synced.
            File::open(&dir)?.sync_all()
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(unwritable(e.to_string()));
        }
        Ok(())
    }

    /// Removes the credentials (and the lock file); false when there were none.
    pub fn remove(&self) -> Result<bool, AuthError> {
        let lock = self.lock()?;
        let removed = match std::fs::remove_file(&self.path) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => {
                return Err(AuthError::Unwritable {
                    path: self.shown(),
                    detail: e.to_string(),
                })
            }
        };
        drop(lock);
        let _ = std::fs::remove_file(self.lock_path());
        Ok(removed)
    }

    /// The directory, created 0700 (and made 0700 when it exists with more).
    fn dir(&self) -> Result<PathBuf, AuthError> {
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        make_private_dir(&dir).map_err(|e| AuthError::Unwritable {
            path: self.shown(),
            detail: e.to_string(),
        })?;
        Ok(dir)
    }

    /// Takes the exclusive lock that every read-refresh-write holds, waiting up to
    /// `LOCK_WAIT` for another process's refresh to finish.
    pub fn lock(&self) -> Result<FileLock, AuthError> {
        let fail = |detail: String| AuthError::Unwritable {
            path: self.lock_path().display().to_string(),
            detail,
        };
        self.dir()?;
        let file = private_options()
            .create(true)
            .truncate(false)
            .open(self.lock_path())
            .map_err(|e| fail(e.to_string()))?;
        let mut lock = fd_lock::RwLock::new(file);
        let start = std::time::Instant::now();
        loop {
            // The guard only borrows the lock; forgetting it keeps the file locked
            // until `FileLock` closes the descriptor.
            let taken = lock.try_write().map(std::mem::forget);
            match taken {
                Ok(()) => return Ok(FileLock { _lock: lock }),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if start.elapsed() > LOCK_WAIT {
                        return Err(fail("another g2a-tui kept it locked for too long".into()));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(fail(e.to_string())),
            }
        }
    }
}

const LOCK_WAIT: Duration = Duration::from_secs(60);

/// Held while the credentials are read, refreshed and written; closing the descriptor
/// (on drop) releases the lock.
pub struct FileLock {
    _lock: fd_lock::RwLock<File>,
}

fn unique() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn check_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), AuthError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(AuthError::TooOpen {
            path: path.display().to_string(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path, _: &std::fs::Metadata) -> Result<(), AuthError> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn creds() -> Credentials {
        Credentials {
            auth_url: "http://127.0.0.1:9/oauth/token".into(),
            client_id: "id".into(),
            client_secret: "secret-abc".into(),
            access_token: "access-abc".into(),
            refresh_token: Some("refresh-abc".into()),
            expires_at: None,
            principal: Some("erin@example.com".into()),
        }
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn saved_private_and_read_back_and_a_loose_directory_is_tightened() {
        let root = std::env::temp_dir().join(format!("g2a-tui-creds-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("g2a-tui");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let file = CredentialsFile::new(dir.join(FILE_NAME));
        assert_eq!(file.load(), Ok(None));
        assert_eq!(file.save(&creds()), Ok(()));
        assert_eq!(mode(file.path()), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(file.load(), Ok(Some(creds())));
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o640))
            .expect("chmod");
        assert!(matches!(
            file.load(),
            Err(AuthError::TooOpen { mode: 0o640, .. })
        ));
        assert_eq!(file.remove(), Ok(true));
        assert_eq!(file.remove(), Ok(false));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let shown = format!("{:?}", creds());
        for s in ["secret-abc", "access-abc", "refresh-abc"] {
            assert!(!shown.contains(s), "{shown}");
        }
        assert!(shown.contains("erin@example.com"));
    }

    #[test]
    fn expiry_keeps_a_margin() {
        let now = Utc::now();
        let at = |secs| Credentials {
            expires_at: Some(now + chrono::Duration::seconds(secs)),
            ..creds()
        };
        assert!(at(30).is_expired(now));
        assert!(!at(600).is_expired(now));
        assert!(!creds().is_expired(now));
    }
}
