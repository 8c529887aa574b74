//! A cookie-keeping HTTP client for federation tests: follows redirects one by one, as a browser would,
//! emulator and an IdP; cookies are kept for (and sent to) the emulator only.

use std::collections::HashMap;

use crate::common::urlencode;

/// One answer.
#[derive(Debug)]
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// Absolute `Location`, if any.
    pub location: String,
    /// The body.
    pub body: String,
}

/// The browser.
pub struct Browser {
    http: reqwest::Client,
    /// The emulator's base URL.
    pub base: String,
    cookies: HashMap<String, String>,
}

impl Browser {
    /// A browser for the emulator at `base`.
    pub fn new(base: &str) -> Browser {
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, base: base.to_string(), cookies: HashMap::new() }
    }

    fn absolute(&self, url: &str) -> String {
        if url.starts_with("http://") || url.starts_with("https://") {
            url.to_string()
        } else {
            format!("{}{url}", self.base)
        }
    }

    async fn send(&mut self, url: &str, req: reqwest::RequestBuilder) -> Page {
        let ours = url.starts_with(&self.base);
        let cookie: String =
            self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let req = if ours && !cookie.is_empty() { req.header("cookie", cookie) } else { req };
        let resp = req.send().await.unwrap();
        if ours {
            for c in resp.headers().get_all("set-cookie") {
                let first = c.to_str().unwrap().split(';').next().unwrap();
                let (k, v) = first.split_once('=').unwrap();
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .map(|l| self.absolute(l.to_str().unwrap()))
            .unwrap_or_default();
        Page { status, location, body: resp.text().await.unwrap() }
    }

    /// GET `url` (a path on the emulator, or absolute).
    pub async fn get(&mut self, url: &str) -> Page {
        let url = self.absolute(url);
        let req = self.http.get(&url);
        self.send(&url, req).await
    }

    /// POST a form.
    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let url = self.absolute(url);
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = self
            .http
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(&url, req).await
    }

    /// GET `url`, then follow redirects until one leaves for `stop` (returned, not fetched) or a page
    /// answers without a redirect (returned).
    pub async fn follow(&mut self, url: &str, stop: &str) -> Page {
        let mut page = self.get(url).await;
        for _ in 0..20 {
            if !(300..400).contains(&page.status) || page.location.starts_with(stop) {
                return page;
            }
            let next = page.location.clone();
            page = self.get(&next).await;
        }
        panic!("too many redirects")
    }

    /// Drops every cookie (a new browser session).
    pub fn forget(&mut self) {
        self.cookies.clear();
    }

    /// Whether the browser holds cookie `name`.
    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }
}

/// The value of query parameter `name` of `url` (query or fragment), decoded.
pub fn param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once(['?', '#'])?.1;
    q.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| cognito_emulator::http::percent_decode(&v.replace('+', " ")).unwrap())
    })
}
