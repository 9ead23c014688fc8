//! Reading config.toml with the line of every key (toml's spans), so an unknown key is
//! named with its line and a bad value stops the run with the line that holds it.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{ConfigError, Warning};
use crate::api::AuthScheme;
use crate::app::keymap::KeyOverride;
use crate::logging::LogLevel;
use crate::ui::theme::{ColorOverride, ThemeName};

/// What the file says; `None` where it says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileConfig {
    /// The file read, if there was one.
    pub path: Option<PathBuf>,
    pub base_url: Option<String>,
    pub system_domain: Option<String>,
    pub auth_scheme: Option<AuthScheme>,
    pub timeout_secs: Option<u64>,
    pub retries: Option<u32>,
    pub allow_insecure_http: Option<bool>,
    pub ca_file: Option<PathBuf>,
    pub max_body_mb: Option<u64>,
    pub poll_secs: Option<u64>,
    pub keep_days: Option<u32>,
    pub store: Option<bool>,
    pub theme: Option<ThemeName>,
    pub auth_url: Option<String>,
    pub client_id: Option<String>,
    /// The program and its arguments (run without a shell).
    pub token_command: Option<Vec<String>>,
    pub log_file: Option<PathBuf>,
    pub log_level: Option<LogLevel>,
    pub keys: Vec<KeyOverride>,
    pub colors: Vec<ColorOverride>,
    pub warnings: Vec<Warning>,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Reader<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        line_of(self.text, span.start)
    }

    fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError {
            path: self.path.to_path_buf(),
            line: Some(self.line(span)),
            message,
        }
    }

    fn string(&self, key: &str, v: &Spanned<DeValue>) -> Result<String, ConfigError> {
        v.get_ref()
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| self.error(v.span(), format!("{key} must be a string")))
    }

    fn integer(
        &self,
        key: &str,
        v: &Spanned<DeValue>,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64, ConfigError> {
        let n = v
            .get_ref()
            .as_integer()
            .and_then(|i| u64::from_str_radix(i.as_str(), i.radix()).ok())
            .filter(|n| range.contains(n));
        n.ok_or_else(|| {
            self.error(
                v.span(),
                format!(
                    "{key} must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            )
        })
    }

    fn choice<T: Copy>(
        &self,
        key: &str,
        v: &Spanned<DeValue>,
        choices: &[(&str, T)],
    ) -> Result<T, ConfigError> {
        let names: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        let wrong = || {
            self.error(
                v.span(),
                format!("{key} must be one of {}", names.join(", ")),
            )
        };
        let s = v.get_ref().as_str().ok_or_else(wrong)?;
        choices
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s.trim()))
            .map(|(_, t)| *t)
            .ok_or_else(wrong)
    }

    /// A string split at whitespace, or a list of strings: the program and its arguments.
    fn command(&self, key: &str, v: &Spanned<DeValue>) -> Result<Vec<String>, ConfigError> {
        let wrong = || {
            self.error(
                v.span(),
                format!("{key} must be a command: a string, or a list of strings [\"program\", \"arg\"]"),
            )
        };
        let argv: Vec<String> = match v.get_ref() {
            DeValue::String(s) => s.split_whitespace().map(str::to_string).collect(),
            DeValue::Array(items) => items
                .iter()
                .map(|i| i.get_ref().as_str().map(str::to_string))
                .collect::<Option<_>>()
                .ok_or_else(wrong)?,
            _ => return Err(wrong()),
        };
        if argv.first().is_none_or(|p| p.is_empty()) {
            return Err(wrong());
        }
        Ok(argv)
    }

    /// `[keys]`: `action = ["key", …]` (or one string), and `[keys.<mode>]` tables.
    fn keys(&self, table: &DeTable, mode: Option<&str>, out: &mut FileConfig) {
        for (name, value) in table {
            let line = self.line(name.span());
            match value.get_ref() {
                DeValue::Table(t) if mode.is_none() => self.keys(t, Some(name.get_ref()), out),
                DeValue::String(s) => out.keys.push(KeyOverride {
                    mode: mode.map(str::to_string),
                    action: name.get_ref().to_string(),
                    keys: vec![s.to_string()],
                    line,
                }),
                DeValue::Array(items) => {
                    let keys: Option<Vec<String>> = items
                        .iter()
                        .map(|i| i.get_ref().as_str().map(str::to_string))
                        .collect();
                    match keys {
                        Some(keys) => out.keys.push(KeyOverride {
                            mode: mode.map(str::to_string),
                            action: name.get_ref().to_string(),
                            keys,
                            line,
                        }),
                        None => out.warnings.push(Warning {
                            line,
                            message: format!(
                                "[keys] {}: keys are strings such as \"q\" or \"ctrl-c\"; the default is kept",
                                name.get_ref()
                            ),
                        }),
                    }
                }
                _ => out.warnings.push(Warning {
                    line,
                    message: format!(
                        "[keys] {}: expected a list of keys such as [\"q\", \"ctrl-c\"]; the default is kept",
                        name.get_ref()
                    ),
                }),
            }
        }
    }

    /// `[colors]`: `role = "colour"` or `role = { fg = …, bold = … }`, and `[colors.badge]`.
    fn colors(&self, table: &DeTable, prefix: &str, out: &mut FileConfig) {
        for (name, value) in table {
            let role = format!("{prefix}{}", name.get_ref());
            match value.get_ref() {
                DeValue::Table(t) if prefix.is_empty() && name.get_ref() == "badge" => {
                    self.colors(t, "badge.", out)
                }
                v => out.colors.push(ColorOverride {
                    role,
                    value: to_value(v),
                    line: self.line(name.span()),
                }),
            }
        }
    }
}

