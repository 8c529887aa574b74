//! A cookie-keeping HTTP client that does not follow redirects, for the hosted pages, and the helpers
//! that read their forms.

use std::collections::HashMap;

use crate::common::{Emulator, urlencode};

/// A browser: cookies kept between requests, redirects not followed.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    /// The cookies it holds.
    pub cookies: HashMap<String, String>,
    /// The Host header to send (a pool domain), if any.
    pub host: Option<String>,
}

/// One answer.
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// Location, or "".
    pub location: String,
    /// The body.
    pub body: String,
    /// Every response header (name lower-case, values joined by "\n").
    pub headers: HashMap<String, String>,
}

impl Browser {
    /// A browser for `emu`.
    pub fn new(emu: &Emulator) -> Browser {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, base: emu.url.clone(), cookies: HashMap::new(), host: None }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, mut req: reqwest::RequestBuilder) -> Page {
        if let Some(host) = &self.host {
            req = req.header("host", host);
        }
        let resp = req.header("cookie", self.cookie_header()).send().await.unwrap();
        let mut headers: HashMap<String, String> = HashMap::new();
        for (k, v) in resp.headers() {
            let v = v.to_str().unwrap_or_default().to_string();
            headers
                .entry(k.as_str().to_string())
                .and_modify(|e| *e = format!("{e}\n{v}"))
                .or_insert(v);
        }
        for c in resp.headers().get_all("set-cookie") {
            let first = c.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        Page { status, location, body: resp.text().await.unwrap(), headers }
    }

    /// GET a path (or a full URL).
    pub async fn get(&mut self, path: &str) -> Page {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let req = self.http.get(url);
        self.send(req).await
    }

    /// POST a form to a path.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }
}

/// Decodes the HTML entities `html::escape` writes.
pub fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of the attribute `attr="..."` after `anchor` in `html`, unescaped.
pub fn attribute(html: &str, anchor: &str, attr: &str) -> Option<String> {
    let from = html.find(anchor)?;
    let rest = &html[from..];
    let start = rest.find(&format!(r#"{attr}=""#))? + attr.len() + 2;
    Some(unescape(rest[start..].split('"').next()?))
}

/// The value of the hidden (or other) input named `name`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    attribute(html, &format!(r#"name="{name}""#), "value")
}

/// The CSRF token of the page's forms.
pub fn csrf(html: &str) -> String {
    input_value(html, "_csrf").expect("a CSRF field")
}

/// A query parameter of a URL (or of its fragment), decoded.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once(['?', '#'])?.1;
    q.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| cognito_emulator::http::percent_decode(v).unwrap())
    })
}

/// The hidden fields of the first form in `html` plus `extra` (overriding): what a browser posts.
pub fn form(html: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let form_end = html.find("</form>").unwrap_or(html.len());
    let mut rest = &html[..form_end];
    while let Some(i) = rest.find(r#"<input type="hidden" name=""#) {
        let tag = &rest[i..];
        let end = tag.find('>').unwrap();
        let tag_text = &tag[..end];
        let name = attribute(tag_text, "<input", "name").unwrap();
        let value = attribute(tag_text, "<input", "value").unwrap_or_default();
        out.push((name, value));
        rest = &tag[end..];
    }
    for (k, v) in extra {
        out.retain(|(n, _)| n != k);
        out.push((k.to_string(), v.to_string()));
    }
    out
}

/// `form` as the borrowed pairs `Browser::post` takes.
pub fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
