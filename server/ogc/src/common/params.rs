//! Query-parameter parsing helpers: each turns one raw parameter into a typed value or a 400
//! with a detail that names the parameter and what is wrong.

use actix_web::web;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use segit_query::{BBox, Crs, DatetimeInterval};

use crate::common::error::ApiError;

/// The decoded query string of a request, in order. OGC API parameter names are
/// case-sensitive; each may appear at most once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Decodes `query` (the part after `?`); rejects repeated names.
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
            .map_err(|e| ApiError::bad_request(format!("malformed query string: {e}")))?
            .into_inner();
        for (i, (name, _)) in pairs.iter().enumerate() {
            if pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(ApiError::bad_request(format!(
                    "query parameter '{name}' given more than once"
                )));
            }
        }
        Ok(Self { pairs })
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// All parameters, in request order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Fails on the first parameter whose name is not in `allowed`.
    pub fn reject_unknown(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self
            .pairs
            .iter()
            .find(|(n, _)| !allowed.contains(&n.as_str()))
        {
            None => Ok(()),
            Some((name, _)) => Err(ApiError::bad_request(format!(
                "unknown query parameter '{name}'; allowed: {}",
                allowed.join(", ")
            ))),
        }
    }
}

/// `limit`: an integer ≥ 1; absent means `default`; above `max` is reduced to `max`.
pub fn parse_limit(raw: Option<&str>, default: u64, max: u64) -> Result<u64, ApiError> {
    let Some(raw) = raw else {
        return Ok(default.min(max));
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n.min(max)),
        _ => Err(ApiError::bad_request(format!(
            "invalid limit '{raw}': expected an integer between 1 and {max}"
        ))),
    }
}

/// `offset`: an integer ≥ 0; absent means 0.
pub fn parse_offset(raw: Option<&str>) -> Result<u64, ApiError> {
    let Some(raw) = raw else { return Ok(0) };
    raw.trim().parse::<u64>().map_err(|_| {
        ApiError::bad_request(format!("invalid offset '{raw}': expected an integer ≥ 0"))
    })
}

/// A CRS parameter (`crs`, `bbox-crs`) given as a URI, URN, `EPSG:n` or bare code.
pub fn parse_crs(param: &str, raw: &str) -> Result<Crs, ApiError> {
    Crs::parse(raw).map_err(|_| {
        ApiError::bad_request(format!(
            "invalid {param} '{raw}': unsupported CRS; supported: {}",
            crate::common::error::supported_crs_names().join(", ")
        ))
    })
}

/// `bbox`: four comma-separated numbers in `crs`'s axis order (latitude first for EPSG:4326
/// and its kin), returned in east/north order.
pub fn parse_bbox(raw: &str, crs: Crs) -> Result<BBox, ApiError> {
    let bad = |why: &str| ApiError::bad_request(format!("invalid bbox '{raw}': {why}"));
    let numbers: Vec<f64> = raw
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("expected comma-separated numbers"))?;
    let [a, b, c, d] = match numbers.as_slice() {
        [a, b, c, d] => [*a, *b, *c, *d],
        [_, _, _, _, _, _] => {
            return Err(bad(
                "three-dimensional boxes (6 numbers) are not supported; give 4",
            ));
        }
        _ => return Err(bad(&format!("expected 4 numbers, got {}", numbers.len()))),
    };
    let (min_x, min_y, max_x, max_y) = if crs.north_east() {
        (b, a, d, c)
    } else {
        (a, b, c, d)
    };
    if crs.is_geographic() && (min_y < -90.0 || max_y > 90.0) {
        return Err(bad("latitude outside [-90, 90]"));
    }
    BBox::new(min_x, min_y, max_x, max_y, crs).map_err(|why| bad(&why))
}

