//! How the pages of one app client look and speak ([`View`]).
//!
//! The version of the pool's domain decides, as on AWS: the classic hosted UI (ManagedLoginVersion 1,
//! and pools without a domain) is English and takes the SetUICustomization CSS and logo (the client's
//! own customization, else the pool's `ALL`, through `ops::ui_customization::effective`); managed login
//! (version 2) speaks the `lang` of the request (then of the `lang` cookie) and takes the client's
//! managed login branding style: its colours (page background, form, primary button, texts, links,
//! labels, inputs, error alerts, focus ring) for the colour scheme it sets (`LIGHT`, `DARK` or `DYNAMIC`),
//! the radii of the form, buttons and inputs, the `FORM_LOGO` asset (when `components.form.logo.enabled`)
//! and the `PAGE_BACKGROUND` image. Everything else in a style (header, footer, favicon, secondary and IdP
//! buttons, spacing, layout) is stored and returned but not drawn.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::{Response, StatusCode};
use serde_json::Value;

use crate::auth::passkeys::Settings;
use crate::domain::client::Flow;
use crate::html::{self, Branding};
use crate::http::Body;
use crate::oauth::i18n::{self, Lang, T};
use crate::oauth::request::AuthRequest;
use crate::oauth::{Hosted, domain_name};
use crate::ops::{oauth_settings, ui_customization};
use crate::store;
use crate::store::branding::BrandingRow;

/// The cookie that keeps the language a request chose (AWS's managed login sets `lang` too).
pub const LANG_COOKIE: &str = "lang";
/// How long the language is remembered.
const LANG_COOKIE_SECS: i64 = 365 * 86400;

/// The language and looks of one app client's pages, for one request.
pub struct View {
    /// The language of the texts.
    pub lang: Lang,
    /// True for managed login (ManagedLoginVersion 2), false for the classic hosted UI.
    pub managed: bool,
    look: Branding,
    cookie: Option<String>,
}

impl View {
    /// The view of `req`'s app client for this request.
    pub fn of(h: &Hosted, req: &AuthRequest) -> View {
        let managed = managed_login(h, &req.pool.id);
        let (lang, cookie) = if managed {
            language(h)
        } else {
            (Lang::En, None)
        };
        let look = match ui_customization::effective(&h.ctx.app, &req.pool.id, &req.client.id) {
            Ok(ui) if managed => ui.branding.as_ref().map(managed_look).unwrap_or_default(),
            Ok(ui) => Branding {
                css: ui.css,
                logo: ui.logo.map(|l| data_uri(l.content_type, &l.bytes)),
                logo_dark: None,
            },
            Err(e) => {
                tracing::warn!(error = %e.message(), "reading the client's branding failed");
                Branding::default()
            }
        };
        View {
            lang,
            managed,
            look,
            cookie,
        }
    }

    /// A text in the page's language.
    pub fn t(&self, key: T) -> &'static str {
        i18n::text(self.lang, key)
    }

    /// An API message in the page's language when the catalog has it.
    pub fn msg<'a>(&self, api: &'a str) -> Cow<'a, str> {
        i18n::message(self.lang, api)
    }

    /// The page: `cookies` plus the `lang` cookie when the request chose a language.
    pub fn page(
        &self,
        status: StatusCode,
        title: &str,
        body: String,
        cookies: Vec<String>,
    ) -> Response<Body> {
        self.page_with_script(status, title, body, cookies, None)
    }

    /// [`View::page`] loading `script` (a path on the emulator; the CSP then allows `'self'` scripts).
    pub fn page_with_script(
        &self,
        status: StatusCode,
        title: &str,
        body: String,
        mut cookies: Vec<String>,
        script: Option<&str>,
    ) -> Response<Body> {
        let lang = if self.lang.translated() {
            self.lang.code()
        } else {
            "en"
        };
        let doc = html::render(&html::Page {
            title,
            body,
            branding: &self.look,
            lang,
            footer: self.t(T::Footer),
            script,
        });
        cookies.extend(self.cookie.iter().cloned());
        html::response_with(status, doc, &cookies, html::csp(script.is_some()))
    }

    /// Whether the pages offer passkeys to `req`'s app client: managed login, WEB_AUTHN among the pool's
    /// first factors with a relying party, and ALLOW_USER_AUTH on the client (managed login offers the
    /// choice of sign-in methods to such clients).
    pub fn passkeys(&self, req: &AuthRequest) -> bool {
        self.managed && req.client.config.allows(Flow::UserAuth) && Settings::of(&req.pool).is_ok()
    }

    /// The `lang` cookie to set with a redirect, if the request chose a language.
    pub fn cookies(&self) -> Vec<String> {
        self.cookie.iter().cloned().collect()
    }
}

