//! Plain row models for the session and links panes: role-tagged text already
//! wrapped to a width. `ui` only picks a style per role and draws them, so the
//! reducer knows every pane's height without asking the drawing code.

use super::wrap;
use crate::api::Session;
use crate::present::StatusKind;

/// What a piece of text is; the theme decides how each looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Plain,
    Label,
    Dim,
    Heading,
    Link,
    Technician,
    Customer,
    Secret,
    Error,
    /// Loading: drawn after the turning spinner.
    Spinner,
    Badge(StatusKind),
}

/// One screen row: pieces of text, each with its role.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaneRow {
    pub spans: Vec<(String, Role)>,
    /// The whole value of the field this row belongs to, for copying (`y`).
    pub value: Option<String>,
}

impl PaneRow {
    pub fn new(text: impl Into<String>, role: Role) -> Self {
        PaneRow {
            spans: vec![(text.into(), role)],
            value: None,
        }
    }

    pub fn text(&self) -> String {
        self.spans.iter().map(|(t, _)| t.as_str()).collect()
    }
}

/// Longest value shown in a pane before it is cut with a "… N more characters" row
/// (`print` shows it whole): a 10 MiB note must not be wrapped on every change.
pub const FIELD_CHARS: usize = 4000;

/// `label  value` rows with the value wrapped under itself (at spaces, and long URLs
/// only at their punctuation); an empty value is skipped.
pub fn field(
    out: &mut Vec<PaneRow>,
    label: &str,
    label_cols: usize,
    value: &str,
    role: Role,
    width: usize,
) {
    if value.trim().is_empty() {
        return;
    }
    let (shown, cut) = cut_chars(value, FIELD_CHARS);
    // Narrow panes put the value under its label rather than in a sliver beside it,
    // and so does a single long token (a URL, an e-mail) that fits whole there
    // rather than breaking beside it.
    let token = !shown.trim().contains(char::is_whitespace);
    let w = wrap::width(shown.trim());
    let whole_under = token && w > width.saturating_sub(label_cols) && w <= width.saturating_sub(2);
    let beside = width >= label_cols + 16 && !whole_under;
    let avail = if beside {
        width - label_cols
    } else {
        width.saturating_sub(2).max(1)
    };
    let pad = if beside { label_cols } else { 2 };
    if !beside {
        let mut row = PaneRow::new(wrap::truncate(label, width), Role::Label);
        row.value = Some(value.trim().replace('\u{a0}', " "));
        out.push(row);
    }
    for (n, row) in wrap::wrap(shown, avail, avail).into_iter().enumerate() {
        let head = if n == 0 && beside {
            format!("{label:<label_cols$}")
        } else {
            " ".repeat(pad)
        };
        // A no-break space only glues words for wrapping; the screen gets a plain one.
        let row = row.replace('\u{a0}', " ");
        out.push(PaneRow {
            spans: vec![(head, Role::Label), (row, role.clone())],
            value: Some(value.trim().replace('\u{a0}', " ")),
        });
    }
    if cut > 0 {
        more(out, cut, pad, width);
    }
}

/// A copy of `s` with its notes cut to [`FIELD_CHARS`], and how many characters were
/// left out: made once when the session arrives.
pub fn shorten(s: &Session) -> (Session, usize) {
    let mut copy = s.clone();
    let mut hidden = 0;
    if let Some(notes) = copy.notes.as_mut() {
        hidden = cut_in_place(notes);
    }
    // Any other field can be huge too; those are cut to one screenful (the pane's
    // own cut then says nothing more, but nothing of that size is sanitised per tick).
    for field in [
        &mut copy.session_id,
        &mut copy.session_type,
        &mut copy.account_name,
        &mut copy.expert_name,
        &mut copy.expert_email,
        &mut copy.partner_object,
        &mut copy.partner_object_url,
        &mut copy.customer_join_url,
        &mut copy.unattended_machine_name,
        &mut copy.customer_name,
        &mut copy.customer_email,
        &mut copy.session_recording_url,
    ]
    .into_iter()
    .flatten()
    {
        cut_in_place(field);
    }
    copy.raw = serde_json::Value::Null;
    (copy, hidden)
}

/// Cuts `s` to [`FIELD_CHARS`] characters; returns how many went.
fn cut_in_place(s: &mut String) -> usize {
    let (shown, cut) = cut_chars(s, FIELD_CHARS);
    let end = shown.len();
    s.truncate(end);
    cut
}

/// The "… N more characters" rows under a value that was cut.
pub fn more(out: &mut Vec<PaneRow>, hidden: usize, pad: usize, width: usize) {
    let avail = width.saturating_sub(pad).max(1);
    let text = format!("… {hidden} more characters (g2a-tui print shows them all)");
    for row in wrap::wrap(&text, avail, avail) {
        out.push(PaneRow {
            spans: vec![(" ".repeat(pad), Role::Label), (row, Role::Dim)],
            value: None,
        });
    }
}

/// A sentence wrapped to the pane, all in one role.
pub fn sentence(out: &mut Vec<PaneRow>, text: &str, role: Role, width: usize) {
    out.extend(
        wrap::wrap(text, width, width)
            .into_iter()
            .map(|l| PaneRow::new(l, role.clone())),
    );
}

/// The first `max` characters of `s` and how many were left out.
fn cut_chars(s: &str, max: usize) -> (&str, usize) {
    match s.char_indices().nth(max) {
        Some((i, _)) => (&s[..i], s[i..].chars().count()),
        None => (s, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_with_a_count() {
        let mut out = Vec::new();
        let value = "x ".repeat(FIELD_CHARS);
        field(&mut out, "Notes", 10, &value, Role::Plain, 60);
        let all: String = out.iter().map(PaneRow::text).collect();
        assert!(
            all.contains(&format!("… {FIELD_CHARS} more characters")),
            "{all}"
        );
        assert!(out.len() < FIELD_CHARS / 20);
    }

    #[test]
    fn narrow_panes_put_values_under_labels() {
        let mut out = Vec::new();
        field(
            &mut out,
            "Customer joined",
            16,
            "2026-11-20 14:04:24",
            Role::Plain,
            24,
        );
        assert_eq!(out[0].text(), "Customer joined");
        assert_eq!(out[1].text(), "  2026-11-20 14:04:24");
    }
}