/// toml's spanned parse tree as a plain value (for the theme's own style reader).
fn to_value(v: &DeValue) -> toml::Value {
    match v {
        DeValue::String(s) => toml::Value::String(s.to_string()),
        DeValue::Integer(i) => {
            toml::Value::Integer(i64::from_str_radix(i.as_str(), i.radix()).unwrap_or(i64::MAX))
        }
        DeValue::Float(f) => toml::Value::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => toml::Value::Boolean(*b),
        DeValue::Datetime(d) => toml::Value::Datetime(*d),
        DeValue::Array(a) => toml::Value::Array(a.iter().map(|i| to_value(i.get_ref())).collect()),
        DeValue::Table(t) => toml::Value::Table(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), to_value(v.get_ref())))
                .collect(),
        ),
    }
}

impl FileConfig {
    /// Reads the text of the file at `path`. A key it does not know is a warning; a file
    /// that is not TOML, or a known key with a wrong value, is an error with its line.
    pub fn parse(path: &Path, text: &str) -> Result<FileConfig, ConfigError> {
        let r = Reader { path, text };
        let doc = DeTable::parse(text).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e
                .message()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
        })?;
        let mut out = FileConfig {
            path: Some(path.to_path_buf()),
            ..FileConfig::default()
        };
        for (key, v) in doc.get_ref() {
            let name = key.get_ref().as_ref();
            match name {
                "base_url" => out.base_url = Some(r.string(name, v)?),
                "system_domain" => out.system_domain = Some(r.string(name, v)?),
                "auth_scheme" => {
                    out.auth_scheme = Some(r.choice(
                        name,
                        v,
                        &[("bearer", AuthScheme::Bearer), ("oauth", AuthScheme::Oauth)],
                    )?)
                }
                "timeout_secs" => out.timeout_secs = Some(r.integer(name, v, 1..=3600)?),
                "max_body_mb" => out.max_body_mb = Some(r.integer(name, v, 1..=65536)?),
                "poll_secs" => out.poll_secs = Some(r.integer(name, v, 0..=3600)?),
                "retries" => {
                    let most = u64::from(crate::api::retry::MAX_RETRIES);
                    // The range fits u32.
                    out.retries = Some(r.integer(name, v, 0..=most)? as u32)
                }
                "allow_insecure_http" => {
                    out.allow_insecure_http = Some(v.get_ref().as_bool().ok_or_else(|| {
                        r.error(
                            v.span(),
                            "allow_insecure_http must be true or false".to_string(),
                        )
                    })?)
                }
                "keep_days" => {
                    // The range fits u32.
                    out.keep_days = Some(r.integer(name, v, 1..=36500)? as u32)
                }
                "store" => {
                    out.store = Some(v.get_ref().as_bool().ok_or_else(|| {
                        r.error(v.span(), "store must be true or false".to_string())
                    })?)
                }
                "theme" => {
                    out.theme = Some(r.choice(
                        name,
                        v,
                        &[
                            ("dark", ThemeName::Dark),
                            ("light", ThemeName::Light),
                            ("mono", ThemeName::Mono),
                        ],
                    )?)
                }
                "auth_url" => out.auth_url = Some(r.string(name, v)?),
                "client_id" => out.client_id = Some(r.string(name, v)?),
                "token_command" => out.token_command = Some(r.command(name, v)?),
                // `log_file = ""` turns a log off again, as leaving the key out does.
                // `ca_file = ""` trusts only the built-in roots, as leaving the key out does.
                "ca_file" => {
                    out.ca_file = Some(r.string(name, v)?)
                        .filter(|p| !p.trim().is_empty())
                        .map(PathBuf::from)
                }
                "log_file" => {
                    out.log_file = Some(r.string(name, v)?)
                        .filter(|p| !p.trim().is_empty())
                        .map(PathBuf::from)
                }
                "log_level" => {
                    let levels = LogLevel::ALL.map(|l| (l.name(), l));
                    out.log_level = Some(r.choice(name, v, &levels)?)
                }
                "keys" | "colors" => match v.get_ref() {
                    DeValue::Table(t) if name == "keys" => r.keys(t, None, &mut out),
                    DeValue::Table(t) => r.colors(t, "", &mut out),
                    _ => {
                        return Err(r.error(v.span(), format!("{name} must be a table ([{name}])")))
                    }
                },
                _ => out.warnings.push(Warning {
                    line: r.line(key.span()),
                    message: format!("unknown key {name:?}; ignored"),
                }),
            }
        }
        // toml's tables are sorted by key; the file's own order reads better.
        out.keys.sort_by_key(|k| k.line);
        out.colors.sort_by_key(|c| c.line);
        out.warnings.sort_by_key(|w| w.line);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileConfig, ConfigError> {
        FileConfig::parse(Path::new("c.toml"), text)
    }

    #[test]
    fn every_key_is_read() {
        let c = parse(
            "base_url = \"http://h\"\nsystem_domain = \"d\"\nauth_scheme = \"oauth\"\n\
             timeout_secs = 9\nretries = 0\nallow_insecure_http = true\npoll_secs = 0\nkeep_days = 12\nstore = false\ntheme = \"light\"\n\
             auth_url = \"http://a\"\nclient_id = \"c\"\ntoken_command = [\"pass\", \"show\", \"my token\"]\n\
             [keys]\nquit = [\"x\"]\nsearch = \"/\"\n[keys.list]\nquit = [\"ctrl-q\"]\n\
             [colors]\nkey = \"green\"\n[colors.badge]\nactive = { bg = \"blue\" }\n",
        )
        .expect("parses");
        assert_eq!(c.base_url.as_deref(), Some("http://h"));
        assert_eq!(c.system_domain.as_deref(), Some("d"));
        assert_eq!(c.auth_scheme, Some(AuthScheme::Oauth));
        assert_eq!(
            (c.timeout_secs, c.poll_secs, c.keep_days),
            (Some(9), Some(0), Some(12))
        );
        assert_eq!((c.retries, c.allow_insecure_http), (Some(0), Some(true)));
        assert_eq!(c.store, Some(false));
        assert_eq!(c.theme, Some(ThemeName::Light));
        assert_eq!(c.auth_url.as_deref(), Some("http://a"));
        assert_eq!(c.client_id.as_deref(), Some("c"));
        assert_eq!(
            c.token_command,
            Some(vec!["pass".into(), "show".into(), "my token".into()])
        );
        let keys: Vec<_> = c
            .keys
            .iter()
            .map(|k| (k.mode.as_deref(), k.action.as_str(), k.keys.clone(), k.line))
            .collect();
        assert!(keys.contains(&(None, "quit", vec!["x".to_string()], 15)));
        assert!(keys.contains(&(None, "search", vec!["/".to_string()], 16)));
        assert!(keys.contains(&(Some("list"), "quit", vec!["ctrl-q".to_string()], 18)));
        let roles: Vec<_> = c.colors.iter().map(|o| (o.role.as_str(), o.line)).collect();
        assert_eq!(roles, [("key", 20), ("badge.active", 22)]);
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn unknown_keys_are_warnings_with_their_line() {
        let c = parse("theme = \"dark\"\n\ncolour = \"red\"\n[extra]\nx = 1\n").expect("parses");
        let w: Vec<_> = c
            .warnings
            .iter()
            .map(|w| (w.line, w.message.as_str()))
            .collect();
        assert_eq!(
            w,
            [
                (3, "unknown key \"colour\"; ignored"),
                (4, "unknown key \"extra\"; ignored")
            ]
        );
    }

    #[test]
    fn broken_files_and_bad_values_name_their_line() {
        let e = parse("theme = \"dark\"\nbase_url = \"http://h\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.to_string().starts_with("c.toml, line 2: "), "{e}");
        let e = parse("\n\ntimeout_secs = 0\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml, line 3: timeout_secs must be a whole number from 1 to 3600"
        );
        let e = parse("theme = \"pink\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml, line 1: theme must be one of \"dark\", \"light\", \"mono\""
        );
        assert!(parse("store = \"yes\"").is_err());
        assert!(parse("retries = 11").is_err());
        assert!(parse("allow_insecure_http = 1").is_err());
        assert!(parse("token_command = []").is_err());
        assert!(parse("keys = 3").is_err());
    }

    #[test]
    fn the_default_file_is_all_defaults_and_every_commented_key_is_known() {
        let c = parse(super::super::DEFAULT_FILE).expect("the default file parses");
        assert_eq!(
            FileConfig {
                path: None,
                ..c.clone()
            },
            FileConfig::default()
        );
        // Uncommenting the example lines gives a file with no warnings at all.
        let uncommented: String = super::super::DEFAULT_FILE
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| r.contains(" = ") || r.starts_with('['))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let c = parse(&uncommented).expect("uncommented, it parses");
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert!(c.base_url.is_some() && c.theme.is_some() && !c.keys.is_empty());
    }
}
