//! The register layers: residents, TARI, utilities, leases, deeds, IMU declarations, F24
//! payments and cadastral surfaces, each record linked to its unit (rules-catalogue.md
//! "Linking to a unit": unit key or alias 1.0, parcel + internal 0.8, address + internal 0.7;
//! text addresses resolved through the street register). IMU, F24 and cadastral surfaces are
//! in [`super::fiscal`]; the territorial layers (streets, house numbers, OMI, microzones,
//! topographic buildings) in [`super::territory`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use segit_model::{AddressKey, DeedProperty, ParcelKey, TaxId, UnitKey};
use segit_query::{Crs, GeometryType, PropertyType, Value};
use serde::Serialize;

use super::cadastre::{MapParcel, UniqueIds};
use super::schema::{collection, link_props, p};
use super::values::{feature, int, link_values, opt_date, opt_int, opt_num, opt_text, text};
use super::{Flow, Layer, chunked, dated, fiscal, territory};
use crate::link::{Link, LinkRates, Linker};
use crate::pipeline::{Registers, SourceKind, SupplyData};

use PropertyType::{Date, Integer, Number, Text};

/// The written form of a serde enum (`"domestic"`, `"E"` …).
pub(crate) fn written<T: Serialize>(v: &T) -> Value {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Value::Text(s),
        Ok(serde_json::Value::Null) | Err(_) => Value::Null,
        Ok(other) => Value::Text(other.to_string()),
    }
}

/// The day after `d` (an inclusive end becomes an exclusive one).
pub(super) fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

/// A unit link as the three link values, recording the rate of `source`.
pub(super) fn unit_link(
    linker: &Linker,
    rates: &mut LinkRates,
    source: &str,
    key: Option<&UnitKey>,
    address: Option<&AddressKey>,
    internal: Option<&str>,
) -> [Value; 3] {
    let link = linker.units.link(key, address, internal);
    rates.record(source, "unit", link.as_ref().map(|l| l.method));
    let link = link.and_then(|l| {
        linker
            .units
            .canonical(l.target)
            .map(|k| Link::new(k.clone(), l.method))
    });
    link_values(link.as_ref(), |k| text(k.to_string()))
}

/// A person link (codice fiscale, else surname + given name + birth date) as the three link
/// values, recording the rate of `source`.
pub(super) fn person_link(
    linker: &Linker,
    rates: &mut LinkRates,
    source: &str,
    cf: &TaxId,
    names: Option<(&str, Option<&str>, Option<NaiveDate>)>,
) -> [Value; 3] {
    let (surname, given, birth) = names.map_or((None, None, None), |(s, g, b)| (Some(s), g, b));
    let link = linker.persons.link(Some(cf), surname, given, birth);
    rates.record(source, "subject", link.as_ref().map(|l| l.method));
    link_values(link.as_ref(), |k| text(k.clone()))
}

/// An address key given by the source, else resolved from its text.
pub(super) fn address_of(
    linker: &Linker,
    rates: &mut LinkRates,
    source: &str,
    key: Option<&AddressKey>,
    text_address: Option<&str>,
) -> Option<Link<AddressKey>> {
    let link = match key {
        Some(k) => Some(Link::new(k.clone(), crate::link::LinkMethod::SourceKey)),
        None => text_address
            .and_then(|t| linker.streets.resolve_text(t))
            .map(|(r, _)| Link::new(r.key, r.method)),
    };
    rates.record(source, "address", link.as_ref().map(|l| l.method));
    link
}

