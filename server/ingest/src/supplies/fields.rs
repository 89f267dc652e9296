//! Strict value syntax of the normalised files (other-supplies.md §0.2): ISO dates, integers
//! without `+`, decimals with a decimal point and no thousands separator. Each parser returns
//! the reason a value is refused, for the caller to put into a diagnostic.

use chrono::NaiveDate;

/// Parses an ISO date `YYYY-MM-DD` (exactly ten characters, an existing day).
pub(crate) fn iso_date(s: &str) -> Result<NaiveDate, String> {
    let bytes = s.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(format!("{s:?} is not an ISO date YYYY-MM-DD"));
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(format!("{s:?} is not an ISO date YYYY-MM-DD"));
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| format!("{s} is not a calendar date"))
}

/// Parses a date `DDMMYYYY` (MEF `DT` format).
pub(crate) fn dmy_date(s: &str) -> Result<NaiveDate, String> {
    if s.len() != 8 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("{s:?} is not a date DDMMYYYY"));
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(d), Some(m), Some(y)) = (num(0..2), num(2..4), num(4..8)) else {
        return Err(format!("{s:?} is not a date DDMMYYYY"));
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| format!("{s} is not a calendar date"))
}

/// Parses an integer: optional `-`, then 1 to 18 digits (no `+`, no blanks inside).
pub(crate) fn integer(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("{s:?} is not an integer"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("{s:?} is not an integer"))
}

/// Parses a non-negative integer that fits `T`.
pub(crate) fn unsigned<T: TryFrom<i64>>(s: &str) -> Result<T, String> {
    let n = integer(s)?;
    if n < 0 {
        return Err(format!("{s} is negative"));
    }
    T::try_from(n).map_err(|_| format!("{s} is out of range"))
}

/// Parses a decimal number with `point` as decimal separator: optional `-`, digits, optionally
/// the separator and more digits. No exponent, no thousands separator, no `inf`/`NaN`.
pub(crate) fn decimal_with(s: &str, point: u8) -> Result<f64, String> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.bytes().position(|c| c == point) {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    let ok = !int.is_empty()
        && int.len() <= 15
        && frac.len() <= 15
        && int.bytes().all(|c| c.is_ascii_digit())
        && frac.bytes().all(|c| c.is_ascii_digit())
        && (frac.is_empty() != body.as_bytes().contains(&point));
    if !ok {
        return Err(format!("{s:?} is not a decimal number"));
    }
    let normal = if point == b'.' {
        s.to_owned()
    } else {
        s.replace(char::from(point), ".")
    };
    normal
        .parse::<f64>()
        .map_err(|_| format!("{s:?} is not a decimal number"))
}

/// Parses a decimal number with a decimal point (§0.2).
pub(crate) fn decimal(s: &str) -> Result<f64, String> {
    decimal_with(s, b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            iso_date("2019-03-15").unwrap(),
            NaiveDate::from_ymd_opt(2019, 3, 15).unwrap()
        );
        assert!(iso_date("2021-04-31").unwrap_err().contains("calendar"));
        for bad in ["2019-3-15", "15/03/2019", "2019-03-15 ", "", "２019-03-15"] {
            assert!(iso_date(bad).is_err(), "{bad}");
        }
        assert_eq!(
            dmy_date("15032019").unwrap(),
            NaiveDate::from_ymd_opt(2019, 3, 15).unwrap()
        );
        assert!(dmy_date("31042019").is_err());
        assert!(dmy_date("1503201").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(integer("-12").unwrap(), -12);
        for bad in ["+12", "1 2", "", "-", "1.0", "99999999999999999999"] {
            assert!(integer(bad).is_err(), "{bad}");
        }
        assert!(unsigned::<u32>("-1").is_err());
        assert!(unsigned::<u8>("300").is_err());
        assert!((decimal("80.50").unwrap() - 80.5).abs() < 1e-12);
        assert!((decimal("-3").unwrap() + 3.0).abs() < 1e-12);
        for bad in [
            "1,5",
            "1e3",
            "inf",
            "NaN",
            ".5",
            "5.",
            "1.000.000",
            "+1.0",
            "",
        ] {
            assert!(decimal(bad).is_err(), "{bad}");
        }
        assert!((decimal_with("12,5", b',').unwrap() - 12.5).abs() < 1e-12);
        assert!(decimal_with("12.5", b',').is_err());
    }
}
