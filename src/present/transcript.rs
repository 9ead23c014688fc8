//! The chat transcript as both `print` and the viewer show it: messages sanitised
//! once, dated in the chosen zone, and each told apart by who speaks.
//!
//! Who speaks is worked out from the session: the participant string is matched
//! against the expert, the collaborators and the customer by name or email, ignoring
//! case and runs of whitespace, and "Name <email>" matches by either part. GoToAssist
//! also writes joins, leaves and the end of a session into the chat as plain messages
//! from the technician ("Dana Whitfield joined the session"); those become
//! [`Speaker::System`] lines. A customer's own words never do.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::{block, line, sentence, Problem};
use crate::api::model::TranscriptAbsence;
use crate::api::{ApiError, Event, Session, Status, Transcript};
use crate::sanitize::{sanitize, sanitize_line};
use crate::timefmt::Zone;

/// Who a message is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Speaker {
    /// The session's expert (the technician who owns it).
    Expert,
    /// A technician who joined the expert.
    Collaborator,
    Customer,
    /// A participant who is none of the people the session names, or anyone at all
    /// when the session could not be fetched (so nobody is coloured as the customer
    /// on a guess).
    Other,
    /// A line the platform wrote: a join, a leave, the end of the session, or any
    /// event without a participant.
    System,
}

impl Speaker {
    /// Every speaker, in the order a legend lists them.
    pub const ALL: [Speaker; 5] = [
        Speaker::Expert,
        Speaker::Collaborator,
        Speaker::Customer,
        Speaker::Other,
        Speaker::System,
    ];

    /// A one-column mark that tells speakers apart without colour (NO_COLOR, a
    /// monochrome terminal, a printout). ASCII where possible so any font has it:
    /// `*` the expert (the one in charge), `+` a collaborator (an added technician),
    /// `>` the customer (the voice coming in), `?` someone the session does not name,
    /// `·` (middle dot, in every font with Latin-1) a line the platform wrote.
    pub fn mark(self) -> &'static str {
        match self {
            Speaker::Expert => "*",
            Speaker::Collaborator => "+",
            Speaker::Customer => ">",
            Speaker::Other => "?",
            Speaker::System => "·",
        }
    }

    /// What the mark means, for a legend ("* the expert").
    pub fn describe(self) -> &'static str {
        match self {
            Speaker::Expert => "the expert",
            Speaker::Collaborator => "a collaborator",
            Speaker::Customer => "the customer",
            Speaker::Other => "someone the session does not name",
            Speaker::System => "a session event (join, remote control, end)",
        }
    }

    /// The speaker as a machine-readable word, for CSV and JSON: `expert`,
    /// `collaborator`, `customer`, `other` or `system`.
    pub fn key(self) -> &'static str {
        match self {
            Speaker::Expert => "expert",
            Speaker::Collaborator => "collaborator",
            Speaker::Customer => "customer",
            Speaker::Other => "other",
            Speaker::System => "system",
        }
    }

    pub fn is_technician(self) -> bool {
        matches!(self, Speaker::Expert | Speaker::Collaborator)
    }
}

/// Shown in the time column of a message that carries no timestamp at all.
pub const NO_TIME: &str = "--:--:--";

/// A participant's name as messages hold it: shared, so a million messages from
/// three people hold three names (see [`Names`]).
pub type Name = Arc<str>;

/// `HH:MM:SS` in the zone, as eight ASCII bytes, for a message whose time parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock([u8; 8]);

impl Clock {
    /// The clock and the calendar day of `t` in the zone, from one conversion.
    pub fn with_day(zone: Zone, t: DateTime<Utc>) -> (Self, NaiveDate) {
        let (hms, day) = zone.hms_and_day(t);
        (Clock(hms), day)
    }

    pub fn as_str(&self) -> &str {
        // Always ASCII digits and colons (or zeros when never set).
        std::str::from_utf8(&self.0).unwrap_or(NO_TIME)
    }
}

/// One transcript message, sanitised once, kept small: a transcript may hold a
/// million of them (about 80 bytes each plus the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// When it was sent, if the timestamp parsed.
    pub time: Option<DateTime<Utc>>,
    /// The sanitised timestamp text when there was one and it did not parse.
    pub raw_time: Option<Box<str>>,
    /// `time` as `HH:MM:SS` in the zone; meaningless without `time` (see [`Message::clock`]).
    pub hms: Clock,
    /// The calendar day in the zone, when the time parsed.
    pub day: Option<NaiveDate>,
    /// True on the first message of each day: the one to put a date line
    /// ([`day_label`]) before. A message without a date never opens a day.
    pub opens_day: bool,
    /// The participant: sanitised, one line, trimmed; empty when there is none.
    pub who: Name,
    /// The content: sanitised, line breaks kept, trailing whitespace dropped.
    pub text: Box<str>,
    pub speaker: Speaker,
}

