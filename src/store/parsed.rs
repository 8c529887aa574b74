//! Parsed settings remembered by the exact text they came from. A pool's or client's settings are a
//! JSON document read on nearly every request; parsing it again each time cost ~8% of a GetUser. The
//! cache maps a row id to the text last parsed for it and the result: a read whose text is byte for byte
//! the same reuses the result, any other text (an update, another database) is parsed and replaces it.
//! There is nothing to invalidate: the text read from the database in the same statement decides.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;

/// Entries kept before the cache starts over (pools and clients of a test run are far fewer).
const LIMIT: usize = 1024;

/// A cache of `T` parsed from JSON, keyed by row id and checked against the text.
pub struct Parsed<T> {
    entries: Mutex<Option<HashMap<Box<str>, (Box<str>, Arc<T>)>>>,
}

impl<T: DeserializeOwned> Parsed<T> {
    /// An empty cache (usable in a `static`).
    pub const fn new() -> Parsed<T> {
        Parsed {
            entries: Mutex::new(None),
        }
    }

    /// `text` parsed, from the cache when row `id` was last parsed from exactly this text.
    pub fn get(&self, id: &str, text: &str) -> serde_json::Result<Arc<T>> {
        if let Some((_, value)) = self
            .lock()
            .as_ref()
            .and_then(|m| m.get(id))
            .filter(|(cached, _)| **cached == *text)
        {
            return Ok(value.clone());
        }
        // Parsed outside the lock: two readers of a new text both parse it, and either result is right.
        let value = Arc::new(serde_json::from_str::<T>(text)?);
        let mut entries = self.lock();
        let map = entries.get_or_insert_with(HashMap::new);
        if map.len() >= LIMIT && !map.contains_key(id) {
            map.clear();
        }
        map.insert(id.into(), (text.into(), value.clone()));
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<HashMap<Box<str>, (Box<str>, Arc<T>)>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_is_reused_and_other_text_is_parsed() {
        let cache: Parsed<serde_json::Value> = Parsed::new();
        let a = cache.get("p1", r#"{"x":1}"#).unwrap();
        let again = cache.get("p1", r#"{"x":1}"#).unwrap();
        assert!(Arc::ptr_eq(&a, &again));
        let changed = cache.get("p1", r#"{"x":2}"#).unwrap();
        assert_eq!(changed["x"], 2);
        // Another row with the first text: its own entry, not p1's.
        let other = cache.get("p2", r#"{"x":1}"#).unwrap();
        assert!(!Arc::ptr_eq(&a, &other));
        assert_eq!(cache.get("p1", r#"{"x":2}"#).unwrap()["x"], 2);
        assert!(cache.get("p3", "{not json").is_err());
    }

    #[test]
    fn the_cache_starts_over_past_its_limit() {
        let cache: Parsed<serde_json::Value> = Parsed::new();
        for i in 0..LIMIT + 10 {
            assert_eq!(*cache.get(&i.to_string(), &i.to_string()).unwrap(), i);
        }
        assert!(cache.lock().as_ref().unwrap().len() <= LIMIT);
        assert_eq!(*cache.get("3", "3").unwrap(), 3);
    }
}