/// The register layers fed by the sources `read`: each source is read from `flow` just
/// before its layer is built, the layer handed to `flow`, the records dropped.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn layers<F: Flow>(
    data: &mut SupplyData,
    read: &BTreeSet<SourceKind>,
    map: &BTreeMap<ParcelKey, MapParcel>,
    linker: &Linker,
    crs: Crs,
    supply_date: NaiveDate,
    rates: &mut LinkRates,
    flow: &mut F,
) -> Result<(), F::Error> {
    // the large registers are read, built and written chunk by chunk
    let mut chunks = RegisterChunks {
        flow: &mut *flow,
        data: &mut *data,
        read,
        rates: &mut *rates,
    };
    chunks
        .publish(
            SourceKind::Residents,
            |d, ids, r| residents(d, linker, crs, ids, r),
            |g| g.residents.clear(),
        )
        .await?;
    chunks.flow.read_through(SourceKind::Deaths, chunks.data);
    if read.contains(&SourceKind::Deaths) {
        let layer = deaths(chunks.data, linker, crs, chunks.rates);
        chunks.data.registers.deaths = Vec::new();
        chunks.flow.emit(layer).await?;
    }
    chunks
        .publish(
            SourceKind::Tari,
            |d, ids, r| tari(d, linker, crs, ids, r),
            |g| g.tari.clear(),
        )
        .await?;
    chunks
        .publish(
            SourceKind::Utility,
            |d, ids, r| utilities(d, linker, crs, ids, r),
            |g| g.utilities.clear(),
        )
        .await?;
    chunks
        .publish(
            SourceKind::Leases,
            |d, ids, r| leases(d, linker, crs, ids, r),
            |g| g.leases.clear(),
        )
        .await?;
    chunks
        .publish(
            SourceKind::Deeds,
            |d, ids, r| deeds(d, linker, crs, ids, r),
            |g| g.deeds.clear(),
        )
        .await?;
    chunks
        .publish(
            SourceKind::ImuDeclarations,
            |d, ids, r| fiscal::imu(d, linker, crs, ids, r),
            |g| g.imu.clear(),
        )
        .await?;
    chunks
        .publish(
            SourceKind::F24,
            |d, ids, _| fiscal::f24(d, crs, ids),
            |g| g.f24.clear(),
        )
        .await?;
    chunks
        .publish(
            SourceKind::CadastralSurface,
            |d, _, r| fiscal::surfaces(d, linker, crs, supply_date, r),
            |g| g.surfaces.clear(),
        )
        .await?;
    // the territorial layers (and every file left)
    flow.read_through(SourceKind::Parameters, data);
    for layer in territory::layers(data, read, map, crs, supply_date, rates) {
        flow.emit(layer).await?;
    }
    Ok(())
}

/// Publishes the register layers built chunk by chunk.
struct RegisterChunks<'a, F> {
    flow: &'a mut F,
    data: &'a mut SupplyData,
    read: &'a BTreeSet<SourceKind>,
    rates: &'a mut LinkRates,
}

impl<F: Flow> RegisterChunks<'_, F> {
    /// When the supply has files of `kind`: publishes the layer `build` makes of the records
    /// of each chunk (ids kept unique across chunks), then lets `clear` drop them.
    async fn publish(
        &mut self,
        kind: SourceKind,
        mut build: impl FnMut(&SupplyData, &mut UniqueIds, &mut LinkRates) -> Layer,
        clear: fn(&mut Registers),
    ) -> Result<(), F::Error> {
        if !self.read.contains(&kind) {
            return Ok(());
        }
        let mut ids = UniqueIds::default();
        let rates = &mut *self.rates;
        chunked(&mut *self.flow, &mut *self.data, kind, |data| {
            let layer = build(data, &mut ids, rates);
            clear(&mut data.registers);
            layer
        })
        .await
    }
}

fn residents(
    data: &SupplyData,
    linker: &Linker,
    crs: Crs,
    ids: &mut UniqueIds,
    rates: &mut LinkRates,
) -> Layer {
    let mut props = vec![
        p("person_cf", Text, "Codice fiscale").personal().required(),
        p("household_id", Text, "Household id (scheda di famiglia)").personal(),
        p(
            "relationship",
            Text,
            "Relationship to the head of the household",
        )
        .personal(),
        p("address_key", Text, "Registered address").required(),
        p("staircase", Text, "Staircase"),
        p("floor", Text, "Floor"),
        p("internal", Text, "Internal number").personal(),
        p("birth_date", Date, "Birth date").personal(),
        p("sex", Text, "Sex: M or F").personal(),
        p("citizenship", Text, "Citizenship (ISO 3166-1 alpha-2)").personal(),
        p("line", Integer, "Line of the source file"),
    ];
    props.extend(link_props("unit_key", "the unit lived in"));
    props.extend(link_props("subject", "the SOG subject of the resident"));
    let c = collection(
        "residents",
        "Residents (anagrafe)",
        "Residents of the civil registry at their address, from from_date (included) to \
         to_date (excluded), linked to a unit by unit key, else address + internal number.",
        GeometryType::None,
        crs,
        props,
    );
    let features = data
        .registers
        .residents
        .iter()
        .map(|l| {
            let r = &l.record;
            let (a, d) = (&r.address, r.details());
            let mut values = vec![
                text(r.person.as_written()),
                opt_text(Some(&r.household_id)),
                written(&d.relationship),
                text(a.key.to_string()),
                opt_text(d.staircase.as_deref()),
                opt_text(d.floor.as_deref()),
                opt_text(a.internal.as_deref()),
                opt_date(d.birth_date),
                opt_text(d.sex.map(|s| s.letter().to_string())),
                opt_text(d.citizenship.as_deref()),
                int(l.line),
            ];
            values.extend(unit_link(
                linker,
                rates,
                "residents",
                r.unit_key.as_ref(),
                Some(&a.key),
                a.internal.as_deref(),
            ));
            values.extend(person_link(linker, rates, "residents", &r.person, None));
            let from = r.residence.from();
            let id = ids.take(format!("{}@{from}", r.person.as_written()));
            feature(&c, id, None, values, from, r.residence.to())
        })
        .collect();
    dated(c, None, features)
}

