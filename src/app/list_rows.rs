//! What the list screen adds to the rows of [`crate::present::list`] (which sessions, their
//! order and each cell's text are that module's, shared with `g2a-tui list`): the fuzzy
//! filter over their fields (nucleo-matcher, as fzf scores), the status filter, the
//! highlighted letters and the columns a width leaves room for.

use nucleo_matcher::pattern::{Atom, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

use crate::present::list::{Cells, ListRow};
use crate::present::StatusKind;

/// The fields a query is matched against, in the order [`Fields`] keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    Customer,
    CustomerEmail,
    Expert,
    ExpertEmail,
    Ticket,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::Id,
        Field::Customer,
        Field::CustomerEmail,
        Field::Expert,
        Field::ExpertEmail,
        Field::Ticket,
    ];
}

/// Columns of a field kept for matching.
const MAX_FIELD: usize = 256;

/// A row's texts the query is matched against, built once with the rows (sanitised as
/// [`crate::present::list::cells`] shows them, so a highlight marks the letters shown).
#[derive(Debug, Clone)]
pub struct Fields {
    texts: [String; 6],
    hay: [Utf32String; 6],
}

impl Fields {
    pub fn of(row: &ListRow) -> Self {
        let s = &row.session;
        // A name is never this long; a hostile one is cut so matching stays cheap.
        let text = |v: &Option<String>| {
            let t = crate::present::line(v.as_deref().unwrap_or(""));
            if t.len() > MAX_FIELD {
                crate::app::wrap::truncate(&t, MAX_FIELD)
            } else {
                t
            }
        };
        let texts = [
            text(&s.session_id),
            text(&s.customer_name),
            text(&s.customer_email),
            text(&s.expert_name),
            text(&s.expert_email),
            text(&s.partner_object),
        ];
        let hay = texts.clone().map(|t| Utf32String::from(t.as_str()));
        Fields { texts, hay }
    }

    pub fn text(&self, f: Field) -> &str {
        &self.texts[f as usize]
    }

    /// The field whose text `shown` is, among `candidates`: the one a query's letters
    /// are highlighted in.
    fn shown(&self, shown: &str, candidates: &[Field]) -> Option<Field> {
        candidates
            .iter()
            .copied()
            .find(|f| !shown.is_empty() && self.text(*f) == shown)
    }
}

/// The fields of each row, in the rows' order.
pub fn fields(rows: &[ListRow]) -> Vec<Fields> {
    rows.iter().map(Fields::of).collect()
}

/// The status filter Tab and Shift-Tab cycle through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Only(StatusKind),
}

impl StatusFilter {
    const CYCLE: [StatusFilter; 6] = [
        StatusFilter::All,
        StatusFilter::Only(StatusKind::Waiting),
        StatusFilter::Only(StatusKind::Active),
        StatusFilter::Only(StatusKind::Complete),
        StatusFilter::Only(StatusKind::Abandoned),
        StatusFilter::Only(StatusKind::NotStarted),
    ];

    pub fn step(self, forward: bool) -> StatusFilter {
        let n = Self::CYCLE.len();
        let i = Self::CYCLE.iter().position(|f| *f == self).unwrap_or(0);
        Self::CYCLE[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    pub fn keeps(self, row: &ListRow) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::Only(k) => row.kind() == k,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Only(StatusKind::Waiting) => "waiting",
            StatusFilter::Only(StatusKind::Active) => "active",
            StatusFilter::Only(StatusKind::Complete) => "complete",
            StatusFilter::Only(StatusKind::Abandoned) => "abandoned",
            StatusFilter::Only(StatusKind::NotStarted) => "not started",
            StatusFilter::Only(StatusKind::Unknown) => "unknown",
        }
    }
}

/// A query as fzf reads it: words each matched fuzzily anywhere (`'` exact, `^` prefix,
/// `$` suffix, `!` not), smart case.
pub fn pattern(query: &str) -> Pattern {
    // A pasted id (`#482 913 657`) is one id, not three words and a `#`.
    let t = query.trim();
    let pasted_id = t.starts_with('#')
        || (t.contains(char::is_whitespace)
            && t.chars().all(|c| c.is_ascii_digit() || c.is_whitespace()));
    let id = crate::api::normalize_session_id(query);
    let query = if pasted_id && !id.is_empty() {
        id.as_str()
    } else {
        query
    };
    Pattern::parse(query, CaseMatching::Smart, Normalization::Smart)
}

pub fn matcher() -> Matcher {
    Matcher::new(Config::DEFAULT)
}