/// A [`Message`] whose text is the server's own, not sanitised yet: nothing but
/// [`Unsanitized::sanitized`] reaches it.
#[derive(Debug)]
pub struct Unsanitized(Message);

impl Unsanitized {
    /// The message, its text sanitised (kept, not copied, when it needs no change).
    pub fn sanitized(mut self) -> Message {
        let m = &mut self.0;
        let clean = matches!(sanitize(&m.text), Cow::Borrowed(b) if b.trim_end().len() == b.len());
        if !clean {
            m.text = block(&m.text).into_boxed_str();
        }
        self.0
    }
}

impl Message {
    /// The message with a provisional speaker ([`Speaker::System`] without a
    /// participant, else [`Speaker::Other`]); [`classify`] decides the rest.
    pub fn from_event(e: &Event, zone: Zone) -> Self {
        Self::from_event_in(e, zone, &mut Names::default())
    }

    /// [`Message::from_event`] with the participant's name shared through `names`.
    pub fn from_event_in(e: &Event, zone: Zone, names: &mut Names) -> Self {
        Self::with_text(e, zone, names, block(&e.content).into_boxed_str())
    }

    /// [`Message::from_event_in`] taking the event: text that needs no change is
    /// kept, not copied (`print` prepares a million).
    pub fn from_event_owned(e: Event, zone: Zone, names: &mut Names) -> Self {
        Self::unsanitized(e, zone, names).sanitized()
    }

    /// [`Message::from_event_owned`] but for its text, which the result holds as it
    /// came: `print` makes the rest on the decoder's thread and sanitises on its own.
    pub fn unsanitized(mut e: Event, zone: Zone, names: &mut Names) -> Unsanitized {
        let content = std::mem::take(&mut e.content);
        Unsanitized(Self::with_text(&e, zone, names, content.into_boxed_str()))
    }

    /// The message of `e` with `text`, its content as shown.
    fn with_text(e: &Event, zone: Zone, names: &mut Names, text: Box<str>) -> Self {
        let time = e.time.as_ref().and_then(|t| t.at);
        let raw_time = match (&e.time, time) {
            (Some(ts), None) => Some(line(&ts.raw).into_boxed_str()).filter(|r| !r.is_empty()),
            _ => None,
        };
        let who = names.name(e.participant.as_deref().unwrap_or_default());
        let speaker = if who.is_empty() {
            Speaker::System
        } else {
            Speaker::Other
        };
        let (hms, day) = time.map(|t| Clock::with_day(zone, t)).unzip();
        let hms = hms.unwrap_or_default();
        Message {
            time,
            raw_time,
            hms,
            day,
            opens_day: false,
            who,
            text,
            speaker,
        }
    }

    /// A message with no time and no text, from `who` as `speaker`: what the chat's
    /// tallies keep of each participant.
    pub fn of_who(who: Name, speaker: Speaker) -> Self {
        Message {
            time: None,
            raw_time: None,
            hms: Clock::default(),
            day: None,
            opens_day: false,
            who,
            text: Box::default(),
            speaker,
        }
    }

    /// `HH:MM:SS` in the zone, else the unparsed timestamp, else [`NO_TIME`].
    pub fn clock(&self) -> &str {
        match (self.time, &self.raw_time) {
            (Some(_), _) => self.hms.as_str(),
            (None, Some(raw)) => raw,
            (None, None) => NO_TIME,
        }
    }

    /// Times and days again in another zone.
    pub fn rezone(&mut self, zone: Zone) {
        if let Some(t) = self.time {
            let (hms, day) = Clock::with_day(zone, t);
            self.hms = hms;
            self.day = Some(day);
        }
    }
}

/// Participant names, sanitised once each and shared by every message that names
/// them. Keyed by the name as the server sent it.
#[derive(Debug, Default)]
pub struct Names {
    // Looked up once a message: foldhash, not SipHash (a tenth of print's main thread
    // was hashing); its seed is random per process, and the table is bounded anyway.
    by_raw: HashMap<Box<str>, Name, foldhash::fast::RandomState>,
    empty: Option<Name>,
}

impl Names {
    /// Past this many distinct names (a hostile or odd transcript) further names are
    /// not remembered, so the table cannot grow with the transcript.
    const MAX: usize = 4_096;

    /// The sanitised, trimmed, one-line name for `raw`, shared when seen before.
    pub fn name(&mut self, raw: &str) -> Name {
        if raw.is_empty() {
            return self.empty.get_or_insert_with(|| Arc::from("")).clone();
        }
        if let Some(n) = self.by_raw.get(raw) {
            return n.clone();
        }
        let n: Name = Arc::from(line(raw));
        if self.by_raw.len() < Self::MAX {
            self.by_raw.insert(raw.into(), n.clone());
        }
        n
    }
}

/// A date line: "2024-03-05 Tue".
pub fn day_label(d: NaiveDate) -> String {
    d.format("%Y-%m-%d %a").to_string()
}

