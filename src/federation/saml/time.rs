//! `xs:dateTime` as SAML uses it: `2026-12-06T08:34:53Z`, `2024-03-12T20:53:05.223Z`, `...+02:00` to
//! Unix seconds (fractions dropped; a time without a zone is refused: SAML 2.0 core §1.3.3 requires
//! UTC), and Unix seconds to the `Z` form the emulator writes.

/// Parses an `xs:dateTime` with a zone.
pub fn parse(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" => 0,
        _ if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && &rest[3..4] == ":" =>
        {
            let oh = num(s.len() - 5..s.len() - 3)?;
            let om = num(s.len() - 2..s.len())?;
            let v = oh * 3600 + om * 60;
            if rest.starts_with('+') { v } else { -v }
        }
        _ => return None,
    };
    Some(crate::clock::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// Unix seconds as `YYYY-MM-DDThh:mm:ssZ`.
pub fn format(epoch: i64) -> String {
    let (y, m, d) = crate::clock::civil_from_days(epoch.div_euclid(86_400));
    let s = epoch.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn forms() {
        assert_eq!(super::parse("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            super::parse("2024-03-12T20:53:05.223Z"),
            Some(1_710_276_785)
        );
        assert_eq!(
            super::parse("2024-03-12T22:53:05+02:00"),
            Some(1_710_276_785)
        );
        assert_eq!(super::parse("2024-03-12T20:53:05"), None);
        assert_eq!(super::parse("2024-13-12T20:53:05Z"), None);
        assert_eq!(super::format(1_710_276_785), "2024-03-12T20:53:05Z");
        assert_eq!(
            super::parse(&super::format(4_102_444_800)),
            Some(4_102_444_800)
        );
    }
}
