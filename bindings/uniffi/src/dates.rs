//! A calendar date of a result (`date` in the spec): `java.time.LocalDate` in Kotlin; in Swift
//! its ISO text (`2026-03-13`), as Foundation has no type for a day without a time and a `Date`
//! is an instant that would move the day with the reader's time zone. It crosses the FFI as that
//! text; `uniffi.toml` says how Kotlin makes its `LocalDate` of it.

/// A day, as the core reads it from an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CalendarDate(pub b24kit::Date);

impl From<b24kit::Date> for CalendarDate {
    fn from(date: b24kit::Date) -> Self {
        CalendarDate(date)
    }
}

uniffi::custom_type!(CalendarDate, String, {
    lower: |date| date.0.format("%Y-%m-%d").to_string(),
    try_lift: |text| Ok(CalendarDate(b24kit::Date::parse_from_str(&text, "%Y-%m-%d")?)),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_crosses_as_its_iso_text_and_back() {
        let day = CalendarDate(b24kit::Date::from_ymd_opt(2026, 3, 13).unwrap());
        let text = <CalendarDate as uniffi::Lower<crate::UniFfiTag>>::lower(day);
        let back = <CalendarDate as uniffi::Lift<crate::UniFfiTag>>::try_lift(text).unwrap();
        assert_eq!(back, day);
        let bad = uniffi::RustBuffer::from_vec(Vec::new());
        assert!(<CalendarDate as uniffi::Lift<crate::UniFfiTag>>::try_lift(bad).is_err());
    }
}
