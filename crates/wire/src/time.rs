//! Timestamps as AWS writes them: `YYYY-MM-DDTHH:MM:SS.sssZ`.

use openvpc_core::Millis;

/// Formats milliseconds since the epoch as an ISO-8601 UTC timestamp with milliseconds.
pub fn iso8601(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
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

    #[test]
    fn formats() {
        check(0, "1970-01-01T00:00:00.000Z");
        check(1_704_164_645_123, "2024-01-02T03:04:05.123Z");
        check(951_782_400_000, "2000-02-29T00:00:00.000Z");
    }
}
