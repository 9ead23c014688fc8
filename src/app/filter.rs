//! Which transcript lines are shown: all, the customer's, the technicians' or the
//! system lines (`f` cycles). The shown entries are kept as a sorted list of indices,
//! built once when the filter or the entries change (O(n) then, never per frame), so
//! scrolling and drawing step from one shown entry to the next in O(log n) and a
//! frame stays O(visible) with a filter on. Anchors stay entry indices.

use super::entries::Entries;
use super::transcript::{Anchor, Speaker, TranscriptView};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    Customer,
    Technicians,
    System,
}

impl Filter {
    /// The next filter in the cycle `f` walks.
    pub fn next(self) -> Filter {
        match self {
            Filter::All => Filter::Customer,
            Filter::Customer => Filter::Technicians,
            Filter::Technicians => Filter::System,
            Filter::System => Filter::All,
        }
    }

    pub fn keeps(self, speaker: Speaker) -> bool {
        match self {
            Filter::All => true,
            Filter::Customer => speaker == Speaker::Customer,
            Filter::Technicians => speaker.is_technician(),
            Filter::System => speaker == Speaker::System,
        }
    }

    /// What the transcript's title says while the filter is on ("customer only").
    pub fn label(self) -> Option<&'static str> {
        match self {
            Filter::All => None,
            Filter::Customer => Some("customer only"),
            Filter::Technicians => Some("technicians only"),
            Filter::System => Some("system lines only"),
        }
    }

    /// What an empty filtered view says instead of messages.
    pub fn nothing(self) -> &'static str {
        match self {
            Filter::All => "No messages",
            Filter::Customer => "No messages from the customer",
            Filter::Technicians => "No messages from a technician",
            Filter::System => "No system lines",
        }
    }
}

/// The filter and, when one is on, the indices of the entries it keeps, ascending.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    filter: Filter,
    list: Option<Vec<usize>>,
}

impl Shown {
    pub fn filter(&self) -> Filter {
        self.filter
    }

    /// Rebuilds the list for `filter` over `entries`: O(n), once per change.
    pub fn build(filter: Filter, entries: &Entries) -> Shown {
        let list = (filter != Filter::All).then(|| {
            entries
                .speakers()
                .enumerate()
                .filter(|(_, s)| filter.keeps(*s))
                .map(|(i, _)| i)
                .collect()
        });
        Shown { filter, list }
    }
}

impl Shown {
    /// Entries from `from` on were added: the ones the filter keeps join the list
    /// (O(added)), so a transcript arriving in batches is not filtered again whole.
    pub fn append(&mut self, entries: &Entries, from: usize) {
        let filter = self.filter;
        if let Some(list) = self.list.as_mut() {
            list.retain(|&i| i < from);
            list.extend(
                entries
                    .speakers()
                    .enumerate()
                    .skip(from)
                    .filter(|(_, s)| filter.keeps(*s))
                    .map(|(i, _)| i),
            );
        }
    }
}

impl TranscriptView {
    pub fn filter(&self) -> Filter {
        self.shown.filter()
    }

    /// Switches the filter, keeping the reader's place: a top entry the filter hides
    /// gives way to the next one it keeps (or the tail). The caller settles the view.
    pub fn set_filter(&mut self, filter: Filter) {
        self.shown = Shown::build(filter, &self.entries);
        self.forget_rows();
        if let Some(a) = self.anchor {
            if !self.is_shown(a.entry) {
                self.anchor = self
                    .at_or_after(a.entry)
                    .map(|entry| Anchor { entry, row: 0 });
            }
        }
        self.unseen = 0;
    }

    /// The list rebuilt after the entries changed (a refresh, a session that says
    /// who is who), under the same filter.
    pub fn refilter(&mut self) {
        self.shown = Shown::build(self.shown.filter, &self.entries);
    }

    /// How many entries the filter keeps.
    pub fn shown_len(&self) -> usize {
        match &self.shown.list {
            None => self.entries.len(),
            Some(l) => l.len(),
        }
    }

    pub fn is_shown(&self, i: usize) -> bool {
        match &self.shown.list {
            None => i < self.entries.len(),
            Some(l) => l.binary_search(&i).is_ok(),
        }
    }

    /// How many shown entries come before entry `i`.
    pub fn shown_before(&self, i: usize) -> usize {
        match &self.shown.list {
            None => i.min(self.entries.len()),
            Some(l) => l.partition_point(|&x| x < i),
        }
    }

    /// The `n`th shown entry.
    pub fn nth_shown(&self, n: usize) -> Option<usize> {
        match &self.shown.list {
            None => (n < self.entries.len()).then_some(n),
            Some(l) => l.get(n).copied(),
        }
    }

    /// The first shown entry at or after `i`.
    pub fn at_or_after(&self, i: usize) -> Option<usize> {
        self.nth_shown(self.shown_before(i))
    }

    /// The shown entry after `i`.
    pub fn next_shown(&self, i: usize) -> Option<usize> {
        self.at_or_after(i + 1)
    }

    /// The shown entry before `i`.
    pub fn prev_shown(&self, i: usize) -> Option<usize> {
        self.shown_before(i)
            .checked_sub(1)
            .and_then(|n| self.nth_shown(n))
    }

    pub fn first_shown(&self) -> Option<usize> {
        self.nth_shown(0)
    }

    pub fn last_shown(&self) -> Option<usize> {
        self.shown_len()
            .checked_sub(1)
            .and_then(|n| self.nth_shown(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Event, Session};
    use crate::timefmt::Zone;

    fn view() -> TranscriptView {
        let session = Session {
            expert_name: Some("Dana".into()),
            customer_name: Some("Morgan".into()),
            ..Default::default()
        };
        let ev = |who: &str, text: &str| Event {
            time: None,
            participant: Some(who.into()),
            content: text.into(),
        };
        let mut v = TranscriptView::default();
        v.set_events(
            &[
                ev("Dana", "Dana joined the session"),
                ev("Morgan", "hi"),
                ev("Dana", "hello"),
                ev("Morgan", "it crashes"),
                ev("Dana", "Dana ended the session"),
            ],
            Zone::Utc,
            Some(&session),
        );
        v
    }

    #[test]
    fn each_filter_keeps_its_speakers_and_steps_between_them() {
        let mut v = view();
        assert_eq!(v.shown_len(), 5);
        v.set_filter(Filter::Customer);
        assert_eq!(v.shown_len(), 2);
        assert_eq!((v.first_shown(), v.last_shown()), (Some(1), Some(3)));
        assert_eq!(v.next_shown(1), Some(3));
        assert_eq!(v.next_shown(3), None);
        assert_eq!(v.prev_shown(3), Some(1));
        assert_eq!(v.prev_shown(1), None);
        assert_eq!(v.at_or_after(2), Some(3));
        assert_eq!(v.shown_before(3), 1);
        v.set_filter(Filter::Technicians);
        assert_eq!(v.nth_shown(0), Some(2));
        v.set_filter(Filter::System);
        assert_eq!((v.first_shown(), v.last_shown()), (Some(0), Some(4)));
        assert_eq!(Filter::System.next(), Filter::All);
    }

    #[test]
    fn a_hidden_anchor_moves_to_the_next_shown_entry() {
        let mut v = view();
        v.anchor = Some(Anchor { entry: 2, row: 0 });
        v.set_filter(Filter::Customer);
        assert_eq!(v.anchor, Some(Anchor { entry: 3, row: 0 }));
        v.anchor = Some(Anchor { entry: 4, row: 0 });
        v.set_filter(Filter::Technicians);
        assert_eq!(v.anchor, None, "nothing after it: follow the tail");
    }
}
