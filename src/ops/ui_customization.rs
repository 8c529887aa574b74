//! Classic hosted UI branding (SetUICustomization / GetUICustomization): the CSS, checked against the
//! classes AWS lets pools style, and the logo image; and what the hosted pages apply for a client
//! ([`effective`]): the client's own customization, else the pool's (`ALL`), with the client's managed
//! login style when it has one.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::err;
use crate::error::Result;
use crate::store::branding::{self, BrandingRow};
use crate::store::documents::{self, Document, Kind, Scope};

/// The classes of the classic hosted UI's CSS template: the only selectors AWS accepts (each may take a
/// pseudo-class such as `:hover` or `:focus`).
pub const CSS_CLASSES: &[&str] = &[
    "background-customizable",
    "banner-customizable",
    "errorMessage-customizable",
    "idpButton-customizable",
    "idpDescription-customizable",
    "inputField-customizable",
    "label-customizable",
    "legalText-customizable",
    "logo-customizable",
    "passwordCheck-notValid-customizable",
    "passwordCheck-valid-customizable",
    "redirect-customizable",
    "socialButton-customizable",
    "submitButton-customizable",
    "textDescription-customizable",
];

/// A stored customization (the pool's `ALL`, or one client's).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    /// The CSS, when set.
    pub css: Option<String>,
    /// The logo (base64), when set.
    pub image: Option<String>,
    /// `png` or `jpg`.
    pub image_type: Option<String>,
    /// CSSVersion: changes with every SetUICustomization.
    pub version: String,
}

