//! The `time` object a portal attaches to every answer.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::operating::Reading;

/// The eight documented fields, in the portal's order.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TimeObject {
    pub start: f64,
    pub finish: f64,
    pub duration: f64,
    pub processing: f64,
    pub date_start: String,
    pub date_finish: String,
    pub operating_reset_at: i64,
    pub operating: f64,
}

pub(crate) fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl TimeObject {
    /// Figures for a request that started at `start` and spent `processing` seconds in the
    /// method handler. Without a budget reading (the limit is off) `operating` is 0 and the
    /// budget resets 10 minutes after the start.
    pub(crate) fn new(
        start: f64,
        processing: f64,
        budget: Option<Reading>,
        utc_offset_minutes: i32,
    ) -> TimeObject {
        let finish = unix_now().max(start);
        let (operating, operating_reset_at) = match budget {
            Some(r) => (r.operating, r.reset_at.ceil() as i64),
            None => (0.0, start as i64 + 600),
        };
        TimeObject {
            start,
            finish,
            duration: finish - start,
            processing,
            date_start: iso8601(start, utc_offset_minutes),
            date_finish: iso8601(finish, utc_offset_minutes),
            operating_reset_at,
            operating,
        }
    }
}

/// `2026-03-16T19:36:06+01:00`, like PHP's `date('c')` on a server `utc_offset_minutes` ahead of
/// UTC.
pub(crate) fn iso8601(unix: f64, utc_offset_minutes: i32) -> String {
    let secs = unix.floor() as i64 + i64::from(utc_offset_minutes) * 60;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let sign = if utc_offset_minutes < 0 { '-' } else { '+' };
    let offset = utc_offset_minutes.unsigned_abs();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        offset / 60,
        offset % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
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

    #[test]
    fn formats_the_docs_example_instant() {
        // The `start` of the docs' example answer.
        assert_eq!(iso8601(1_773_678_966.767, 0), "2026-03-16T16:36:06+00:00");
        assert_eq!(iso8601(0.0, 0), "1970-01-01T00:00:00+00:00");
        assert_eq!(iso8601(951_782_400.0, 0), "2000-02-29T00:00:00+00:00");
        // The docs' example zone, and one behind UTC across midnight.
        assert_eq!(iso8601(1_773_678_966.0, 60), "2026-03-16T17:36:06+01:00");
        assert_eq!(iso8601(0.0, -210), "1969-12-31T20:30:00-03:30");
    }
}
