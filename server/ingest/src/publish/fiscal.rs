//! The fiscal register layers: IMU declarations (one feature per declared property, linked to
//! its unit and to the declarant's SOG subject), F24 IMU payments and the cadastral surfaces
//! supplied for TARI.

use chrono::NaiveDate;
use segit_query::{Crs, GeometryType, PropertyType, Value};

use super::cadastre::UniqueIds;
use super::registers::{next_day, person_link, unit_link, written};
use super::schema::{collection, link_props, p};
use super::values::{feature, int, opt_date, opt_num, opt_text, text};
use super::{Layer, dated, snapshot};
use crate::history::Scope;
use crate::link::{LinkRates, Linker};
use crate::pipeline::SupplyData;

use PropertyType::{Date, Integer, Number, Text};

pub(super) fn imu(
    data: &SupplyData,
    linker: &Linker,
    crs: Crs,
    ids: &mut UniqueIds,
    rates: &mut LinkRates,
) -> Layer {
    let mut props = vec![
        p("declarant_cf", Text, "Declarant's codice fiscale")
            .personal()
            .required(),
        p("declarant_name", Text, "Declarant's surname or name").personal(),
        p("declaration_year", Integer, "Year of the declaration").required(),
        p("tax_period", Integer, "First tax year concerned").required(),
        p("ordinal", Integer, "Declaration number").required(),
        p("position", Integer, "Position in the declaration").required(),
        p("characteristic", Text, "Characteristic of the property"),
        p("address_text", Text, "Address as written"),
        p("category", Text, "Category"),
        p("taxable_base_eur", Integer, "Taxable base in euro"),
        p("possession_percent", Number, "Possession in per cent"),
        p("exemption", Text, "Exemption"),
        p("reduction", Text, "Reduction (field 26)"),
        p(
            "declared_unit_key",
            Text,
            "Unit key as declared (also when it names no unit)",
        ),
        p(
            "registration_protocol",
            Text,
            "Registration protocol (field 19)",
        ),
        p("registration_year", Integer, "Registration year (field 20)"),
    ];
    props.extend(link_props("unit_key", "the unit declared"));
    props.extend(link_props(
        "declarant_subject",
        "the SOG subject of the declarant",
    ));
    let c = collection(
        "imu_declarations",
        "IMU declarations",
        "One feature per property of an IMU declaration, valid from 1 January of its tax \
         period.",
        GeometryType::None,
        crs,
        props,
    );
    let mut features = Vec::new();
    for l in &data.registers.imu {
        let d = &l.record;
        let from = NaiveDate::from_ymd_opt(d.tax_period, 1, 1).unwrap_or_default();
        for pos in &d.positions {
            let mut values = vec![
                text(d.declarant.as_written()),
                opt_text(Some(&d.surname_or_name)),
                int(d.declaration_year),
                int(d.tax_period),
                int(d.ordinal),
                int(pos.order),
                written(&pos.characteristic),
                opt_text(pos.address_text.as_deref()),
                opt_text(pos.category.map(|c| c.to_string())),
                int(pos.taxable_base_eur),
                opt_num(Some(pos.possession_percent)),
                written(&pos.exemption),
                written(&pos.reduction),
                opt_text(pos.property.as_ref().map(ToString::to_string)),
                opt_text(pos.registration_protocol.as_deref()),
                pos.registration_year.map_or(Value::Null, int),
            ];
            values.extend(unit_link(
                linker,
                rates,
                "imu declarations",
                pos.property.as_ref(),
                None,
                None,
            ));
            let names = (
                d.surname_or_name.as_str(),
                d.given_name.as_deref(),
                d.birth_date,
            );
            values.extend(person_link(
                linker,
                rates,
                "imu declarations",
                &d.declarant,
                Some(names),
            ));
            let id = ids.take(format!(
                "{}/{}/{}/{}",
                d.declarant.as_written(),
                d.declaration_year,
                d.ordinal,
                pos.order
            ));
            features.push(feature(&c, id, None, values, from, None));
        }
    }
    dated(c, None, features)
}

pub(super) fn f24(data: &SupplyData, crs: Crs, ids: &mut UniqueIds) -> Layer {
    let c = collection(
        "f24_payments",
        "F24 IMU payments",
        "IMU payments by F24, each valid on its payment date.",
        GeometryType::None,
        crs,
        vec![
            p("payment_id", Text, "Payment id").required(),
            p("payer_cf", Text, "Payer's codice fiscale")
                .personal()
                .required(),
            p("tax_year", Integer, "Tax year").required(),
            p("tax_code", Text, "Tribute code (codice tributo)").required(),
            p("amount_eur", Number, "Amount in euro").required(),
            p("instalment", Text, "acconto, saldo or unica"),
            p("payment_date", Date, "Payment date").required(),
        ],
    );
    let features = data
        .registers
        .f24
        .iter()
        .map(|l| {
            let f = &l.record;
            let values = vec![
                text(f.payment_id.clone()),
                text(f.payer.as_written()),
                int(f.tax_year),
                text(f.tax_code.clone()),
                opt_num(Some(f.amount_eur)),
                written(&f.instalment),
                Value::Date(f.payment_date),
            ];
            let id = ids.take(format!("{}/{}", f.payment_id, f.tax_code));
            feature(
                &c,
                id,
                None,
                values,
                f.payment_date,
                Some(next_day(f.payment_date)),
            )
        })
        .collect();
    dated(c, None, features)
}

pub(super) fn surfaces(
    data: &SupplyData,
    linker: &Linker,
    crs: Crs,
    supply_date: NaiveDate,
    rates: &mut LinkRates,
) -> Layer {
    let mut props = vec![
        p("surface_key", Text, "Belfiore/property id").required(),
        p("category", Text, "Category").required(),
        p("total_m2", Integer, "Cadastral surface in m²").required(),
        p(
            "excluding_uncovered_m2",
            Integer,
            "Surface excluding uncovered areas in m²",
        ),
        p("polygons", Integer, "Room polygons"),
        p("reference_date", Date, "Reference date"),
        p("source", Text, "Source"),
    ];
    props.extend(link_props("unit_key", "the unit"));
    let c = collection(
        "cadastral_surfaces",
        "Cadastral surfaces for TARI",
        "Cadastral surfaces (DPR 138/1998) of the units, as supplied for TARI.",
        GeometryType::None,
        crs,
        props,
    );
    let features = data
        .registers
        .surfaces
        .iter()
        .map(|l| {
            let s = &l.record;
            let key = format!("{}/{}", s.belfiore, s.age_property_id);
            let mut values = vec![
                text(key.clone()),
                text(s.category.to_string()),
                int(s.total_m2),
                int(s.excluding_uncovered_m2),
                int(s.polygons.len()),
                opt_date(s.reference_date),
                opt_text(Some(&s.source)),
            ];
            values.extend(unit_link(
                linker,
                rates,
                "surfaces",
                Some(&s.unit_key),
                None,
                None,
            ));
            feature(&c, key, None, values, supply_date, None)
        })
        .collect();
    snapshot(c, "surface_key", Scope::All, features)
}
