//! The one source of time: system time plus an offset the control API can move forward, so expiry of
//! codes, sessions, tokens and lockouts can be tested without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// How far the clock can be moved in all: 1000 years, far beyond any expiry, far below overflow.
pub const MAX_ADVANCE_MS: i64 = 1000 * 366 * 86_400 * 1000;

/// System time shifted by an adjustable offset.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Milliseconds since the Unix epoch, offset applied.
    pub fn now_ms(&self) -> i64 {
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        sys.saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Whole seconds since the epoch (JWT `iat`/`exp`).
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Seconds with millisecond fraction, as AWS serialises timestamps.
    pub fn now_f64(&self) -> f64 {
        self.now_ms() as f64 / 1000.0
    }

    /// The current offset from system time in milliseconds.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves the clock forward (never backward: expired things stay expired), by at most
    /// [`MAX_ADVANCE_MS`] in all.
    pub fn advance_ms(&self, ms: i64) {
        let ms = ms.clamp(0, MAX_ADVANCE_MS);
        let _ = (self.offset_ms).fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
            Some(o.saturating_add(ms).min(MAX_ADVANCE_MS))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_is_capped_and_never_overflows() {
        let clock = Clock::default();
        let before = clock.now_ms();
        clock.advance_ms(-5_000);
        assert_eq!(clock.offset_ms(), 0);
        clock.advance_ms(60_000);
        assert_eq!(clock.offset_ms(), 60_000);
        clock.advance_ms(i64::MAX);
        clock.advance_ms(i64::MAX);
        assert_eq!(clock.offset_ms(), MAX_ADVANCE_MS);
        assert!(clock.now_ms() > before + MAX_ADVANCE_MS - 1000);
    }
}