/// Whether the pool's pages are managed login: the version of the domain the request came in on, else
/// of the pool's domains; a pool without a domain has the classic hosted UI.
pub fn managed_login(h: &Hosted, pool_id: &str) -> bool {
    let rows = match h
        .ctx
        .app
        .store
        .read(|c| store::domains::of_pool(c, pool_id))
    {
        Ok(rows) => rows,
        Err(_) => return false,
    };
    let version = |row: &store::domains::DomainRow| {
        oauth_settings::settings(row).map_or(1, |s| s.managed_login_version)
    };
    let named = domain_name(&h.headers);
    match rows.iter().find(|r| Some(&r.domain) == named.as_ref()) {
        Some(row) => version(row) == 2,
        None => rows.iter().any(|r| version(r) == 2),
    }
}

/// `lang` of the request when it is one of AWS's codes (remembered in the cookie), else the cookie's,
/// else English. Another value is ignored.
fn language(h: &Hosted) -> (Lang, Option<String>) {
    let remembered = html::cookie(&h.headers, LANG_COOKIE).and_then(|c| Lang::parse(&c));
    match h.q("lang").and_then(Lang::parse) {
        Some(lang) if remembered == Some(lang) => (lang, None),
        Some(lang) => {
            let cookie = html::set_cookie(LANG_COOKIE, lang.code(), LANG_COOKIE_SECS, h.secure);
            (lang, Some(cookie))
        }
        None => (remembered.unwrap_or(Lang::En), None),
    }
}

fn data_uri(content_type: &str, bytes: &[u8]) -> String {
    format!("data:{content_type};base64,{}", STANDARD.encode(bytes))
}

/// A colour of a style (`RRGGBB` or `RRGGBBAA` hex, as AWS writes them) as CSS, or nothing.
fn color(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?;
    let ok = matches!(s.len(), 6 | 8) && s.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| format!("#{}", s.to_ascii_lowercase()))
}

/// A radius in pixels (0 to 64).
fn radius(v: Option<&Value>) -> Option<u32> {
    v?.as_f64()
        .filter(|r| (0.0..=64.0).contains(r))
        .map(|r| r as u32)
}

/// The page's colour variables and where a style sets them (`{m}`: `lightMode` or `darkMode`).
const VARIABLES: &[(&str, &str)] = &[
    ("--bg", "/components/pageBackground/{m}/color"),
    ("--card", "/components/form/{m}/backgroundColor"),
    ("--line", "/components/form/{m}/borderColor"),
    (
        "--accent",
        "/components/primaryButton/{m}/defaults/backgroundColor",
    ),
    (
        "--accent-text",
        "/components/primaryButton/{m}/defaults/textColor",
    ),
    (
        "--accent-hover",
        "/components/primaryButton/{m}/hover/backgroundColor",
    ),
    ("--text", "/components/pageText/{m}/bodyColor"),
    ("--heading", "/components/pageText/{m}/headingColor"),
    ("--muted", "/components/pageText/{m}/descriptionColor"),
    ("--link", "/componentClasses/link/{m}/defaults/textColor"),
    ("--label", "/componentClasses/inputLabel/{m}/textColor"),
    (
        "--input-bg",
        "/componentClasses/input/{m}/defaults/backgroundColor",
    ),
    (
        "--input-line",
        "/componentClasses/input/{m}/defaults/borderColor",
    ),
    ("--error-bg", "/components/alert/{m}/error/backgroundColor"),
    ("--error", "/components/alert/{m}/error/borderColor"),
    ("--focus", "/componentClasses/focusState/{m}/borderColor"),
];

