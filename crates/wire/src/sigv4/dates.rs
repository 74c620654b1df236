//! The request times SigV4 reads (`X-Amz-Date`, an HTTP `Date`) and the one it writes into
//! the string to sign; the calendar is [`crate::time`]'s.

use crate::time::{civil_from_days, unix_time};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses SigV4's `YYYYMMDD'T'HHMMSS'Z'` into Unix seconds.
pub(super) fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = s.get(range)?;
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    unix_time(
        num(0..4)?,
        num(4..6)?,
        num(6..8)?,
        num(9..11)?,
        num(11..13)?,
        num(13..15)?,
    )
}

/// Parses an HTTP `Date` such as `Tue, 02 Jan 2024 03:04:05 GMT` (the weekday
/// is optional; the zone may be `GMT`, `UT`, `UTC`, `Z` or `±hhmm`).
pub(super) fn parse_http_date(s: &str) -> Option<i64> {
    let mut parts: Vec<&str> = s.split_ascii_whitespace().collect();
    if parts.first()?.ends_with(',') {
        parts.remove(0);
    }
    let [day, month, year, time, zone] = parts[..] else {
        return None;
    };
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())?
    };
    let month = (1..)
        .zip(MONTHS)
        .find(|(_, m)| m.eq_ignore_ascii_case(month))?
        .0;
    let [hour, minute, second] = time.split(':').collect::<Vec<_>>()[..] else {
        return None;
    };
    let offset = match zone {
        "GMT" | "UT" | "UTC" | "Z" => 0,
        _ => {
            let sign = match zone.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let hhmm = zone.get(1..).filter(|z| z.len() == 4).and_then(number)?;
            sign * (hhmm / 100 * 3600 + hhmm % 100 * 60)
        }
    };
    let local = unix_time(
        number(year)?,
        month,
        number(day)?,
        number(hour)?,
        number(minute)?,
        number(second)?,
    )?;
    Some(local - offset)
}

/// Formats Unix seconds as `YYYYMMDD'T'HHMMSS'Z'`.
pub(super) fn format_amz_date(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
