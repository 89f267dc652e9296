//! Bound parameters of generated statements.
//!
//! Builders never splice values into SQL text: they push a [`SqlParam`] into an [`SqlBuilder`]
//! and write its placeholder (`$n`), always with an explicit cast so the statement's parameter
//! types do not depend on inference.

use std::error::Error;

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, Utc};
use postgres_types::{IsNull, ToSql, Type};
use segit_query::Value;

/// One bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlParam {
    /// boolean
    Bool(bool),
    /// bigint
    Int(i64),
    /// double precision
    Float(f64),
    /// text
    Text(String),
    /// date
    Date(NaiveDate),
    /// timestamptz
    DateTime(DateTime<Utc>),
    /// bytea (WKB geometry literals)
    Bytes(Vec<u8>),
}

impl SqlParam {
    /// The cast written after the placeholder.
    pub fn cast(&self) -> &'static str {
        match self {
            SqlParam::Bool(_) => "boolean",
            SqlParam::Int(_) => "bigint",
            SqlParam::Float(_) => "double precision",
            SqlParam::Text(_) => "text",
            SqlParam::Date(_) => "date",
            SqlParam::DateTime(_) => "timestamptz",
            SqlParam::Bytes(_) => "bytea",
        }
    }

    /// The parameter holding a non-null property value; `None` for [`Value::Null`].
    pub fn from_value(v: &Value) -> Option<SqlParam> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(b) => SqlParam::Bool(*b),
            Value::Int(i) => SqlParam::Int(*i),
            Value::Float(f) => SqlParam::Float(*f),
            Value::Text(t) => SqlParam::Text(t.clone()),
            Value::Date(d) => SqlParam::Date(*d),
            Value::DateTime(d) => SqlParam::DateTime(*d),
        })
    }
}

impl ToSql for SqlParam {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            SqlParam::Bool(v) => v.to_sql(ty, out),
            SqlParam::Int(v) => v.to_sql(ty, out),
            SqlParam::Float(v) => v.to_sql(ty, out),
            SqlParam::Text(v) => v.to_sql(ty, out),
            SqlParam::Date(v) => v.to_sql(ty, out),
            SqlParam::DateTime(v) => v.to_sql(ty, out),
            SqlParam::Bytes(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        // checked per value in `to_sql_checked`
        true
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            SqlParam::Bool(v) => v.to_sql_checked(ty, out),
            SqlParam::Int(v) => v.to_sql_checked(ty, out),
            SqlParam::Float(v) => v.to_sql_checked(ty, out),
            SqlParam::Text(v) => v.to_sql_checked(ty, out),
            SqlParam::Date(v) => v.to_sql_checked(ty, out),
            SqlParam::DateTime(v) => v.to_sql_checked(ty, out),
            SqlParam::Bytes(v) => v.to_sql_checked(ty, out),
        }
    }
}

/// A statement under construction: SQL text plus its bound values, in placeholder order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SqlBuilder {
    /// SQL text
    pub text: String,
    /// values of `$1`, `$2`, …
    pub params: Vec<SqlParam>,
}

impl SqlBuilder {
    /// Binds `p` and returns its cast placeholder (`$3::bigint`).
    pub fn bind(&mut self, p: SqlParam) -> String {
        let cast = p.cast();
        self.params.push(p);
        format!("${}::{cast}", self.params.len())
    }

    /// Appends SQL text.
    pub fn push(&mut self, sql: &str) {
        self.text.push_str(sql);
    }

    /// The parameters as the slice `query_raw` expects.
    pub fn param_refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p as &(dyn ToSql + Sync))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_and_cast() {
        let mut b = SqlBuilder::default();
        assert_eq!(b.bind(SqlParam::Int(3)), "$1::bigint");
        assert_eq!(b.bind(SqlParam::Text("x".into())), "$2::text");
        assert_eq!(b.bind(SqlParam::Bytes(vec![1])), "$3::bytea");
        assert_eq!(b.params.len(), 3);
        assert_eq!(b.param_refs().len(), 3);
    }

    #[test]
    fn null_values_have_no_parameter() {
        assert_eq!(SqlParam::from_value(&Value::Null), None);
        assert_eq!(
            SqlParam::from_value(&Value::Float(1.5)),
            Some(SqlParam::Float(1.5))
        );
    }

    #[test]
    fn encoding_checks_the_target_type() {
        let mut out = BytesMut::new();
        assert!(
            SqlParam::Int(1)
                .to_sql_checked(&Type::INT8, &mut out)
                .is_ok()
        );
        assert!(
            SqlParam::Int(1)
                .to_sql_checked(&Type::TEXT, &mut out)
                .is_err()
        );
    }
}