/// The default palettes of `html`'s stylesheet (light, dark): a style's scheme replaces the one the
/// browser would pick, so the colours it does not set come from the scheme's defaults.
const DEFAULTS: [&str; 2] = [
    "--bg:#f3f4f8;--card:#fff;--text:#1d2330;--muted:#5b6475;--line:#d5d9e2;--accent:#3b5bdb;--accent-text:#fff;--error-bg:#fff1f0;--error:#b42318;--info-bg:#eef4ff;--info:#2f4fb5;color-scheme:light;",
    "--bg:#11141b;--card:#1b2029;--text:#e7e9ee;--muted:#a2a9b8;--line:#333a48;--accent:#6d8cff;--accent-text:#0b0e14;--error-bg:#3a1513;--error:#ffb4ab;--info-bg:#1a2545;--info:#b8c8ff;color-scheme:dark;",
];

fn palette(settings: &Value, dark: bool) -> String {
    let mode = if dark { "darkMode" } else { "lightMode" };
    let mut out = DEFAULTS[usize::from(dark)].to_string();
    for (var, path) in VARIABLES {
        if let Some(c) = color(settings.pointer(&path.replace("{m}", mode))) {
            out.push_str(&format!("{var}:{c};"));
        }
    }
    out
}

/// An asset of the style in `category` for a colour mode (`LIGHT`/`DARK`, `DYNAMIC` fits both) as a
/// `data:` URI.
fn asset(row: &BrandingRow, category: &str, dark: bool) -> Option<String> {
    let wanted = if dark { "DARK" } else { "LIGHT" };
    let fits = |a: &&Value, mode: &str| a["Category"] == category && a["ColorMode"] == mode;
    let a = row
        .assets
        .iter()
        .find(|a| fits(a, wanted))
        .or_else(|| row.assets.iter().find(|a| fits(a, "DYNAMIC")))?;
    let content_type = match a["Extension"].as_str()? {
        "PNG" => "image/png",
        "JPEG" => "image/jpeg",
        "SVG" => "image/svg+xml",
        "WEBP" => "image/webp",
        "ICO" => "image/x-icon",
        _ => return None,
    };
    let bytes = STANDARD.decode(a["Bytes"].as_str()?).ok()?;
    Some(data_uri(content_type, &bytes))
}