fn deaths(data: &SupplyData, linker: &Linker, crs: Crs, rates: &mut LinkRates) -> Layer {
    let mut props = vec![
        p("person_cf", Text, "Codice fiscale of the deceased")
            .personal()
            .required(),
        p("death_date", Date, "Date of death").personal().required(),
        p("record_id", Text, "Civil-registry act number").personal(),
        p("line", Integer, "Line of the source file"),
    ];
    props.extend(link_props("subject", "the SOG subject of the deceased"));
    let c = collection(
        "deaths",
        "Deaths (anagrafe)",
        "Deaths recorded by the civil registry (project convention anagrafe/deaths.csv), valid \
         from the date of death.",
        GeometryType::None,
        crs,
        props,
    );
    let mut ids = UniqueIds::default();
    let features = data
        .registers
        .deaths
        .iter()
        .map(|l| {
            let d = &l.record;
            let mut values = vec![
                text(d.person.as_written()),
                Value::Date(d.date),
                opt_text(d.record_id.as_deref()),
                int(l.line),
            ];
            values.extend(person_link(linker, rates, "deaths", &d.person, None));
            let id = ids.take(d.person.as_written().to_owned());
            feature(&c, id, None, values, d.date, None)
        })
        .collect();
    dated(c, None, features)
}

fn tari(
    data: &SupplyData,
    linker: &Linker,
    crs: Crs,
    ids: &mut UniqueIds,
    rates: &mut LinkRates,
) -> Layer {
    let mut props = vec![
        p("account_id", Text, "Account id").required(),
        p("premises_seq", Integer, "Premises number").required(),
        p("payer_cf", Text, "Payer's codice fiscale or VAT number")
            .personal()
            .required(),
        p("user_type", Text, "domestic or non_domestic").required(),
        p("tariff_class", Text, "Activity class (DPR 158/1999)"),
        p("occupants", Integer, "Declared occupants"),
        p("address_text", Text, "Premises address as written"),
        p("staircase", Text, "Staircase"),
        p("floor", Text, "Floor"),
        p("internal", Text, "Internal number"),
        p("unit_keys", Text, "Covered unit keys, comma-separated"),
        p("declared_m2", Integer, "Declared taxable surface in m²").required(),
        p("start_date", Date, "First day of occupation").required(),
        p("end_date", Date, "Last day of occupation (included)"),
        p("reduction", Text, "Reduction code"),
    ];
    props.extend(link_props("address_key", "the premises address"));
    props.extend(link_props("unit_key", "the (first) unit covered"));
    props.extend(link_props("payer_subject", "the SOG subject of the payer"));
    let c = collection(
        "tari_positions",
        "TARI premises (waste tax)",
        "Premises of the TARI register, valid from start_date to end_date (both included; \
         valid_to is the day after end_date).",
        GeometryType::None,
        crs,
        props,
    );
    let features = data
        .registers
        .tari
        .iter()
        .map(|l| {
            let t = &l.record;
            let keys: Vec<String> = t.unit_keys.iter().map(UnitKey::to_string).collect();
            let mut values = vec![
                text(t.account_id.clone()),
                int(t.premises_seq),
                text(t.payer.as_written()),
                written(&t.user_type),
                opt_text(t.tariff_class.as_deref()),
                opt_int(t.occupants),
                opt_text(t.address_text.as_deref()),
                opt_text(t.staircase()),
                opt_text(t.floor()),
                opt_text(t.internal.as_deref()),
                opt_text((!keys.is_empty()).then(|| keys.join(","))),
                int(t.declared_m2),
                Value::Date(t.period.first()),
                opt_date(t.period.last()),
                opt_text(t.reduction()),
            ];
            let address = address_of(
                linker,
                rates,
                "tari",
                t.address_key.as_ref(),
                t.address_text.as_deref(),
            );
            values.extend(link_values(address.as_ref(), |k| text(k.to_string())));
            values.extend(unit_link(
                linker,
                rates,
                "tari",
                t.unit_keys.first(),
                address.as_ref().map(|a| &a.target),
                t.internal.as_deref(),
            ));
            values.extend(person_link(linker, rates, "tari", &t.payer, None));
            let v = t.period.to_validity();
            let id = ids.take(format!("{}/{}@{}", t.account_id, t.premises_seq, v.from()));
            feature(&c, id, None, values, v.from(), v.to())
        })
        .collect();
    dated(c, None, features)
}

