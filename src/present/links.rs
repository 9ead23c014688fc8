//! The partner-system links: a title and fields per link, `userToken`s masked unless
//! the user asked to reveal them, and what the section says when there is nothing.

use super::{label, line, sentence, text_field, url_field, Field, Problem, Role, Value};
use crate::api::model::SupportedCallbacks;
use crate::api::{ApiError, SystemLink, SystemLinks};

/// What a masked secret shows instead of its value, everywhere.
pub const MASK: &str = "********";

/// The title of a link without a `systemName`.
pub const UNNAMED: &str = "(unnamed system)";

/// A partner `userToken` as shown: sanitised when `reveal`, else [`MASK`] (whatever
/// its length, so the mask says nothing about the secret).
pub fn mask(token: &str, reveal: bool) -> String {
    if reveal {
        line(token)
    } else {
        MASK.to_string()
    }
}

/// One partner link: a title and its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub fields: Vec<Field>,
}

/// "createObject: yes, searchObjects: yes, associateObject: no": the callbacks the
/// server reported, named as the API names them.
fn callbacks(c: &SupportedCallbacks) -> Option<String> {
    let known: Vec<String> = [
        ("createObject", c.create_object),
        ("searchObjects", c.search_objects),
        ("associateObject", c.associate_object),
    ]
    .iter()
    .filter_map(|(name, v)| v.map(|v| format!("{name}: {}", if v { "yes" } else { "no" })))
    .collect();
    (!known.is_empty()).then(|| known.join(", "))
}

/// One link's fields, in this order (missing ones left out): Domain, User,
/// Callback URL, Callbacks, User token.
pub fn link(l: &SystemLink, reveal_secrets: bool) -> Link {
    let mut fields = Vec::new();
    fields.extend(text_field(
        label::DOMAIN,
        l.system_domain.as_deref(),
        Role::Plain,
    ));
    fields.extend(text_field(
        label::USER,
        l.user_email.as_deref(),
        Role::Plain,
    ));
    if let Some(u) = l.callback_url.as_deref().filter(|u| !u.trim().is_empty()) {
        fields.push(url_field(label::CALLBACK_URL, u));
    }
    fields.extend(text_field(
        label::CALLBACKS,
        l.supported_callbacks
            .as_ref()
            .and_then(callbacks)
            .as_deref(),
        Role::Dim,
    ));
    if let Some(t) = &l.user_token {
        fields.push(Field::new(
            label::USER_TOKEN,
            Value::Secret(mask(t, reveal_secrets)),
            Role::Secret,
        ));
    }
    let title = l
        .system_name
        .as_deref()
        .map(line)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| UNNAMED.to_string());
    Link { title, fields }
}

/// What the partner-links section says. Domains are sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinksView {
    /// No system domain configured: say how to set one (not an error).
    NoDomain,
    Empty {
        domain: String,
    },
    Links {
        domain: String,
        links: Vec<Link>,
    },
    Failed {
        domain: String,
        problem: Problem,
    },
}

impl LinksView {
    /// The sentence that stands in for links when there are none to show:
    /// [`sentence::NO_DOMAIN`] or "No partner links for DOMAIN.".
    pub fn sentence(&self) -> Option<String> {
        match self {
            LinksView::NoDomain => Some(sentence::NO_DOMAIN.to_string()),
            LinksView::Empty { domain } => Some(sentence::no_links(domain)),
            LinksView::Links { .. } | LinksView::Failed { .. } => None,
        }
    }
}

/// The section from what was fetched: no domain (`domain` is `None`), the links, or
/// the error.
pub fn links_view(
    domain: Option<&str>,
    result: Result<&SystemLinks, &ApiError>,
    reveal_secrets: bool,
) -> LinksView {
    let Some(domain) = domain else {
        return LinksView::NoDomain;
    };
    let domain = line(domain);
    match result {
        Ok(l) if l.links.is_empty() => LinksView::Empty { domain },
        Ok(l) => LinksView::Links {
            domain,
            links: l.links.iter().map(|l| link(l, reveal_secrets)).collect(),
        },
        Err(e) => LinksView::Failed {
            domain,
            problem: Problem::new(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Endpoint;
    use crate::sanitize::is_unsafe;
    use serde_json::json;

    fn links(v: serde_json::Value) -> SystemLinks {
        SystemLinks::from_value(v).unwrap_or_default()
    }

    fn acme() -> SystemLinks {
        links(json!([{
            "systemName": "Acme CRM",
            "systemDomain": "crm.example.com",
            "userEmail": "jane@example.com",
            "userToken": "tok-secret-1",
            "callbackURL": "https://crm.example.com/cb",
            "supportedCallbacks": {"createObject": true, "associateObject": false}
        }]))
    }

    #[test]
    fn fields_in_order_with_roles() {
        let l = link(&acme().links[0], false);
        assert_eq!(l.title, "Acme CRM");
        let got: Vec<(&str, Role)> = l.fields.iter().map(|f| (f.label, f.role)).collect();
        assert_eq!(
            got,
            [
                ("Domain", Role::Plain),
                ("User", Role::Plain),
                ("Callback URL", Role::Link),
                ("Callbacks", Role::Dim),
                ("User token", Role::Secret),
            ]
        );
        assert_eq!(
            l.fields[3].value,
            Value::Text("createObject: yes, associateObject: no".into())
        );
    }

    #[test]
    fn tokens_masked_unless_revealed() {
        let masked = link(&acme().links[0], false);
        assert_eq!(
            masked.fields.last().map(|f| &f.value),
            Some(&Value::Secret(MASK.into()))
        );
        let shown = link(&acme().links[0], true);
        assert_eq!(
            shown.fields.last().map(|f| &f.value),
            Some(&Value::Secret("tok-secret-1".into()))
        );
        assert_eq!(mask("a-very-long-secret-token-value", false), MASK);
        assert_eq!(mask("x", false), MASK);
        let revealed = mask("\u{1b}]52;c;x\u{7}tok", true);
        assert!(!revealed.chars().any(is_unsafe), "{revealed:?}");
        assert!(revealed.contains("tok"));
    }

    #[test]
    fn a_callback_of_another_scheme_is_plain() {
        let l = links(json!({"callbackURL": "javascript:alert(1)"}));
        let l = link(&l.links[0], false);
        assert_eq!(l.title, UNNAMED);
        assert_eq!(
            l.fields,
            [Field::new(
                "Callback URL",
                Value::Text("javascript:alert(1)".into()),
                Role::Plain
            )]
        );
    }

    #[test]
    fn empty_states() {
        let none = links_view(None, Ok(&acme()), false);
        assert_eq!(none, LinksView::NoDomain);
        assert_eq!(
            none.sentence().as_deref(),
            Some("No system domain set: pass --system-domain DOMAIN or set G2A_SYSTEM_DOMAIN to list partner links.")
        );
        let empty = links_view(Some("crm.example.com"), Ok(&links(json!([]))), false);
        assert_eq!(
            empty.sentence().as_deref(),
            Some("No partner links for crm.example.com.")
        );
        let loaded = links_view(Some("crm.example.com"), Ok(&acme()), false);
        assert_eq!(loaded.sentence(), None);
        let err = ApiError::BadRequest {
            endpoint: Endpoint::Links,
            excerpt: "systemDomain is unknown".into(),
        };
        let failed = links_view(Some("\u{1b}[2Jd"), Err(&err), false);
        match failed {
            LinksView::Failed { domain, problem } => {
                assert!(!domain.chars().any(is_unsafe));
                assert!(problem.message.contains("systemDomain is unknown"));
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}
