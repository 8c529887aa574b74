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

/// (year, month, day) of a day count since 1970-01-01, proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_both_ways() {
        for (days, date) in [
            (0, (1970, 1, 1)),
            (19_723, (2024, 1, 1)),
            (11_016, (2000, 2, 29)),
            (-1, (1969, 12, 31)),
            (29_220, (2050, 1, 1)),
        ] {
            assert_eq!(civil_from_days(days), date);
            assert_eq!(days_from_civil(date.0, date.1.into(), date.2.into()), days);
        }
    }

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