/// The transcript's messages: dated in `zone`, days marked, speakers classified
/// against `session` (`None` when it could not be fetched).
pub fn messages(events: &[Event], zone: Zone, session: Option<&Session>) -> Vec<Message> {
    let mut names = Names::default();
    let out = events
        .iter()
        .map(|e| Message::from_event_in(e, zone, &mut names))
        .collect();
    dated_and_classified(out, session)
}

/// `out` with its days marked and its speakers classified against `session`.
fn dated_and_classified(mut out: Vec<Message>, session: Option<&Session>) -> Vec<Message> {
    mark_days(&mut out);
    classify(&mut out, session);
    out
}

/// The messages of `events` as far as they can be prepared before the session and
/// the zone are known: sanitised, times parsed, names shared through `names`,
/// speakers provisional (dated in UTC: the viewer keeps the time, not the clock).
/// The worker does this off the UI thread as a transcript streams in (issue 11).
pub fn prepare(events: &[Event], names: &mut Names) -> Vec<Message> {
    events
        .iter()
        .map(|e| Message::from_event_in(e, Zone::Utc, names))
        .collect()
}

/// [`messages`] taking the events (see [`Message::from_event_owned`]).
pub fn messages_owned(events: Vec<Event>, zone: Zone, session: Option<&Session>) -> Vec<Message> {
    dated_and_classified(made_owned(events, zone), session)
}

/// The messages of `events`, taken, with provisional speakers and no days marked.
pub fn made_owned(events: Vec<Event>, zone: Zone) -> Vec<Message> {
    let mut names = Names::default();
    events
        .into_iter()
        .map(|e| Message::from_event_owned(e, zone, &mut names))
        .collect()
}

/// Sets `opens_day` on the first message of each day. Messages without a date are
/// skipped, so one unparsed timestamp does not repeat the date line after it.
pub fn mark_days(messages: &mut [Message]) {
    let mut last: Option<NaiveDate> = None;
    for m in messages {
        m.opens_day = m.day.is_some() && m.day != last;
        if m.day.is_some() {
            last = m.day;
        }
    }
}

/// Decides every message's speaker against `session`; run again when the session
/// arrives after the transcript. Each distinct participant is matched once.
pub fn classify(messages: &mut [Message], session: Option<&Session>) {
    let people = People::new(session);
    let mut seen: HashMap<Name, Speaker, foldhash::fast::RandomState> = HashMap::default();
    for m in messages {
        let person = match seen.get(&*m.who) {
            Some(p) => *p,
            None => {
                let p = people.person_or_system(&m.who);
                seen.insert(m.who.clone(), p);
                p
            }
        };
        m.speaker = people.speaker_by(person, || Some(&*m.text));
    }
}

/// A person's message, or a system line the platform wrote under a technician's name.
/// A customer's own words never become a system line: someone the session does not
/// name (a nickname of the customer, say) only counts when the session itself is
/// unknown, and then only for the unmistakable "… the session" phrases.
fn speaker_for(person: Speaker, text: &str, session_known: bool) -> Speaker {
    let system = match person {
        Speaker::Expert | Speaker::Collaborator => is_system_line(text),
        Speaker::Other if !session_known => is_session_phrase(text),
        _ => false,
    };
    if system {
        Speaker::System
    } else {
        person
    }
}

/// "X joined the session", "X left the session", "X ended the session": phrases a
/// customer hardly types word for word.
fn is_session_phrase(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['.', '!']).to_lowercase();
    !text.contains('\n')
        && text.chars().count() <= 100
        && [
            "joined the session",
            "left the session",
            "ended the session",
        ]
        .iter()
        .any(|p| t.ends_with(p))
}

/// GoToAssist writes joins, leaves and the end of a session into the chat as plain
/// messages. Only a short single line that *ends* with such a phrase counts, so
/// "my colleague has left for the day" stays a message.
pub fn is_system_line(text: &str) -> bool {
    const ENDINGS: [&str; 9] = [
        "joined the session",
        "left the session",
        "ended the session",
        "started the session",
        "has joined",
        "has left",
        "session ended",
        "session started",
        "transferred the session",
    ];
    // What the platform writes when a tool is used in the session: specific enough
    // that a technician's own sentence rarely matches.
    const STARTS: [&str; 17] = [
        "waiting for the customer to join",
        "screen sharing requested by",
        "screen sharing started",
        "screen sharing ended",
        "screen sharing stopped",
        "remote control requested by",
        "remote control granted",
        "remote control denied",
        "remote control ended",
        "remote control transferred to",
        "file transfer started:",
        "file transfer completed:",
        "file transfer failed",
        "elevation granted",
        "elevation denied",
        "customer computer is restarting",
        "reconnected after reboot",
    ];
    const ALSO_ENDINGS: [&str; 2] = [
        "requested elevated privileges",
        "started a reboot of the customer's computer",
    ];
    // A char is at most four bytes: a long text is not counted through.
    if text.len() > 400 || text.contains('\n') || text.chars().nth(100).is_some() {
        return false;
    }
    let t = text.trim().trim_end_matches(['.', '!']);
    // ASCII (nearly every line) compares without a lowered copy; the phrases are
    // lower-case ASCII, so this is the same test.
    if t.is_ascii() {
        let t = t.as_bytes();
        let ends = |p: &&str| {
            t.len() >= p.len() && t[t.len() - p.len()..].eq_ignore_ascii_case(p.as_bytes())
        };
        let starts =
            |p: &&str| t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p.as_bytes());
        return ENDINGS.iter().chain(&ALSO_ENDINGS).any(ends) || STARTS.iter().any(starts);
    }
    let t = t.to_lowercase();
    ENDINGS.iter().chain(&ALSO_ENDINGS).any(|p| t.ends_with(p))
        || STARTS.iter().any(|p| t.starts_with(p))
}