/// The rows that pass the status filter and match every word of the query, as indices
/// into `rows`: best match first (ties keep the list's order), or the list's order for
/// an empty query. O(rows × fields) matcher calls per key press.
pub fn filter(
    rows: &[ListRow],
    fields: &[Fields],
    pattern: &Pattern,
    status: StatusFilter,
    matcher: &mut Matcher,
) -> Vec<usize> {
    let mut scored: Vec<(u32, usize)> = rows
        .iter()
        .zip(fields)
        .enumerate()
        .filter(|(_, (r, _))| status.keeps(r))
        .filter_map(|(i, (_, f))| score(f, pattern, matcher).map(|s| (s, i)))
        .collect();
    if !pattern.atoms.is_empty() {
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    scored.into_iter().map(|(_, i)| i).collect()
}

/// A row's score: each word's best over the fields, summed; `None` when a word matches
/// no field (or a `!` word matches one).
fn score(row: &Fields, pattern: &Pattern, matcher: &mut Matcher) -> Option<u32> {
    let mut total = 0u32;
    for atom in &pattern.atoms {
        let mut best: Option<u16> = None;
        for hay in &row.hay {
            match atom.score(hay.slice(..), matcher) {
                // A `!` word must match no field at all.
                None if atom.negative => return None,
                s => best = best.max(s),
            }
        }
        total += u32::from(best?);
    }
    Some(total)
}

/// The matched characters of `field` (grapheme indices of its text), for highlighting:
/// each word marks the field where it scores best.
pub fn highlights(
    row: &Fields,
    pattern: &Pattern,
    field: Field,
    matcher: &mut Matcher,
) -> Vec<u32> {
    let mut out = Vec::new();
    for atom in pattern.atoms.iter().filter(|a| !a.negative) {
        let best = Field::ALL
            .iter()
            .filter_map(|f| {
                atom.score(row.hay[*f as usize].slice(..), matcher)
                    .map(|s| (s, *f))
            })
            .max_by_key(|(s, f)| (*s, std::cmp::Reverse(*f as usize)));
        if best.is_some_and(|(_, f)| f == field) {
            indices(atom, &row.hay[field as usize], matcher, &mut out);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn indices(atom: &Atom, hay: &Utf32String, matcher: &mut Matcher, out: &mut Vec<u32>) {
    atom.indices(hay.slice(..), matcher, out);
}

/// The matched characters of an arbitrary text (a snippet's session, say).
pub fn highlights_in(text: &str, pattern: &Pattern, matcher: &mut Matcher) -> Vec<u32> {
    let mut buf = Vec::new();
    let hay = Utf32Str::new(text, &mut buf);
    let mut out = Vec::new();
    for atom in pattern.atoms.iter().filter(|a| !a.negative) {
        atom.indices(hay, matcher, &mut out);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A column of the list, in the order drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Status,
    Started,
    Duration,
    Expert,
    Customer,
    Id,
    Ticket,
    Stored,
}

impl Column {
    pub fn title(self) -> &'static str {
        match self {
            Column::Status => "status",
            Column::Started => "started",
            Column::Duration => "duration",
            Column::Expert => "expert",
            Column::Customer => "customer",
            Column::Id => "id",
            Column::Ticket => "ticket",
            Column::Stored => "",
        }
    }
}

/// Columns of the badge ("not started" is the longest status) and the fixed ones.
const STATUS_W: usize = 13;
const STARTED_W: usize = 11;
const DURATION_W: usize = 8;
const ID_W: usize = 11;
const TICKET_W: usize = 14;
const STORED_W: usize = 6;
const MAX_NAME_W: usize = 32;

/// The columns that fit in `width` cells and their widths (a space apart). The badge
/// and the customer always stay; the rest drop as the terminal narrows, least needed
/// first: ticket, expert, id, started, duration.
pub fn columns(width: usize, any_stored: bool) -> Vec<(Column, usize)> {
    let fixed = |c: Column| match c {
        Column::Status => STATUS_W,
        Column::Started => STARTED_W,
        Column::Duration => DURATION_W,
        Column::Id => ID_W,
        Column::Ticket => TICKET_W,
        Column::Stored => STORED_W,
        Column::Expert | Column::Customer => 0,
    };
    // From the fullest set down, the first that leaves each name at least 14 cells.
    let sets: [&[Column]; 6] = [
        &[
            Column::Status,
            Column::Started,
            Column::Duration,
            Column::Expert,
            Column::Customer,
            Column::Id,
            Column::Ticket,
        ],
        &[
            Column::Status,
            Column::Started,
            Column::Duration,
            Column::Expert,
            Column::Customer,
            Column::Id,
        ],
        &[
            Column::Status,
            Column::Started,
            Column::Duration,
            Column::Customer,
            Column::Id,
        ],
        &[
            Column::Status,
            Column::Started,
            Column::Duration,
            Column::Customer,
        ],
        &[Column::Status, Column::Duration, Column::Customer],
        &[Column::Status, Column::Customer],
    ];
    for set in sets {
        let mut cols: Vec<Column> = set.to_vec();
        if any_stored {
            cols.push(Column::Stored);
        }
        let names = cols
            .iter()
            .filter(|c| matches!(c, Column::Expert | Column::Customer))
            .count();
        let used: usize = cols.iter().map(|c| fixed(*c)).sum::<usize>() + cols.len() - 1;
        let left = width.saturating_sub(used);
        if left >= 14 * names || set.len() == 2 {
            // Names beyond this width are rare; the rest of a wide line stays empty.
            let each = left.checked_div(names).unwrap_or(0).min(MAX_NAME_W);
            // The customer takes what an even split leaves over.
            let extra = (left - each * names).min(MAX_NAME_W / 2);
            return cols
                .into_iter()
                .filter(|c| *c != Column::Stored || left >= 14 * names)
                .map(|c| {
                    let w = match c {
                        Column::Customer => each + extra,
                        Column::Expert => each,
                        other => fixed(other),
                    };
                    (c, w)
                })
                .collect();
        }
    }
    Vec::new()
}

/// What a cell says (from [`crate::present::list::cells`], as `g2a-tui list` prints it)
/// and, for the cells a query can highlight, the field it shows.
pub fn cell<'a>(cells: &'a Cells, fields: &Fields, col: Column) -> (&'a str, Option<Field>) {
    let (text, candidates): (&str, &[Field]) = match col {
        Column::Status => (&cells.status, &[]),
        Column::Started => (&cells.started, &[]),
        Column::Duration => (&cells.duration, &[]),
        Column::Expert => (&cells.expert, &[Field::Expert, Field::ExpertEmail]),
        Column::Customer => (&cells.customer, &[Field::Customer, Field::CustomerEmail]),
        Column::Id => (&cells.id, &[Field::Id]),
        Column::Ticket => (&cells.ticket, &[Field::Ticket]),
        Column::Stored => (&cells.stored, &[]),
    };
    (text, fields.shown(text, candidates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Session;
    use crate::timefmt::Zone;

    fn row(id: &str, customer: &str, expert: &str, status: &str) -> ListRow {
        let s = Session::from_value(serde_json::json!({
            "sessionId": id, "customerName": customer, "expertName": expert, "status": status,
            "customerEmail": "someone@example.com", "partnerObject": "INC-4711"
        }))
        .expect("session");
        ListRow {
            session: s,
            stored: false,
            fetched_at: None,
        }
    }

    #[test]
    fn columns_always_fit_and_keep_the_badge_and_the_customer() {
        for width in 0..260 {
            for stored in [false, true] {
                let cols = columns(width, stored);
                let used: usize =
                    cols.iter().map(|(_, w)| w).sum::<usize>() + cols.len().saturating_sub(1);
                assert!(used <= width.max(STATUS_W + 1), "{width}: {cols:?}");
                assert!(cols.iter().any(|(c, _)| *c == Column::Status), "{width}");
                assert!(cols.iter().any(|(c, _)| *c == Column::Customer), "{width}");
            }
        }
    }

    #[test]
    fn every_word_must_match_some_field_and_not_words_none() {
        let rows = vec![
            row("482913657", "Morgan Lee", "Dana Whitfield", "complete"),
            row("482913700", "Priya Raman", "Dana Whitfield", "active"),
        ];
        let fields = fields(&rows);
        let mut m = matcher();
        let find =
            |q: &str, m: &mut Matcher| filter(&rows, &fields, &pattern(q), StatusFilter::All, m);
        assert_eq!(find("", &mut m), vec![0, 1]);
        assert_eq!(find("priya dana", &mut m), vec![1]);
        assert_eq!(find("dana !priya", &mut m), vec![0]);
        assert_eq!(find("913700", &mut m), vec![1]);
        assert_eq!(find("inc-4711 lee", &mut m), vec![0]);
        assert!(find("zzz", &mut m).is_empty());
        let active = StatusFilter::All.step(true).step(true);
        assert_eq!(
            filter(&rows, &fields, &pattern("dana"), active, &mut m),
            vec![1]
        );
        assert_eq!(StatusFilter::All.step(false).label(), "not started");
    }

    #[test]
    fn highlights_mark_the_field_where_a_word_scores_best() {
        let r = Fields::of(&row(
            "482913657",
            "Morgan Lee",
            "Dana Whitfield",
            "complete",
        ));
        let mut m = matcher();
        let p = pattern("lee");
        assert_eq!(highlights(&r, &p, Field::Customer, &mut m), vec![7, 8, 9]);
        assert!(highlights(&r, &p, Field::Expert, &mut m).is_empty());
    }

    #[test]
    fn a_cell_is_highlighted_in_the_field_it_shows() {
        let mut r = row("482913657", "", "Dana Whitfield", "complete");
        let f = Fields::of(&r);
        let now = chrono::Utc::now();
        let c = crate::present::list::cells(&r, Zone::Utc, now);
        assert_eq!(
            cell(&c, &f, Column::Customer),
            ("someone@example.com", Some(Field::CustomerEmail))
        );
        assert_eq!(cell(&c, &f, Column::Expert).1, Some(Field::Expert));
        // Only a machine to name: shown, but no field of the query's holds it.
        r.session.customer_email = None;
        r.session.unattended_machine_name = Some("FRONT-DESK-PC".into());
        let c = crate::present::list::cells(&r, Zone::Utc, now);
        assert_eq!(
            cell(&c, &Fields::of(&r), Column::Customer),
            ("FRONT-DESK-PC", None)
        );
    }
}
