//! Timestamps as AWS writes them: `YYYY-MM-DDTHH:MM:SS.sssZ`.

use openvpc_core::Millis;

/// Formats milliseconds since the epoch as an ISO-8601 UTC timestamp with milliseconds.
/// Years 0 to 9999 (all in practice) are written digit by digit into their fixed places;
/// others by [`iso8601_formatted`] (the tests' oracle).
pub fn iso8601(ms: Millis) -> String {
    let (y, m, d, rem, millis) = civil_parts(ms);
    if !(0..=9999).contains(&y) {
        return iso8601_formatted(ms);
    }
    let mut text = *b"0000-00-00T00:00:00.000Z";
    let mut put = |end: usize, mut n: i64| {
        for at in text[..end]
            .iter_mut()
            .rev()
            .take_while(|b| b.is_ascii_digit())
        {
            *at = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(4, y);
    put(7, m.into());
    put(10, d.into());
    put(13, rem / 3600);
    put(16, (rem % 3600) / 60);
    put(19, rem % 60);
    put(23, millis);
    crate::xml::ascii(&text).to_owned()
}

/// [`iso8601`] by `format!`, for any year.
fn iso8601_formatted(ms: Millis) -> String {
    let (y, m, d, rem, millis) = civil_parts(ms);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Year, month, day, seconds into the day and milliseconds of `ms` since the epoch.
fn civil_parts(ms: Millis) -> (i64, u32, u32, i64, i64) {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    (y, m, d, secs.rem_euclid(86_400), ms.rem_euclid(1000))
}

/// Parses a request timestamp: ISO 8601 (`YYYY-MM-DDTHH:MM:SS[.fff…][Z|±HH:MM]`, as the
/// SDKs send) or seconds since the epoch. None when it is neither.
pub fn parse_timestamp(raw: &str) -> Option<Millis> {
    let raw = raw.trim();
    if let Ok(secs) = raw.parse::<f64>() {
        return secs.is_finite().then(|| (secs * 1000.0).round() as Millis);
    }
    let b = raw.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = raw.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        let frac = &raw[start..i.min(start + 3)];
        millis = frac.parse::<i64>().ok()? * 10_i64.pow(3 - frac.len() as u32);
    }
    let offset = match &raw[i..] {
        "" | "Z" | "z" => 0,
        tz if tz.len() == 6
            && matches!(tz.as_bytes()[0], b'+' | b'-')
            && tz.as_bytes()[3] == b':' =>
        {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (num(i + 1..i + 3)? * 3600 + num(i + 4..i + 6)? * 60)
        }
        _ => return None,
    };
    Some((unix_time(y, mo, d, h, mi, s)? - offset) * 1000 + millis)
}

/// Seconds since the Unix epoch of a UTC civil time, if it is a valid one (a leap second
/// allowed).
pub(crate) fn unix_time(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=month_days).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    Some(days * 86_400 + hour * 3600 + min * 60 + sec)
}

/// (year, month, day) to days since 1970-01-01, proleptic Gregorian.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(ms: Millis, expected: &str) {
        assert_eq!(iso8601(ms), expected);
    }

    proptest::proptest! {
        /// Digit by digit is what `format!` writes, across years 0 to 9999 and beyond.
        #[test]
        fn formats_as_format_does(ms in -70_000_000_000_000i64..260_000_000_000_000) {
            proptest::prop_assert_eq!(iso8601(ms), iso8601_formatted(ms));
        }
    }

    #[test]
    fn formats() {
        check(0, "1970-01-01T00:00:00.000Z");
        check(1_704_164_645_123, "2024-01-02T03:04:05.123Z");
        check(951_782_400_000, "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn parses_request_timestamps() {
        for (raw, want) in [
            ("2024-01-02T03:04:05.123Z", Some(1_704_164_645_123)),
            ("2024-01-02T03:04:05Z", Some(1_704_164_645_000)),
            ("2024-01-02T03:04:05.123456Z", Some(1_704_164_645_123)),
            ("2024-01-02T05:04:05+02:00", Some(1_704_164_645_000)),
            ("2000-02-29T00:00:00", Some(951_782_400_000)),
            ("1704164645", Some(1_704_164_645_000)),
            ("2024-13-02T03:04:05Z", None),
            ("2024-01-02T03:04:05.Z", None),
            ("yesterday", None),
            ("", None),
        ] {
            assert_eq!(parse_timestamp(raw), want, "{raw}");
        }
        for ms in [0, 951_782_400_000, 1_704_164_645_123] {
            assert_eq!(parse_timestamp(&iso8601(ms)), Some(ms));
        }
    }
}
