//! The fixed-width texts of dates (`YYYY-MM-DD`) and date-times (`YYYY-MM-DDTHH:MM:SS.mmmZ`)
//! written and read digit by digit. They cover the years 0 to 9999 and times without a leap
//! second; anything else is left to chrono's format strings by the callers, so the results
//! are those of chrono for every value.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};

/// The longest text: a date-time.
const LEN: usize = 24;

/// A date or date-time text on the stack.
pub(crate) struct Text {
    buf: [u8; LEN],
    len: usize,
}

impl Text {
    /// The text (ASCII only).
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// Writes `n` (below 10^width) as `width` decimal digits at `at`.
fn put(buf: &mut [u8; LEN], at: usize, width: usize, mut n: u32) {
    for i in (at..at + width).rev() {
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// `%Y-%m-%d` of `d`; `None` for a year outside 0 to 9999.
pub(crate) fn date(d: NaiveDate) -> Option<Text> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let mut buf = [0; LEN];
    put(&mut buf, 0, 4, year);
    buf[4] = b'-';
    put(&mut buf, 5, 2, d.month());
    buf[7] = b'-';
    put(&mut buf, 8, 2, d.day());
    Some(Text { buf, len: 10 })
}

/// `%Y-%m-%dT%H:%M:%S%.3fZ` of `d`; `None` for a year outside 0 to 9999 or a leap second.
pub(crate) fn datetime(d: &DateTime<Utc>) -> Option<Text> {
    let n = d.naive_utc();
    let nanos = n.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    let mut t = date(n.date())?;
    t.buf[10] = b'T';
    put(&mut t.buf, 11, 2, n.hour());
    t.buf[13] = b':';
    put(&mut t.buf, 14, 2, n.minute());
    t.buf[16] = b':';
    put(&mut t.buf, 17, 2, n.second());
    t.buf[19] = b'.';
    put(&mut t.buf, 20, 3, nanos / 1_000_000);
    t.buf[23] = b'Z';
    t.len = LEN;
    Some(t)
}

/// The number written by the ASCII digits `s`, `None` when one is not a digit.
fn digits(s: &[u8]) -> Option<u32> {
    s.iter().try_fold(0, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// The date of exactly `YYYY-MM-DD`; `None` for any other text or an invalid date.
pub(crate) fn parse_date(s: &[u8]) -> Option<NaiveDate> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *s else {
        return None;
    };
    let year = i32::try_from(digits(&[y0, y1, y2, y3])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&[m0, m1])?, digits(&[d0, d1])?)
}

/// The date-time of exactly `YYYY-MM-DDTHH:MM:SS.mmmZ`; `None` for any other text, an invalid
/// date or time, or a leap second.
pub(crate) fn parse_datetime(s: &[u8]) -> Option<DateTime<Utc>> {
    if s.len() != LEN {
        return None;
    }
    let date = parse_date(&s[..10])?;
    let [
        b'T',
        h0,
        h1,
        b':',
        mi0,
        mi1,
        b':',
        s0,
        s1,
        b'.',
        f0,
        f1,
        f2,
        b'Z',
    ] = s[10..]
    else {
        return None;
    };
    let time = NaiveTime::from_hms_milli_opt(
        digits(&[h0, h1])?,
        digits(&[mi0, mi1])?,
        digits(&[s0, s1])?,
        digits(&[f0, f1, f2])?,
    )?;
    Some(date.and_time(time).and_utc())
}