/// What a managed login branding style draws (see the module comment).
pub fn managed_look(row: &BrandingRow) -> Branding {
    if row.use_cognito_values {
        return Branding::default();
    }
    let empty = Value::Null;
    let s = row.settings.as_ref().unwrap_or(&empty);
    let scheme = s
        .pointer("/categories/global/colorSchemeMode")
        .and_then(Value::as_str)
        .unwrap_or("LIGHT");
    let (light, dark) = (palette(s, false), palette(s, true));
    let (base, preferred_dark) = match scheme {
        "DARK" => (&dark, &dark),
        "DYNAMIC" => (&light, &dark),
        _ => (&light, &light),
    };
    let mut css = format!(
        ":root{{{base}}}@media (prefers-color-scheme:dark){{:root{{{preferred_dark}}}}}\
         h1{{color:var(--heading,var(--text))}}a{{color:var(--link,var(--accent))}}\
         label{{color:var(--label,var(--text))}}\
         input[type=text],input[type=password],input[type=email],input[type=tel]{{background:var(--input-bg,transparent);border-color:var(--input-line,var(--line))}}\
         button:hover{{background:var(--accent-hover,var(--accent))}}button.link:hover{{background:none}}\
         input:focus,button:focus,a:focus{{outline-color:var(--focus,var(--accent))}}"
    );
    let radii = [
        (".card", "/components/form/borderRadius"),
        ("button", "/componentClasses/buttons/borderRadius"),
        ("input", "/componentClasses/input/borderRadius"),
        (".alert", "/components/alert/borderRadius"),
    ];
    for (selector, path) in radii {
        if let Some(r) = radius(s.pointer(path)) {
            css.push_str(&format!("{selector}{{border-radius:{r}px}}"));
        }
    }
    let background_on =
        s.pointer("/components/pageBackground/image/enabled") != Some(&Value::Bool(false));
    if background_on {
        for (dark, media) in [(false, ""), (true, "@media (prefers-color-scheme:dark)")] {
            let use_dark = match scheme {
                "DARK" => true,
                "DYNAMIC" => dark,
                _ => false,
            };
            if let Some(uri) = asset(row, "PAGE_BACKGROUND", use_dark) {
                css.push_str(&format!(
                    "{media}{{body{{background-image:url(\"{uri}\");background-size:cover;background-position:center}}}}"
                ));
            }
        }
    }
    let logo_on = s.pointer("/components/form/logo/enabled") == Some(&Value::Bool(true));
    let (logo, logo_dark) = if logo_on {
        match scheme {
            "DARK" => (asset(row, "FORM_LOGO", true), None),
            "DYNAMIC" => (
                asset(row, "FORM_LOGO", false),
                asset(row, "FORM_LOGO", true),
            ),
            _ => (asset(row, "FORM_LOGO", false), None),
        }
    } else {
        (None, None)
    };
    Branding {
        css: Some(css),
        logo,
        logo_dark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn style(settings: Value, assets: Vec<Value>) -> BrandingRow {
        BrandingRow {
            id: "id".into(),
            pool_id: "pool".into(),
            client_id: "client".into(),
            use_cognito_values: false,
            settings: Some(settings),
            assets,
            created_at: 0.0,
            updated_at: 0.0,
        }
    }

    #[test]
    fn colours_of_the_scheme_and_the_form_logo_apply() {
        let png = STANDARD.encode(b"\x89PNG\r\n\x1a\nrest");
        let row = style(
            json!({"categories": {"global": {"colorSchemeMode": "DARK"}},
                   "components": {"pageBackground": {"darkMode": {"color": "102030ff"}, "lightMode": {"color": "ffffffff"}},
                                  "primaryButton": {"darkMode": {"defaults": {"backgroundColor": "ABCDEF", "textColor": "</style><script>"}}},
                                  "form": {"logo": {"enabled": true}, "borderRadius": 12.0}}}),
            vec![
                json!({"Category": "FORM_LOGO", "ColorMode": "DYNAMIC", "Extension": "PNG", "Bytes": png}),
            ],
        );
        let look = managed_look(&row);
        let css = look.css.unwrap();
        assert!(css.contains("--bg:#102030ff"), "{css}");
        assert!(css.contains("--accent:#abcdef"), "{css}");
        assert!(
            !css.contains("#ffffffff"),
            "the light colour is not used in DARK mode"
        );
        assert!(
            !css.contains("script"),
            "values that are not colours are dropped"
        );
        assert!(css.contains(".card{border-radius:12px}"));
        assert!(look.logo.unwrap().starts_with("data:image/png;base64,"));
    }

    #[test]
    fn the_logo_needs_its_setting_and_cognito_values_draw_nothing() {
        let png = STANDARD.encode(b"\x89PNG\r\n\x1a\n");
        let asset = json!({"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": png});
        assert!(
            managed_look(&style(json!({}), vec![asset.clone()]))
                .logo
                .is_none()
        );
        let mut row = style(
            json!({"components": {"form": {"logo": {"enabled": true}}}}),
            vec![asset],
        );
        assert!(managed_look(&row).logo.is_some());
        row.use_cognito_values = true;
        assert!(managed_look(&row).css.is_none());
    }
}