/// Checks CSS the way the classic hosted UI accepts it: rules whose selectors are one allowed class
/// each (with an optional pseudo-class), braces balanced, no at-rules. The reason names the problem.
pub fn check_css(css: &str) -> std::result::Result<(), String> {
    let mut rest = strip_comments(css);
    loop {
        let text = rest.trim_start();
        if text.is_empty() {
            return Ok(());
        }
        let Some(open) = text.find('{') else {
            return Err(format!("CSS has text outside a rule: {}", snippet(text)));
        };
        let Some(close) = text[open..].find('}').map(|c| open + c) else {
            return Err("CSS has a rule without its closing brace.".into());
        };
        if text[open + 1..close].contains('{') {
            return Err(
                "CSS has nested rules or at-rules, which the hosted UI does not take.".into(),
            );
        }
        for selector in text[..open].split(',') {
            let selector = selector.trim();
            let class = selector
                .strip_prefix('.')
                .map(|s| s.split(':').next().unwrap_or(s))
                .filter(|c| CSS_CLASSES.contains(c));
            let pseudo_ok = selector.split_once(':').is_none_or(|(_, p)| {
                !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
            if class.is_none() || !pseudo_ok {
                return Err(format!(
                    "CSS selector {} is not allowed: only the classes of the hosted UI template ({}) can be styled.",
                    snippet(selector),
                    CSS_CLASSES.join(", ")
                ));
            }
        }
        rest = text[close + 1..].to_string();
    }
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = match rest[start + 2..].find("*/") {
            Some(end) => &rest[start + 2 + end + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

fn snippet(s: &str) -> String {
    let s: String = s.chars().take(40).collect();
    format!("'{}'", s.trim())
}

/// The image type of a logo: PNG or JPEG (the formats the hosted UI accepts), from its magic bytes.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpg")
    } else {
        None
    }
}

/// The URL the logo of `scope` is served at (`<base>/_emulator/assets/...`).
pub fn image_url(base: &str, pool_id: &str, scope: &str, stored: &Stored) -> Option<String> {
    let ext = stored.image_type.as_deref()?;
    stored.image.as_ref()?;
    Some(format!(
        "{base}/_emulator/assets/{pool_id}/{scope}/{}/logo.{ext}",
        stored.version
    ))
}

/// `UICustomizationType` of a stored customization (`client` = `ALL` for the pool's).
pub fn shape(base: &str, pool_id: &str, client: &str, doc: &Document<Stored>) -> Value {
    let mut out = Map::new();
    out.insert("UserPoolId".into(), json!(pool_id));
    out.insert("ClientId".into(), json!(client));
    if let Some(url) = image_url(base, pool_id, client, &doc.body) {
        out.insert("ImageUrl".into(), json!(url));
    }
    if let Some(css) = &doc.body.css {
        out.insert("CSS".into(), json!(css));
    }
    out.insert("CSSVersion".into(), json!(doc.body.version));
    out.insert("LastModifiedDate".into(), json!(doc.updated_at));
    out.insert("CreationDate".into(), json!(doc.created_at));
    Value::Object(out)
}

/// The scope key of a ClientId (`ALL` or absent: the pool).
pub fn scope_of(client_id: Option<&str>) -> Scope<'_> {
    match client_id {
        None | Some("ALL") => Scope::Pool,
        Some(id) => Scope::Client(id),
    }
}

/// The customization that applies to `client_id`: its own, else the pool's; with the name of its scope.
pub fn lookup(
    c: &rusqlite::Connection,
    pool_id: &str,
    client_id: Option<&str>,
) -> Result<Option<(String, Document<Stored>)>> {
    if let Some(id) = client_id.filter(|id| *id != "ALL") {
        if let Some(doc) = documents::get(c, pool_id, Kind::UiCustomization, Scope::Client(id))? {
            return Ok(Some((id.to_string(), doc)));
        }
    }
    Ok(
        documents::get(c, pool_id, Kind::UiCustomization, Scope::Pool)?
            .map(|doc| ("ALL".to_string(), doc)),
    )
}

/// A logo image.
#[derive(Debug, Clone)]
pub struct Logo {
    /// `image/png` or `image/jpeg`.
    pub content_type: &'static str,
    /// The image.
    pub bytes: Vec<u8>,
}

/// What the hosted pages apply for a client: the classic CSS and logo in force, and the client's
/// managed login style when it has one.
#[derive(Debug, Clone, Default)]
pub struct EffectiveUi {
    /// The CSS to add to the classic pages.
    pub css: Option<String>,
    /// The logo to show.
    pub logo: Option<Logo>,
    /// The client's managed login style (CreateManagedLoginBranding).
    pub branding: Option<BrandingRow>,
}

/// The branding in force for `client_id` of `pool_id` (for the hosted pages).
pub fn effective(app: &App, pool_id: &str, client_id: &str) -> Result<EffectiveUi> {
    app.store.read(|c| {
        let classic = lookup(c, pool_id, Some(client_id))?;
        let branding = branding::by_client(c, client_id)?.filter(|b| b.pool_id == pool_id);
        let (css, logo) = match classic {
            Some((_, doc)) => (doc.body.css.clone(), logo_of(&doc.body)),
            None => (None, None),
        };
        Ok(EffectiveUi {
            css,
            logo,
            branding,
        })
    })
}

/// The decoded logo of a stored customization.
pub fn logo_of(stored: &Stored) -> Option<Logo> {
    let bytes = STANDARD.decode(stored.image.as_deref()?).ok()?;
    let content_type = match stored.image_type.as_deref()? {
        "png" => "image/png",
        _ => "image/jpeg",
    };
    Some(Logo {
        content_type,
        bytes,
    })
}

/// The logo served at `/_emulator/assets/<pool>/<scope>/<version>/logo.<ext>`, if that is current.
pub fn served_logo(app: &App, pool_id: &str, scope: &str, version: &str) -> Result<Option<Logo>> {
    let doc: Option<Document<Stored>> = app
        .store
        .read(|c| documents::get(c, pool_id, Kind::UiCustomization, scope_of(Some(scope))))?;
    Ok(doc
        .filter(|d| d.body.version == version)
        .and_then(|d| logo_of(&d.body)))
}

/// InvalidParameterException for a problem with the request.
pub fn invalid(reason: String) -> crate::error::CognitoError {
    err!(InvalidParameterException, "{reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_classes_pass_and_others_do_not() {
        let css = ".logo-customizable { max-width: 60%; }\n/* note */ .submitButton-customizable:hover { color: #fff }\
                   .label-customizable, .banner-customizable { padding: 2px; }";
        assert_eq!(check_css(css), Ok(()));
        assert!(
            check_css("body { color: red }")
                .unwrap_err()
                .contains("'body'")
        );
        assert!(check_css(".hack { color: red }").is_err());
        assert!(check_css(".logo-customizable { color: red").is_err());
        assert!(check_css("@media print { .logo-customizable { color: red } }").is_err());
        assert_eq!(check_css(""), Ok(()));
    }

    #[test]
    fn images_are_png_or_jpeg() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(image_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("jpg"));
        assert_eq!(image_type(b"GIF89a"), None);
    }
}
