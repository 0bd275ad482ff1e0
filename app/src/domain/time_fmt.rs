//! Dates and times as Chinese office staff read them: `YYYY-MM-DD`, 24-hour
//! clock, China Standard Time (UTC+8, no daylight saving).

use time::{OffsetDateTime, UtcOffset, macros::format_description};

/// China Standard Time.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// `2026-12-03 14:05` for an instant given in Unix milliseconds.
pub fn format_minute_cst(unix_millis: i64) -> String {
    let nanos = i128::from(unix_millis) * 1_000_000;
    let Ok(instant) = OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
        return String::new();
    };
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]");
    instant.to_offset(CST).format(&format).unwrap_or_default()
}

/// `2026-12-03 14:05:09`, to the second, for the audit trail.
pub fn format_second_cst(unix_millis: i64) -> String {
    let nanos = i128::from(unix_millis) * 1_000_000;
    let Ok(instant) = OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
        return String::new();
    };
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    instant.to_offset(CST).format(&format).unwrap_or_default()
}

/// Today's date in China, the day a birth date is checked against.
pub fn today_cst() -> time::Date {
    OffsetDateTime::now_utc().to_offset(CST).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_is_shown_in_china_standard_time() {
        // 2026-12-03T06:05:00Z is 14:05 in Beijing.
        assert_eq!(format_minute_cst(1_796_277_900_000), "2026-12-03 14:05");
    }
}