/// `datetime`: an RFC 3339 instant (or a date), or an interval `start/end` whose open ends are
/// `..` or empty. A date as an instant covers the whole day; as an interval end it is inclusive.
pub fn parse_datetime(raw: &str) -> Result<DatetimeInterval, ApiError> {
    let bad = |why: &str| ApiError::bad_request(format!("invalid datetime '{raw}': {why}"));
    let t = raw.trim();
    if let Some((start, end)) = t.split_once('/') {
        let start = parse_end(start, false).map_err(|w| bad(&w))?;
        let end = parse_end(end, true).map_err(|w| bad(&w))?;
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            return Err(bad("start is after end"));
        }
        return Ok(DatetimeInterval { start, end });
    }
    if t.is_empty() || t == ".." {
        return Err(bad("an instant must be a date-time or a date"));
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        let d = d.with_timezone(&Utc);
        return Ok(DatetimeInterval {
            start: Some(d),
            end: Some(d),
        });
    }
    let day = parse_date(t).map_err(|w| bad(&w))?;
    Ok(DatetimeInterval {
        start: Some(day_start(day)),
        end: Some(day_end(day)),
    })
}

fn parse_end(s: &str, is_end: bool) -> Result<Option<DateTime<Utc>>, String> {
    let s = s.trim();
    if s.is_empty() || s == ".." {
        return Ok(None);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(d.with_timezone(&Utc)));
    }
    let day = parse_date(s)?;
    Ok(Some(if is_end { day_end(day) } else { day_start(day) }))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is neither an RFC 3339 date-time nor a date (YYYY-MM-DD)"))
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

fn day_end(d: NaiveDate) -> DateTime<Utc> {
    let last = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap_or(NaiveTime::MIN);
    d.and_time(last).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_clamped_and_checked() {
        assert_eq!(parse_limit(None, 10, 100).unwrap(), 10);
        assert_eq!(parse_limit(Some("500"), 10, 100).unwrap(), 100);
        assert!(parse_limit(Some("0"), 10, 100).is_err());
        assert!(parse_limit(Some("-1"), 10, 100).is_err());
        assert!(parse_limit(Some("1.5"), 10, 100).is_err());
    }

    #[test]
    fn bbox_follows_the_crs_axis_order() {
        let b = parse_bbox("7,45,8,46", Crs::Crs84).unwrap();
        assert_eq!((b.min_x, b.min_y, b.max_x, b.max_y), (7.0, 45.0, 8.0, 46.0));
        let b = parse_bbox("45,7,46,8", Crs::Epsg(4326)).unwrap();
        assert_eq!((b.min_x, b.min_y, b.max_x, b.max_y), (7.0, 45.0, 8.0, 46.0));
        assert!(parse_bbox("1,2,3", Crs::Crs84).is_err());
        assert!(
            parse_bbox("1,2,0,3,4,5", Crs::Crs84)
                .unwrap_err()
                .detail
                .contains("6 numbers")
        );
        assert!(parse_bbox("8,45,7,46", Crs::Crs84).is_err());
        assert!(parse_bbox("a,b,c,d", Crs::Crs84).is_err());
        assert!(parse_bbox("0,-91,1,0", Crs::Crs84).is_err());
    }

    #[test]
    fn datetime_instants_and_intervals() {
        let i = parse_datetime("2024-01-02T03:04:05Z").unwrap();
        assert_eq!(i.start, i.end);
        let i = parse_datetime("2024-01-01/..").unwrap();
        assert!(i.start.is_some() && i.end.is_none());
        let i = parse_datetime("../2024-01-01").unwrap();
        assert_eq!(
            i.end.unwrap().to_rfc3339(),
            "2024-01-01T23:59:59.999999999+00:00"
        );
        assert!(parse_datetime("2024-02-30").is_err());
        assert!(parse_datetime("2024-01-02/2024-01-01").is_err());
        assert!(parse_datetime("yesterday").is_err());
    }

    #[test]
    fn repeated_and_unknown_parameters_are_rejected() {
        assert!(QueryParams::parse("limit=1&limit=2").is_err());
        let p = QueryParams::parse("foo=1&limit=2").unwrap();
        let e = p.reject_unknown(&["limit"]).unwrap_err();
        assert_eq!(e.detail, "unknown query parameter 'foo'; allowed: limit");
    }
}