fn utilities(
    data: &SupplyData,
    linker: &Linker,
    crs: Crs,
    ids: &mut UniqueIds,
    rates: &mut LinkRates,
) -> Layer {
    let mut props = vec![
        p("utility", Text, "electricity, gas or water").required(),
        p("supply_point", Text, "Supply point (POD/PDR/meter)").required(),
        p("holder_cf", Text, "Holder's codice fiscale").personal(),
        p("holder_type", Text, "Holder type"),
        p("use_type", Text, "Use type"),
        p("address_text", Text, "Supply address as written"),
        p("year", Integer, "Year of the consumption").required(),
        p(
            "billed_consumption",
            Number,
            "Billed consumption (kWh, Sm³, m³)",
        ),
        p("billed_amount", Number, "Billed amount in euro"),
        p("contract_start", Date, "Contract start").required(),
        p("contract_end", Date, "Contract end (included)"),
    ];
    props.extend(link_props("address_key", "the supply address"));
    props.extend(link_props("unit_key", "the unit supplied"));
    let c = collection(
        "utilities",
        "Utility contracts (utenze)",
        "Electricity, gas and water contracts with the yearly consumption, valid from the \
         contract start to its end (included).",
        GeometryType::None,
        crs,
        props,
    );
    let features = data
        .registers
        .utilities
        .iter()
        .map(|l| {
            let u = &l.record;
            let utility = written(&u.utility);
            let mut values = vec![
                utility.clone(),
                text(u.supply_point.clone()),
                opt_text(u.holder.as_ref().map(TaxId::as_written)),
                written(&u.holder_type),
                written(&u.use_type),
                opt_text(u.address_text.as_deref()),
                int(u.year),
                opt_num(u.billed_consumption),
                opt_num(u.billed_amount),
                Value::Date(u.contract.first()),
                opt_date(u.contract.last()),
            ];
            let address = address_of(
                linker,
                rates,
                "utilities",
                u.address_key.as_ref(),
                u.address_text.as_deref(),
            );
            let internal = u
                .address_text
                .as_deref()
                .and_then(|t| segit_model::TextAddress::parse(t).ok())
                .and_then(|a| a.internal);
            values.extend(link_values(address.as_ref(), |k| text(k.to_string())));
            values.extend(unit_link(
                linker,
                rates,
                "utilities",
                u.unit_key.as_ref(),
                address.as_ref().map(|a| &a.target),
                internal.as_deref(),
            ));
            let v = u.contract.to_validity();
            let name = match &utility {
                Value::Text(t) => t.clone(),
                _ => String::new(),
            };
            let id = ids.take(format!("{name}/{}/{}", u.supply_point, u.year));
            feature(&c, id, None, values, v.from(), v.to())
        })
        .collect();
    dated(c, None, features)
}