/// Lower case, whitespace runs collapsed to one space, trimmed, and the sanitiser's
/// visible markers (`␛`, `␇`, …) dropped: how names compare, so an escape sequence
/// inside one spelling of a name does not make it someone else.
fn norm(s: &str) -> String {
    sanitize_line(s)
        .replace(|c: char| ('\u{2400}'..='\u{2426}').contains(&c), " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A known person's normalised name and email (either may be empty).
#[derive(Debug, Clone, Default)]
struct Person {
    name: String,
    email: String,
}

impl Person {
    fn new(name: Option<&str>, email: Option<&str>) -> Option<Self> {
        let p = Person {
            name: name.map(norm).unwrap_or_default(),
            email: email.map(norm).unwrap_or_default(),
        };
        (!p.name.is_empty() || !p.email.is_empty()).then_some(p)
    }

    /// True when any of the participant's spellings is this person's name or email.
    fn is(&self, spellings: &[String]) -> bool {
        spellings
            .iter()
            .any(|s| !s.is_empty() && (*s == self.name || *s == self.email))
    }
}

/// The people a session names, ready to match chat participants against.
#[derive(Debug, Clone, Default)]
pub struct People {
    expert: Option<Person>,
    collaborators: Vec<Person>,
    customer: Option<Person>,
    /// False when there is no session data to match against.
    known: bool,
}

impl People {
    pub fn new(session: Option<&Session>) -> Self {
        let Some(s) = session else {
            return People::default();
        };
        People {
            expert: Person::new(s.expert_name.as_deref(), s.expert_email.as_deref()),
            collaborators: s
                .collaborators
                .iter()
                .filter_map(|c| Person::new(c.name.as_deref(), c.email.as_deref()))
                .collect(),
            customer: Person::new(s.customer_name.as_deref(), s.customer_email.as_deref()),
            known: true,
        }
    }

    /// [`People::person`], or [`Speaker::System`] for a message without a participant
    /// (or from "system").
    pub fn person_or_system(&self, participant: &str) -> Speaker {
        match is_platform(participant) {
            true => Speaker::System,
            false => self.person(participant),
        }
    }

    /// The speaker of one message from `person` (see [`People::person_or_system`]):
    /// a technician's or an unnamed participant's may be a line the platform wrote,
    /// which only its text tells; `text` is read only then.
    pub fn speaker_by<T: std::ops::Deref<Target = str>>(
        &self,
        person: Speaker,
        text: impl FnOnce() -> Option<T>,
    ) -> Speaker {
        match person {
            Speaker::Expert | Speaker::Collaborator | Speaker::Other => {
                let text = text();
                speaker_for(person, text.as_deref().unwrap_or_default(), self.known)
            }
            Speaker::Customer | Speaker::System => person,
        }
    }

    /// Who a participant is, by name or email. Someone the session does not name is
    /// [`Speaker::Other`], except when the session names no customer at all: then the
    /// only party a chat can have besides its technicians is the customer.
    pub fn person(&self, participant: &str) -> Speaker {
        let spellings = spellings(participant);
        if self.expert.as_ref().is_some_and(|p| p.is(&spellings)) {
            Speaker::Expert
        } else if self.collaborators.iter().any(|p| p.is(&spellings)) {
            Speaker::Collaborator
        } else if match &self.customer {
            Some(c) => c.is(&spellings),
            None => self.known,
        } {
            Speaker::Customer
        } else {
            Speaker::Other
        }
    }

    /// The speaker of one message: [`Speaker::System`] without a participant (or
    /// from one called "System") and for a platform line under a technician's name
    /// (see `speaker_for`); otherwise [`People::person`].
    pub fn speaker(&self, participant: &str, text: &str) -> Speaker {
        if is_platform(participant) {
            return Speaker::System;
        }
        speaker_for(self.person(participant), text, self.known)
    }
}

/// No participant, or one called "System": a line the platform wrote.
fn is_platform(participant: &str) -> bool {
    let p = participant.trim();
    p.is_empty() || p.eq_ignore_ascii_case("system")
}

/// The ways a participant string may name someone: all of it, and for
/// "Name <email>" the name and the email apart.
fn spellings(participant: &str) -> Vec<String> {
    let whole = norm(participant);
    let mut out = Vec::with_capacity(3);
    if let Some(open) = whole.rfind('<') {
        if let Some(inner) = whole[open + 1..].strip_suffix('>') {
            out.push(whole[..open].trim().to_string());
            out.push(inner.trim().to_string());
        }
    }
    out.push(whole);
    out
}

/// What the transcript section says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranscriptView {
    Messages(Vec<Message>),
    /// Nothing to show, and the sentence that says why.
    Empty(&'static str),
    Failed(Problem),
}

/// The transcript section from what was fetched.
pub fn transcript_view(
    transcript: Result<&Transcript, &ApiError>,
    session: Option<&Session>,
    zone: Zone,
) -> TranscriptView {
    match transcript {
        Err(e) => TranscriptView::Failed(Problem::new(e)),
        Ok(t) if t.events.is_empty() => {
            TranscriptView::Empty(transcript_empty_sentence(session, t.absence.as_ref()))
        }
        Ok(t) => TranscriptView::Messages(messages(&t.events, zone, session)),
    }
}

/// Why a transcript has no messages, in one sentence:
/// - a waiting or not-started session: [`sentence::NOT_JOINED`];
/// - an abandoned one the customer never joined: [`sentence::NEVER_JOINED`];
/// - otherwise a 404 (`absence`): [`sentence::NO_TRANSCRIPT`], an empty list:
///   [`sentence::EMPTY_TRANSCRIPT`].
///
/// A session whose customer did join (it has `customerJoinedAt`) never gets the
/// "not joined" sentences, whatever its status says. [`sentence::SESSION_NOT_FOUND`]
/// is for when the session itself is missing, which this function cannot know.
pub fn transcript_empty_sentence(
    session: Option<&Session>,
    absence: Option<&TranscriptAbsence>,
) -> &'static str {
    let not_joined = session.filter(|s| s.customer_joined_at.is_none());
    match not_joined.and_then(|s| s.status.as_ref()) {
        Some(Status::Waiting | Status::NotStarted) => sentence::NOT_JOINED,
        Some(Status::Abandoned) => sentence::NEVER_JOINED,
        _ => match absence {
            Some(TranscriptAbsence::NoTranscript) => sentence::NO_TRANSCRIPT,
            None => sentence::EMPTY_TRANSCRIPT,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Timestamp;
    use crate::sanitize::is_unsafe;
    use chrono::Local;
    use serde_json::json;

    fn session() -> Session {
        Session::from_value(json!({
            "status": "complete",
            "expertName": "Dana Whitfield",
            "expertEmail": "dana@northwind.example",
            "customerName": "Tomás Alvarez",
            "customerEmail": "tomas@contoso.example",
            "collaborators": [
                {"name": "Ravi Patel", "email": "ravi@northwind.example"},
                {"email": "mei@northwind.example"}
            ]
        }))
        .unwrap_or_default()
    }

    fn speaker(s: Option<&Session>, who: &str, text: &str) -> Speaker {
        People::new(s).speaker(who, text)
    }

    #[test]
    fn participants_match_by_name_or_email_in_any_spelling() {
        let s = session();
        let s = Some(&s);
        for who in [
            "Dana Whitfield",
            "dana whitfield",
            "DANA WHITFIELD",
            "dana  whitfield",
            "  Dana\tWhitfield ",
            "DANA@northwind.example",
            "Dana Whitfield <dana@northwind.example>",
            "D. W. <Dana@Northwind.Example>",
            "Dana <dana@northwind.example>",
        ] {
            assert_eq!(speaker(s, who, "Hi"), Speaker::Expert, "{who}");
        }
        assert_eq!(speaker(s, "ravi patel", "Hi"), Speaker::Collaborator);
        assert_eq!(
            speaker(s, "MEI@NORTHWIND.EXAMPLE", "Hi"),
            Speaker::Collaborator
        );
        assert_eq!(speaker(s, "Tomás Alvarez", "Hi"), Speaker::Customer);
        assert_eq!(speaker(s, "tomás  alvarez", "Hi"), Speaker::Customer);
        assert_eq!(
            speaker(s, "T <TOMAS@contoso.example>", "Hi"),
            Speaker::Customer
        );
        assert_eq!(speaker(s, "Mallory", "Hi"), Speaker::Other);
        // A name is not matched by a part of it.
        assert_eq!(speaker(s, "Dana", "Hi"), Speaker::Other);
    }

    #[test]
    fn platform_events_from_a_technician_are_system_lines() {
        let s = session();
        let s = Some(&s);
        for text in [
            "Waiting for the customer to join",
            "Remote control transferred to Mei Tanaka",
            "Elevation granted",
            "Dana Whitfield requested elevated privileges",
            "Dana Whitfield started a reboot of the customer's computer",
            "File transfer started: NorthwindConnect-5.2.1-x64.msi (48.2 MB)",
        ] {
            assert_eq!(
                speaker(s, "Dana Whitfield", text),
                Speaker::System,
                "{text}"
            );
        }
        // The customer's own words stay theirs, and a technician's sentence that only
        // mentions remote control is not an event.
        assert_eq!(
            speaker(s, "Tomás Alvarez", "Remote control granted"),
            Speaker::Customer
        );
        assert_eq!(
            speaker(s, "Dana Whitfield", "I'll ask for remote control next"),
            Speaker::Expert
        );
    }

    #[test]
    fn a_customer_under_another_name_is_never_a_system_line() {
        let s = session();
        // A nickname the session does not know is someone else, not the platform.
        assert_eq!(
            speaker(Some(&s), "Tomas", "sorry, my colleague has left"),
            Speaker::Other
        );
        // Without session data only the unmistakable phrases count.
        assert_eq!(
            speaker(None, "anyone", "my colleague has left"),
            Speaker::Other
        );
        assert_eq!(
            speaker(None, "Dana Whitfield", "Dana Whitfield joined the session"),
            Speaker::System
        );
    }

    #[test]
    fn escape_markers_inside_a_name_do_not_make_it_someone_else() {
        let s = Session {
            expert_name: Some("Eve \u{1b}]0;x\u{7}Mallory".into()),
            ..Default::default()
        };
        assert_eq!(speaker(Some(&s), "Eve Mallory", "Hi"), Speaker::Expert);
    }

    #[test]
    fn without_session_data_nobody_is_the_customer() {
        for who in ["Dana Whitfield", "Tomás Alvarez", "anyone"] {
            assert_eq!(speaker(None, who, "Hi"), Speaker::Other, "{who}");
        }
        // A session that names no customer: the one non-technician is the customer.
        let unattended = Session {
            expert_name: Some("Mei Tanaka".into()),
            ..Default::default()
        };
        assert_eq!(
            speaker(Some(&unattended), "Kiosk user", "Hi"),
            Speaker::Customer
        );
        assert_eq!(
            speaker(Some(&unattended), "mei tanaka", "Hi"),
            Speaker::Expert
        );
    }

    #[test]
    fn system_lines() {
        let s = session();
        let s = Some(&s);
        assert_eq!(
            speaker(s, "Dana Whitfield", "Dana Whitfield joined the session"),
            Speaker::System
        );
        assert_eq!(
            speaker(s, "Dana Whitfield", "Tomás Alvarez joined the session."),
            Speaker::System
        );
        assert_eq!(
            speaker(s, "Ravi Patel", "Ravi Patel left the session"),
            Speaker::System
        );
        assert_eq!(speaker(s, "", "Jane ended the session"), Speaker::System);
        assert_eq!(speaker(s, "   ", "anything at all"), Speaker::System);
        assert_eq!(speaker(s, "System", "Recording started"), Speaker::System);
        // The customer's own words stay theirs, even when they end like an event.
        assert_eq!(
            speaker(s, "Tomás Alvarez", "ok, my colleague has left"),
            Speaker::Customer
        );
        assert_eq!(
            speaker(s, "Tomás Alvarez", "Tomás Alvarez has left"),
            Speaker::Customer
        );
        // Only a short single line that ends with the phrase.
        assert_eq!(
            speaker(s, "Dana Whitfield", "my colleague has left for the day"),
            Speaker::Expert
        );
        assert_eq!(
            speaker(s, "Dana Whitfield", "Summary:\nRavi Patel left the session"),
            Speaker::Expert
        );
        // Without session data the technician's event lines are still events.
        assert_eq!(
            speaker(None, "Dana Whitfield", "Mei Tanaka joined the session"),
            Speaker::System
        );
    }

    /// Taking the event makes the same message as borrowing it.
    #[test]
    fn an_event_taken_is_the_event_borrowed() {
        for content in [
            "plain",
            "",
            "trailing  \n ",
            "two\nlines",
            "\u{1b}[31mred\u{202e}",
            "tab\there",
            "cr\r\nlf",
            "打印机 👍",
        ] {
            let e = ev(Some("2026-11-20T14:00:00Z"), Some("Dana"), content);
            let mut names = Names::default();
            let borrowed = Message::from_event_in(&e, Zone::Utc, &mut names);
            assert_eq!(
                Message::from_event_owned(e, Zone::Utc, &mut names),
                borrowed,
                "{content:?}"
            );
        }
    }

    /// Whatever the case, and outside ASCII too, a phrase is told as the lowered
    /// text tells it.
    #[test]
    fn system_lines_in_any_case() {
        for (text, system) in [
            ("REMOTE CONTROL TRANSFERRED TO Ravi", true),
            ("Ravi Patel Joined The Session!", true),
            ("File Transfer Completed: log-12.zip", true),
            ("Tomás Alvarez JOINED the session.", true),
            ("screen sharing startedé", true),
            ("Élevation granted", false),
            // The Kelvin sign lowers to an ASCII k: no phrase has one, so no match.
            ("Remote control transferred to \u{212a}", true),
            ("remote control", false),
            ("", false),
            ("İ has left", true),
        ] {
            assert_eq!(is_system_line(text), system, "{text:?}");
        }
    }

    fn ev(ts: Option<&str>, who: Option<&str>, text: &str) -> Event {
        Event {
            time: ts.map(Timestamp::parse),
            participant: who.map(Into::into),
            content: text.to_string(),
        }
    }

    #[test]
    fn messages_are_built_once_for_everyone() {
        let s = session();
        let msgs = messages(
            &[
                ev(Some("2024-03-05T14:02:11Z"), None, "Session started"),
                ev(
                    Some("2024-03-05T14:04:40Z"),
                    Some(" dana whitfield "),
                    "Hello\n\n",
                ),
                ev(Some("garbage"), Some("Tomás Alvarez"), "line 1\nline 2  "),
                ev(None, Some("Ravi Patel"), "hi"),
            ],
            Zone::Utc,
            Some(&s),
        );
        let got: Vec<(&str, &str, &str, Speaker)> = msgs
            .iter()
            .map(|m| (m.clock(), &*m.who, &*m.text, m.speaker))
            .collect();
        assert_eq!(
            got,
            [
                ("14:02:11", "", "Session started", Speaker::System),
                ("14:04:40", "dana whitfield", "Hello", Speaker::Expert),
                (
                    "garbage",
                    "Tomás Alvarez",
                    "line 1\nline 2",
                    Speaker::Customer
                ),
                (NO_TIME, "Ravi Patel", "hi", Speaker::Collaborator),
            ]
        );
        assert_eq!(msgs[2].raw_time.as_deref(), Some("garbage"));
        assert_eq!(msgs[2].time, None);
        assert_eq!(msgs[1].raw_time, None);
        assert!(msgs[1].time.is_some());
    }

    #[test]
    fn names_are_shared_and_clocks_match_the_zone() {
        let events: Vec<Event> = (0..50)
            .map(|i| {
                ev(
                    Some(&format!("2024-03-05T23:59:{:02}.5+01:00", i)),
                    Some(if i % 2 == 0 {
                        " Dana\u{1b}[31m "
                    } else {
                        "Tomás"
                    }),
                    "x",
                )
            })
            .collect();
        for zone in [Zone::Utc, Zone::Local] {
            let msgs = messages(&events, zone, None);
            // One allocation per distinct participant, sanitised once.
            assert!(Arc::ptr_eq(&msgs[0].who, &msgs[48].who));
            assert!(Arc::ptr_eq(&msgs[1].who, &msgs[49].who));
            assert_eq!(&*msgs[0].who, line(" Dana\u{1b}[31m "));
            assert!(!msgs[0].who.contains('\u{1b}'));
            for (m, e) in msgs.iter().zip(&events) {
                let t = e.time.as_ref().and_then(|t| t.at).expect("parsed");
                assert_eq!(m.clock(), zone.time(t));
            }
        }
        // Past the table's size names are still right, only no longer shared.
        let mut names = Names::default();
        for i in 0..Names::MAX + 10 {
            assert_eq!(&*names.name(&format!("p{i}")), format!("p{i}"));
        }
        assert_eq!(names.by_raw.len(), Names::MAX);
        assert!(Arc::ptr_eq(&names.name("p0"), &names.name("p0")));
        assert_eq!(&*names.name(""), "");
    }

    #[test]
    fn classify_again_when_the_session_arrives() {
        let events = [
            ev(None, Some("Dana Whitfield"), "Hi"),
            ev(None, Some("Tomás Alvarez"), "Hello"),
        ];
        let mut msgs = messages(&events, Zone::Utc, None);
        assert_eq!(msgs[0].speaker, Speaker::Other);
        classify(&mut msgs, Some(&session()));
        let kinds: Vec<Speaker> = msgs.iter().map(|m| m.speaker).collect();
        assert_eq!(kinds, [Speaker::Expert, Speaker::Customer]);
    }

    #[test]
    fn hostile_text_is_sanitised() {
        let nasty = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}\r";
        let msgs = messages(
            &[ev(
                Some(&format!("{nasty}later")),
                Some(&format!("{nasty}Eve\n{nasty}")),
                &format!("{nasty}hello\n{nasty}"),
            )],
            Zone::Utc,
            None,
        );
        let m = &msgs[0];
        for s in [
            m.raw_time.as_deref().unwrap_or_default(),
            m.clock(),
            &m.who,
            &m.text,
        ] {
            assert!(!s.chars().any(is_unsafe), "{s:?}");
        }
        assert!(!m.who.contains('\n'));
        assert!(m.text.contains("hello"));
    }

    #[test]
    fn a_date_line_opens_each_day_in_the_zone() {
        let events = [
            ev(Some("2024-03-05T22:59:00Z"), Some("a"), "x"),
            ev(Some("2024-03-05T23:59:30Z"), Some("a"), "x"),
            ev(Some("garbage"), Some("a"), "x"),
            ev(None, Some("a"), "x"),
            ev(Some("2024-03-06T00:00:10Z"), Some("a"), "x"),
            ev(Some("2024-03-06T01:00:10Z"), Some("a"), "x"),
            ev(Some("2024-03-06T13:00:10Z"), Some("a"), "x"),
        ];
        let utc = messages(&events, Zone::Utc, None);
        let opens: Vec<bool> = utc.iter().map(|m| m.opens_day).collect();
        assert_eq!(opens, [true, false, false, false, true, false, false]);
        let labels: Vec<String> = utc
            .iter()
            .filter(|m| m.opens_day)
            .filter_map(|m| m.day.map(day_label))
            .collect();
        assert_eq!(labels, ["2024-03-05 Tue", "2024-03-06 Wed"]);

        // In the local zone the days fall wherever this machine's clock puts them.
        let local = messages(&events, Zone::Local, None);
        let mut last = None;
        for (m, e) in local.iter().zip(&events) {
            let day = e
                .time
                .as_ref()
                .and_then(|t| t.at)
                .map(|t| t.with_timezone(&Local).date_naive());
            assert_eq!(m.day, day);
            assert_eq!(m.opens_day, day.is_some() && day != last);
            if day.is_some() {
                last = day;
            }
        }
    }

    #[test]
    fn every_empty_transcript_sentence() {
        let with =
            |status: &str| Session::from_value(json!({"status": status})).unwrap_or_default();
        let none = Some(&TranscriptAbsence::NoTranscript);
        let cases = [
            (
                Some(with("waiting")),
                none,
                "No messages yet: the customer has not joined.",
            ),
            (
                Some(with("waiting")),
                None,
                "No messages yet: the customer has not joined.",
            ),
            (
                Some(with("notStarted")),
                none,
                "No messages yet: the customer has not joined.",
            ),
            (
                Some(with("abandoned")),
                none,
                "No chat: the customer never joined.",
            ),
            (
                Some(with("abandoned")),
                None,
                "No chat: the customer never joined.",
            ),
            (
                Some(with("complete")),
                none,
                "No chat transcript for this session.",
            ),
            (
                Some(with("complete")),
                None,
                "The chat transcript is empty.",
            ),
            (Some(with("active")), None, "The chat transcript is empty."),
            (
                Some(with("mystery")),
                none,
                "No chat transcript for this session.",
            ),
            (None, none, "No chat transcript for this session."),
            (None, None, "The chat transcript is empty."),
        ];
        for (s, absence, want) in cases {
            assert_eq!(
                transcript_empty_sentence(s.as_ref(), absence),
                want,
                "{:?} {absence:?}",
                s.as_ref().map(|s| &s.status)
            );
        }
        // An abandoned session the customer did join says only that there is no chat.
        let joined = Session::from_value(json!({
            "status": "abandoned", "customerJoinedAt": "2024-03-05T14:00:00Z"
        }))
        .unwrap_or_default();
        assert_eq!(
            transcript_empty_sentence(Some(&joined), none),
            "No chat transcript for this session."
        );
        assert_eq!(
            sentence::SESSION_NOT_FOUND,
            "Nothing to show: the session was not found."
        );
    }

    #[test]
    fn transcript_view_chooses() {
        let s = with_status("abandoned");
        let absent = Transcript::none_for_session();
        assert_eq!(
            transcript_view(Ok(&absent), Some(&s), Zone::Utc),
            TranscriptView::Empty(sentence::NEVER_JOINED)
        );
        let err = ApiError::InvalidToken {
            endpoint: crate::api::Endpoint::Transcript,
        };
        assert!(matches!(
            transcript_view(Err(&err), Some(&s), Zone::Utc),
            TranscriptView::Failed(_)
        ));
    }

    fn with_status(status: &str) -> Session {
        Session::from_value(json!({"status": status})).unwrap_or_default()
    }

    #[test]
    fn marks_are_distinct_and_one_column() {
        let marks: std::collections::HashSet<&str> =
            Speaker::ALL.iter().map(|s| s.mark()).collect();
        assert_eq!(marks.len(), Speaker::ALL.len());
        for s in Speaker::ALL {
            assert_eq!(unicode_width::UnicodeWidthStr::width(s.mark()), 1, "{s:?}");
            assert!(!s.describe().is_empty());
        }
    }
}
