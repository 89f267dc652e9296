//! Query parameters of `/collections/{id}/items` → a validated [`FeatureQuery`], and the
//! paging links of the answer.

use actix_web::HttpRequest;
use segit_query::{CmpOp, Collection, Crs, FeatureQuery, Filter, Identity, QueryStats, Value};

use crate::common::config::ServiceConfig;
use crate::common::error::ApiError;
use crate::common::links::{GEOJSON, HTML, Link, with_query};
use crate::common::negotiate::Format;
use crate::common::params::{
    QueryParams, parse_bbox, parse_crs, parse_datetime, parse_limit, parse_offset,
};

/// Parameters of the items resource other than property filters.
pub const ITEMS_PARAMS: [&str; 7] = [
    "f", "bbox", "bbox-crs", "crs", "limit", "offset", "datetime",
];

/// A parsed and validated items request.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemsRequest {
    /// representation asked for
    pub format: Format,
    /// the query for the store, validated against the collection
    pub query: FeatureQuery,
    /// page size (after clamping to the maximum)
    pub limit: u64,
    /// features skipped
    pub offset: u64,
    /// CRS of returned coordinates
    pub crs: Crs,
    /// request parameters repeated in paging links (all but `f`, `limit`, `offset`)
    pub link_params: Vec<(String, String)>,
}

impl ItemsRequest {
    /// Parses the query string of `req` for `collection`.
    pub fn parse(
        req: &HttpRequest,
        collection: &Collection,
        config: &ServiceConfig,
    ) -> Result<Self, ApiError> {
        let params = QueryParams::parse(req.query_string())?;
        let mut allowed: Vec<&str> = ITEMS_PARAMS.to_vec();
        allowed.extend(collection.properties.iter().map(|p| p.name.as_str()));
        params.reject_unknown(&allowed)?;

        let format = Format::negotiate(params.get("f"), req)?;
        let limit = parse_limit(params.get("limit"), config.default_limit, config.max_limit)?;
        let offset = parse_offset(params.get("offset"))?;
        let crs = match params.get("crs") {
            Some(raw) => parse_crs("crs", raw)?,
            None => Crs::Crs84,
        };
        let bbox_crs = match params.get("bbox-crs") {
            Some(raw) => parse_crs("bbox-crs", raw)?,
            None => Crs::Crs84,
        };

        let mut query = FeatureQuery::new(collection.id.clone(), Identity::Anonymous);
        query.limit = Some(limit);
        query.offset = offset;
        query.output_crs = crs;
        query.bbox = params
            .get("bbox")
            .map(|b| parse_bbox(b, bbox_crs))
            .transpose()?;
        query.datetime = params.get("datetime").map(parse_datetime).transpose()?;
        query.filter = property_filter(&params, collection)?;
        let query = query.validate(collection)?;

        let link_params = params
            .pairs()
            .iter()
            .filter(|(n, _)| !matches!(n.as_str(), "f" | "limit" | "offset"))
            .cloned()
            .collect();
        Ok(Self {
            format,
            query,
            limit,
            offset,
            crs,
            link_params,
        })
    }

    /// URL of the page at `offset` in `format`.
    pub fn page_url(&self, items_url: &str, offset: u64, format: Format) -> String {
        let mut params = self.link_params.clone();
        params.push(("limit".into(), self.limit.to_string()));
        if offset > 0 {
            params.push(("offset".into(), offset.to_string()));
        }
        params.push(("f".into(), format.param().into()));
        with_query(items_url, &params)
    }

    /// Offset of the next page, when features remain after this one.
    pub fn next_offset(&self, stats: &QueryStats) -> Option<u64> {
        let after = self.offset.saturating_add(stats.number_returned);
        (stats.number_returned > 0 && after < stats.number_matched).then_some(after)
    }

    /// Offset of the previous page, when this one is not the first.
    pub fn prev_offset(&self) -> Option<u64> {
        (self.offset > 0).then(|| self.offset.saturating_sub(self.limit))
    }

    /// `self`, `alternate`, `next` and `prev` links of the answer as `format`.
    pub fn page_links(&self, items_url: &str, stats: &QueryStats, format: Format) -> Vec<Link> {
        let (self_type, other, other_type) = match format {
            Format::Json => (GEOJSON, Format::Html, HTML),
            Format::Html => (HTML, Format::Json, GEOJSON),
        };
        let mut links = vec![
            Link::new(
                self.page_url(items_url, self.offset, format),
                "self",
                self_type,
                "this page",
            ),
            Link::new(
                self.page_url(items_url, self.offset, other),
                "alternate",
                other_type,
                format!("this page as {}", other.param().to_ascii_uppercase()),
            ),
        ];
        if let Some(next) = self.next_offset(stats) {
            let href = self.page_url(items_url, next, format);
            links.push(Link::new(href, "next", self_type, "next page"));
        }
        if let Some(prev) = self.prev_offset() {
            let href = self.page_url(items_url, prev, format);
            links.push(Link::new(href, "prev", self_type, "previous page"));
        }
        links
    }
}

/// `name=value` parameters naming properties of `collection` become equality filters, the value
/// coerced to the property's type.
fn property_filter(
    params: &QueryParams,
    collection: &Collection,
) -> Result<Option<Filter>, ApiError> {
    let mut filter: Option<Filter> = None;
    for (name, raw) in params.pairs() {
        let Some(property) = collection.property(name) else {
            continue;
        };
        if ITEMS_PARAMS.contains(&name.as_str()) {
            continue;
        }
        let value = Value::Text(raw.clone())
            .coerce(property.ty)
            .map_err(|reason| {
                ApiError::bad_request(format!("invalid value for property '{name}': {reason}"))
            })?;
        let cmp = Filter::Compare {
            property: name.clone(),
            op: CmpOp::Eq,
            value,
        };
        filter = Some(match filter {
            None => cmp,
            Some(f) => f.and(cmp),
        });
    }
    Ok(filter)
}