fn leases(
    data: &SupplyData,
    linker: &Linker,
    crs: Crs,
    ids: &mut UniqueIds,
    rates: &mut LinkRates,
) -> Layer {
    let mut props = vec![
        p("contract_id", Text, "Registration id of the contract").required(),
        p("lease_type", Text, "Lease type"),
        p("annual_rent", Number, "Annual rent in euro"),
        p(
            "landlords_cf",
            Text,
            "Landlords' codici fiscali, comma-separated",
        )
        .personal(),
        p(
            "tenants_cf",
            Text,
            "Tenants' codici fiscali, comma-separated",
        )
        .personal(),
        p("unit_keys", Text, "Leased unit keys, comma-separated"),
        p("start_date", Date, "Start").required(),
        p("end_date", Date, "End (included)").required(),
        p("termination_date", Date, "Early termination (included)"),
        p("registration_date", Date, "Registration"),
    ];
    props.extend(link_props("unit_key", "the (first) unit leased"));
    let c = collection(
        "leases",
        "Registered leases (locazioni)",
        "Lease contracts registered with the Agenzia, valid from start_date to the earlier of \
         end_date and termination_date (both included).",
        GeometryType::None,
        crs,
        props,
    );
    let features = data
        .registers
        .leases
        .iter()
        .map(|l| {
            let x = &l.record;
            let cfs = |v: Vec<&str>| opt_text((!v.is_empty()).then(|| v.join(",")));
            let keys: Vec<String> = x.units.iter().map(|u| u.unit_key.to_string()).collect();
            let mut values = vec![
                text(x.contract_id.clone()),
                written(&x.lease_type),
                opt_num(Some(x.annual_rent)),
                cfs(x.landlords.iter().map(|p| p.cf.as_written()).collect()),
                cfs(x.tenants.iter().map(|p| p.cf.as_written()).collect()),
                opt_text((!keys.is_empty()).then(|| keys.join(","))),
                Value::Date(x.start_date),
                Value::Date(x.end_date),
                opt_date(x.termination_date),
                Value::Date(x.registration_date),
            ];
            values.extend(unit_link(
                linker,
                rates,
                "leases",
                x.units.first().map(|u| &u.unit_key),
                None,
                None,
            ));
            let last = x.termination_date.map_or(x.end_date, |t| t.min(x.end_date));
            let to = next_day(last).max(x.start_date);
            let id = ids.take(x.contract_id.clone());
            feature(&c, id, None, values, x.start_date, Some(to))
        })
        .collect();
    dated(c, None, features)
}

fn deeds(
    data: &SupplyData,
    linker: &Linker,
    crs: Crs,
    ids: &mut UniqueIds,
    rates: &mut LinkRates,
) -> Layer {
    let mut props = vec![
        p("deed_id", Text, "Deed id").required(),
        p("deed_type", Text, "Deed type"),
        p("declared_price", Number, "Declared price in euro"),
        p(
            "parties_cf",
            Text,
            "Parties' codici fiscali, comma-separated",
        )
        .personal(),
        p(
            "properties",
            Text,
            "Unit or parcel keys transferred, comma-separated",
        ),
        p("deed_date", Date, "Date of the deed").required(),
        p("registration_date", Date, "Registration"),
    ];
    props.extend(link_props("unit_key", "the (first) unit transferred"));
    let c = collection(
        "deeds",
        "Transfer deeds (atti di compravendita)",
        "Sales and other transfers; each is valid on its deed date only.",
        GeometryType::None,
        crs,
        props,
    );
    let features = data
        .registers
        .deeds
        .iter()
        .map(|l| {
            let d = &l.record;
            let parties: Vec<&str> = d.parties.iter().map(|p| p.cf.as_written()).collect();
            let keys: Vec<String> = d
                .units
                .iter()
                .map(|u| match u {
                    DeedProperty::Unit { unit_key, .. } => unit_key.to_string(),
                    DeedProperty::Parcel { parcel_key, .. } => parcel_key.to_string(),
                })
                .collect();
            let first_unit = d.units.iter().find_map(|u| match u {
                DeedProperty::Unit { unit_key, .. } => Some(unit_key),
                DeedProperty::Parcel { .. } => None,
            });
            let mut values = vec![
                text(d.deed_id.clone()),
                opt_text(Some(&d.deed_type)),
                opt_num(d.declared_price),
                opt_text((!parties.is_empty()).then(|| parties.join(","))),
                opt_text((!keys.is_empty()).then(|| keys.join(","))),
                Value::Date(d.deed_date),
                Value::Date(d.registration_date),
            ];
            values.extend(unit_link(linker, rates, "deeds", first_unit, None, None));
            let id = ids.take(d.deed_id.to_string());
            feature(
                &c,
                id,
                None,
                values,
                d.deed_date,
                Some(next_day(d.deed_date)),
            )
        })
        .collect();
    dated(c, None, features)
}
