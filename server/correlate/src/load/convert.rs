//! One stored feature → one model entity (or one state / position of an entity grouped by
//! the loader). Values the published schema does not carry, and those no rule, index or
//! written anomaly reads, are left empty (`None`, empty texts and lists, default deeds): the
//! deeds' causes and dates, names and personal details of subjects and residents, unit
//! classes, floors and staircases are not read from the store. That keeps a city's snapshot
//! smaller and holds no personal data the rules do not need. A feature whose required values
//! are missing or malformed is an error (the loader skips and counts it).

use segit_model::{
    ActivePeriod, AddressKey, Belfiore, Building, BuildingUse, CadastralAddress, CadastralSurface,
    Category, Deed, DeedProperty, F24Payment, Foglio, HolderType, Holding, HouseNumber,
    ImuAssimilation, ImuCadastre, ImuCharacteristic, ImuExemption, ImuPosition, ImuReduction,
    Instalment, LandQuality, Landlord, Lease, LeaseType, LeasedUnit, ParcelKey, ParcelState,
    Particella, PropertyId, PropertyKind, Resident, ResidentAddress, RightCode, Share, Street,
    Subject, SubjectId, SubjectKind, TariDetails, TariPosition, TariUserType, TaxId, Tenant,
    TransferDeed, UnitIdentifiers, UnitKey, UnitState, UseType, UtilityKind, UtilitySupply,
};

use super::names::{SOURCE_KEY_METHOD, UNIT_KEY_METHODS};
use super::row::{Bad, Row};
use crate::inputs::{
    BuildableZone, BuildingOutline, Death, Footprint, HouseNumberPoint, MapParcel, Microzone,
    OmiQuotation,
};

/// `Belfiore/section/id/F|T` as written by the ingest.
pub(super) fn property_ref(text: &str) -> Result<PropertyId, Bad> {
    let bad = || format!("property_ref: malformed {text:?}");
    let parts: Vec<&str> = text.split('/').collect();
    let [belfiore, section, id, kind] = parts.as_slice() else {
        return Err(bad());
    };
    Ok(PropertyId {
        belfiore: Belfiore::parse(belfiore).map_err(|e| e.to_string())?,
        section: segit_model::Sezione::parse_optional(section).map_err(|e| e.to_string())?,
        id: id.parse().map_err(|_| bad())?,
        kind: match *kind {
            "F" => PropertyKind::Building,
            "T" => PropertyKind::Land,
            _ => return Err(bad()),
        },
    })
}

fn subject_kind(letter: &str) -> Result<SubjectKind, Bad> {
    match letter {
        "P" => Ok(SubjectKind::NaturalPerson),
        "G" => Ok(SubjectKind::LegalEntity),
        other => Err(format!("subject_type: unknown {other:?}")),
    }
}

/// The key a source gave for the linked unit: the link target when the link was made by the
/// unit key or one of its aliases.
fn source_unit_key(r: &Row<'_>) -> Result<Option<UnitKey>, Bad> {
    let by_key = r
        .text("unit_key_link")
        .is_some_and(|m| UNIT_KEY_METHODS.contains(&m));
    if by_key {
        r.parsed("unit_key", UnitKey::parse)
    } else {
        Ok(None)
    }
}

/// The address key a source gave (not one resolved from its text).
fn source_address_key(r: &Row<'_>) -> Result<Option<AddressKey>, Bad> {
    if r.text("address_key_link") == Some(SOURCE_KEY_METHOD) {
        r.parsed("address_key", AddressKey::parse)
    } else {
        Ok(None)
    }
}

/// A land-cadastre state with its property id.
pub(super) fn parcel_state(r: &Row<'_>) -> Result<(PropertyId, ParcelState), Bad> {
    let property = property_ref(r.req_text("property_ref")?)?;
    let state = ParcelState {
        progressive: r.req("progressive")?,
        foglio: Foglio::new(r.req("foglio")?).map_err(|e| e.to_string())?,
        particella: r.req_parsed("particella", Particella::parse)?,
        subalterno: None,
        quality: r.opt::<u16>("quality_code")?.map(LandQuality),
        class: None,
        area_m2: r.req("area_m2")?,
        dominicale_eur: r.num("reddito_dominicale"),
        agrario_eur: None,
        validity: r.validity()?,
        generating_deed: Deed::default(),
        closing_deed: None,
        partita: r.owned("special_account").map(Into::into),
        notes: None,
        initial_mutation_id: None,
        final_mutation_id: None,
        deductions: Vec::new(),
        reserves: Vec::new(),
        portions: Vec::new(),
    };
    Ok((property, state))
}

/// What the loader knows of a street of the register, to rebuild a unit's cadastral address.
#[derive(Debug, Clone)]
pub(super) struct StreetAlignment {
    pub(super) toponimo: Option<u16>,
    pub(super) name: String,
    pub(super) cadastral_code: Option<String>,
}

/// The unit's cadastral address: from its address key through the street register's
/// alignment when linked, else from the address as written (`NAME number`).
fn unit_address(
    r: &Row<'_>,
    streets: &std::collections::HashMap<u32, StreetAlignment>,
) -> Result<Option<CadastralAddress>, Bad> {
    if let Some(key) = r.parsed("address_key", AddressKey::parse)?
        && let Some(s) = streets.get(&key.street_code())
    {
        return Ok(Some(CadastralAddress {
            toponimo: s.toponimo,
            street_name: s.name.as_str().into(),
            civico1: Some(key.number().to_string().into()),
            civico2: key.suffix().map(Into::into),
            civico3: None,
            street_code: s.cadastral_code.as_deref().map(Into::into),
        }));
    }
    Ok(r.text("street_text").map(|t| {
        let t = t.trim();
        let (name, number) = match t.rsplit_once(' ') {
            Some((n, num)) if num.chars().all(|c| c.is_ascii_digit()) => {
                (n.trim(), Some(num.to_owned()))
            }
            _ => (t, None),
        };
        CadastralAddress {
            toponimo: None,
            street_name: name.into(),
            civico1: number.map(Into::into),
            civico2: None,
            civico3: None,
            street_code: None,
        }
    }))
}

/// A buildings-cadastre state with its property id.
pub(super) fn unit_state(
    r: &Row<'_>,
    streets: &std::collections::HashMap<u32, StreetAlignment>,
) -> Result<(PropertyId, UnitState), Bad> {
    let property = property_ref(r.req_text("property_ref")?)?;
    let canonical = r.req_parsed("unit_key", UnitKey::parse)?;
    let aliases = r
        .list("aliases")
        .into_iter()
        .map(|a| UnitKey::parse(a).map_err(|e| format!("aliases: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let identifiers = UnitIdentifiers::from_groups(std::iter::once(canonical).chain(aliases))
        .ok_or_else(|| "unit_key missing".to_owned())?;
    let state = UnitState {
        progressive: r.req("progressive")?,
        identifiers,
        census_zone: r.owned("census_zone").map(Into::into),
        category: r.parsed("category", Category::parse)?,
        surface_m2: r.opt("surface_m2")?,
        rent_eur: r.num("rent_eur"),
        internal: r.owned("internal").map(Into::into),
        validity: r.validity()?,
        generating_deed: None,
        closing_deed: None,
        partita: r.owned("special_account").map(Into::into),
        addresses: unit_address(r, streets)?.into_iter().collect(),
        details: None,
    };
    Ok((property, state))
}

/// A subject of the SOG file.
pub(super) fn subject(r: &Row<'_>) -> Result<Subject, Bad> {
    let subject_ref = r.req_text("subject_ref")?;
    let belfiore = subject_ref
        .split('/')
        .next()
        .map(Belfiore::parse)
        .transpose()
        .map_err(|e| format!("subject_ref: {e}"))?
        .ok_or_else(|| "subject_ref missing".to_owned())?;
    let tax_code = r.tax_id("codice_fiscale")?;
    Ok(Subject {
        belfiore,
        id: r.req("subject_id")?,
        kind: subject_kind(r.req_text("subject_type")?)?,
        tax_code,
        details: None,
    })
}

/// A holding of the TIT file.
pub(super) fn holding(r: &Row<'_>) -> Result<Holding, Bad> {
    let property = property_ref(r.req_text("property_ref")?)?;
    let holding_ref = r.req_text("holding_ref")?;
    // `Belfiore/holding id`, or `property/subject/start` when the supply gave no id
    let holding_id = match holding_ref.split('/').collect::<Vec<_>>().as_slice() {
        [_, id] => Some(
            id.parse()
                .map_err(|_| format!("holding_ref: malformed {holding_ref:?}"))?,
        ),
        _ => None,
    };
    let share = match (r.opt::<u64>("share_num")?, r.opt::<u64>("share_den")?) {
        (Some(n), Some(d)) => Some(Share::new(n, d).map_err(|e| format!("share: {e}"))?),
        _ => None,
    };
    Ok(Holding {
        belfiore: property.belfiore,
        holding_id,
        subject: SubjectId {
            belfiore: property.belfiore,
            id: r.req("subject_id")?,
            kind: subject_kind(r.req_text("subject_type")?)?,
        },
        property,
        right: r.req_parsed("right_code", RightCode::parse)?,
        share,
        validity: r.validity()?,
        generating_deed: None,
        closing_deed: None,
        details: None,
    })
}

/// A parcel of the maps.
pub(super) fn map_parcel(r: &Row<'_>) -> Result<MapParcel, Bad> {
    Ok(MapParcel {
        parcel_key: r.req_parsed("parcel_key", ParcelKey::parse)?,
        geometry: r.polygons()?,
        sup_area_m2: r.num("declared_area_m2"),
    })
}

/// A topographic footprint.
pub(super) fn footprint(r: &Row<'_>) -> Result<Footprint, Bad> {
    let use_class = match r.written::<BuildingUse>("use_class") {
        Ok(Some(u)) => u,
        Ok(None) => BuildingUse::Other,
        Err(_) => BuildingUse::from_use_class(r.text("use_class").unwrap_or_default()),
    };
    Ok(Footprint {
        building: Building {
            building_id: r.req_text("building_id")?.to_owned(),
            height_m: r.num("height_m"),
            floors: r.opt("floors")?,
            use_class,
            survey_date: r.date("survey_date"),
        },
        geometry: r.polygons()?,
    })
}

/// A building outline of the maps with its host parcel.
pub(super) fn building_outline(r: &Row<'_>) -> Result<BuildingOutline, Bad> {
    Ok(BuildingOutline {
        id: r.req_text("building_key")?.to_owned(),
        parcel_key: r.req_parsed("parcel_key", ParcelKey::parse)?,
        geometry: r.polygons()?,
    })
}

/// A cadastral surface supplied for TARI (room polygons are not published: empty).
pub(super) fn surface(r: &Row<'_>) -> Result<CadastralSurface, Bad> {
    let key = r.req_text("surface_key")?;
    let (belfiore, id) = key
        .split_once('/')
        .ok_or_else(|| format!("surface_key: malformed {key:?}"))?;
    Ok(CadastralSurface {
        belfiore: Belfiore::parse(belfiore).map_err(|e| format!("surface_key: {e}"))?,
        age_property_id: id
            .parse()
            .map_err(|_| format!("surface_key: malformed {key:?}"))?,
        unit_key: r.req_parsed("unit_key", UnitKey::parse)?,
        category: r.req_parsed("category", Category::parse)?,
        total_m2: r.req("total_m2")?,
        excluding_uncovered_m2: r.opt("excluding_uncovered_m2")?.unwrap_or_default(),
        polygons: Vec::new(),
        reference_date: None,
        source: Box::default(),
    })
}

/// A resident at an address of the civil registry.
pub(super) fn resident(r: &Row<'_>) -> Result<Resident, Bad> {
    Ok(Resident {
        person: r
            .tax_id("person_cf")?
            .ok_or_else(|| "person_cf missing".to_owned())?,
        household_id: r.text("household_id").unwrap_or_default().into(),
        address: ResidentAddress {
            key: r.req_parsed("address_key", AddressKey::parse)?,
            internal: r.owned("internal").map(Into::into),
        },
        residence: r.validity()?,
        unit_key: source_unit_key(r)?,
        // relationship `other`, no birth date, sex, citizenship, staircase nor floor
        details: None,
    })
}

fn unit_keys(r: &Row<'_>, name: &str) -> Result<Vec<UnitKey>, Bad> {
    r.list(name)
        .into_iter()
        .map(|k| UnitKey::parse(k).map_err(|e| format!("{name}: {e}")))
        .collect()
}

fn period(r: &Row<'_>, first: &str, last: &str) -> Result<ActivePeriod, Bad> {
    ActivePeriod::new(r.req_date(first)?, r.date(last)).map_err(|e| e.to_string())
}

/// A TARI premises.
pub(super) fn tari(r: &Row<'_>) -> Result<TariPosition, Bad> {
    Ok(TariPosition {
        account_id: r.req_text("account_id")?.into(),
        premises_seq: r.req("premises_seq")?,
        payer: r
            .tax_id("payer_cf")?
            .ok_or_else(|| "payer_cf missing".to_owned())?,
        user_type: r.req_written::<TariUserType>("user_type")?,
        tariff_class: r.owned("tariff_class").map(Into::into),
        occupants: r.opt("occupants")?,
        address_text: r.owned("address_text").map(Into::into),
        address_key: source_address_key(r)?,
        internal: r.owned("internal").map(Into::into),
        unit_keys: unit_keys(r, "unit_keys")?,
        declared_m2: r.req("declared_m2")?,
        period: period(r, "start_date", "end_date")?,
        // no staircase nor floor
        details: TariDetails {
            reduction: r.owned("reduction").map(Into::into),
            ..TariDetails::default()
        }
        .boxed(),
    })
}

/// A utility contract-year.
pub(super) fn utility(r: &Row<'_>) -> Result<UtilitySupply, Bad> {
    Ok(UtilitySupply {
        utility: r.req_written::<UtilityKind>("utility")?,
        supply_point: r.req_text("supply_point")?.into(),
        holder: r.tax_id("holder_cf")?,
        holder_type: r.written::<HolderType>("holder_type")?.unwrap_or(
            if r.text("holder_cf").is_some_and(|c| c.len() == 11) {
                HolderType::Entity
            } else {
                HolderType::Person
            },
        ),
        use_type: r.written::<UseType>("use_type")?.unwrap_or(UseType::Other),
        address_text: r.owned("address_text").map(Into::into),
        address_key: source_address_key(r)?,
        unit_key: source_unit_key(r)?,
        contract: period(r, "contract_start", "contract_end")?,
        year: r.req("year")?,
        billed_consumption: r.num("billed_consumption"),
        billed_amount: r.num("billed_amount"),
    })
}

fn tax_ids(r: &Row<'_>, name: &str) -> Result<Vec<TaxId>, Bad> {
    r.list(name)
        .into_iter()
        .map(|c| TaxId::from_written(c).map_err(|e| format!("{name}: {e}")))
        .collect()
}

/// A registered lease. Landlords' shares are not published: equal shares.
pub(super) fn lease(r: &Row<'_>) -> Result<Lease, Bad> {
    let landlords = tax_ids(r, "landlords_cf")?;
    let n = u64::try_from(landlords.len().max(1)).unwrap_or(1);
    let share = Share::new(1, n).map_err(|e| format!("landlords_cf: {e}"))?;
    Ok(Lease {
        contract_id: r.req_text("contract_id")?.to_owned(),
        start_date: r.req_date("start_date")?,
        end_date: r.req_date("end_date")?,
        termination_date: r.date("termination_date"),
        lease_type: r.written("lease_type")?.unwrap_or(LeaseType::Other),
        annual_rent: r.num("annual_rent").unwrap_or_default(),
        landlords: landlords
            .into_iter()
            .map(|cf| Landlord { cf, share })
            .collect(),
        tenants: tax_ids(r, "tenants_cf")?
            .into_iter()
            .map(|cf| Tenant { cf })
            .collect(),
        units: unit_keys(r, "unit_keys")?
            .into_iter()
            .map(|unit_key| LeasedUnit {
                unit_key,
                category: None,
                rent: None,
            })
            .collect(),
        registration_date: r
            .date("registration_date")
            .unwrap_or(r.req_date("start_date")?),
    })
}

/// A transfer deed. The parties' roles are not published: no parties.
pub(super) fn deed(r: &Row<'_>) -> Result<TransferDeed, Bad> {
    let units = r
        .list("properties")
        .into_iter()
        .map(|k| match UnitKey::parse(k) {
            Ok(unit_key) if unit_key.subalterno().is_some() => Ok(DeedProperty::Unit {
                unit_key,
                category: None,
            }),
            _ => ParcelKey::parse(k)
                .map(|parcel_key| DeedProperty::Parcel {
                    parcel_key,
                    quality: None,
                })
                .or_else(|_| {
                    UnitKey::parse(k).map(|unit_key| DeedProperty::Unit {
                        unit_key,
                        category: None,
                    })
                })
                .map_err(|e| format!("properties: {e}")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let deed_date = r.req_date("deed_date")?;
    Ok(TransferDeed {
        deed_id: r.req_text("deed_id")?.into(),
        deed_date,
        registration_date: r.date("registration_date").unwrap_or(deed_date),
        deed_type: r.text("deed_type").unwrap_or_default().into(),
        declared_price: r.num("declared_price"),
        parties: Vec::new(),
        units,
    })
}

/// The declaration an IMU position belongs to: declarant, year, number.
pub(super) type ImuKey = (String, i32, u32);

/// One position of an IMU declaration, with its declaration's header.
pub(super) fn imu_position(r: &Row<'_>) -> Result<(ImuKey, TaxId, i32, ImuPosition), Bad> {
    let declarant = r
        .tax_id("declarant_cf")?
        .ok_or_else(|| "declarant_cf missing".to_owned())?;
    let year: i32 = r.req("declaration_year")?;
    let ordinal: u32 = r.req("ordinal")?;
    let characteristic: ImuCharacteristic = r.req_written("characteristic")?;
    let category = r.parsed("category", Category::parse)?;
    // the key as declared also when it names no unit (R25)
    let property = match source_unit_key(r)? {
        Some(k) => Some(k),
        None => r.parsed("declared_unit_key", UnitKey::parse)?,
    };
    let cadastre = if matches!(
        characteristic,
        ImuCharacteristic::Land | ImuCharacteristic::BuildingLand
    ) && category.is_none()
    {
        ImuCadastre::Land
    } else {
        ImuCadastre::Urban
    };
    let position = ImuPosition {
        order: r.req("position")?,
        property_progressive: r.req("position")?,
        characteristic,
        address_text: r.owned("address_text"),
        cadastre,
        property,
        category,
        land_quality: None,
        class: None,
        registration_protocol: r.owned("registration_protocol"),
        registration_year: r.opt("registration_year")?,
        taxable_base_eur: r.opt("taxable_base_eur")?.unwrap_or_default(),
        possession_percent: r.num("possession_percent").unwrap_or(100.0),
        deduction_eur: 0.0,
        assimilation: ImuAssimilation::None,
        reduction: r.written("reduction")?.unwrap_or(ImuReduction::None),
        exemption: r.written("exemption")?.unwrap_or(ImuExemption::None),
        acquisition: false,
        transfer: false,
        other_change: false,
        change_date: None,
        relief: None,
    };
    let key = (declarant.as_written().to_owned(), year, ordinal);
    Ok((key, declarant, r.req("tax_period")?, position))
}

/// An F24 payment line of municipality `belfiore`.
pub(super) fn f24(r: &Row<'_>, belfiore: Belfiore) -> Result<F24Payment, Bad> {
    Ok(F24Payment {
        payment_id: r.req_text("payment_id")?.to_owned(),
        payer: r
            .tax_id("payer_cf")?
            .ok_or_else(|| "payer_cf missing".to_owned())?,
        payment_date: r.req_date("payment_date")?,
        tax_year: r.req("tax_year")?,
        belfiore,
        tax_code: r.req_text("tax_code")?.to_owned(),
        amount_eur: r.num("amount_eur").ok_or("amount_eur missing")?,
        instalment: r.written("instalment")?.unwrap_or(Instalment::Unica),
    })
}

/// A street of the register.
pub(super) fn street(r: &Row<'_>) -> Result<Street, Bad> {
    let code = r.req_text("street_code")?;
    Ok(Street {
        street_code: code
            .trim()
            .parse()
            .map_err(|_| format!("street_code: malformed {code:?}"))?,
        dug: r.owned("dug").unwrap_or_default(),
        duf: r.req_text("duf")?.to_owned(),
        full_name: r.owned("full_name").unwrap_or_default(),
        cadastral_toponimo: r.opt("cadastral_toponimo")?,
        cadastral_street_code: r.owned("cadastral_street_code"),
    })
}

/// A house-number point.
pub(super) fn house_number(r: &Row<'_>) -> Result<HouseNumberPoint, Bad> {
    Ok(HouseNumberPoint {
        number: HouseNumber {
            address_key: r.req_parsed("address_key", AddressKey::parse)?,
            parcel_key: r.parsed("parcel_key", ParcelKey::parse)?,
        },
        point: r.point()?,
    })
}

/// An OMI zone code with its national key when given.
pub(super) type ZoneLink = (String, Option<String>);

/// A microzone with its OMI zone (`(zone, link zone)` when given).
pub(super) fn microzone(r: &Row<'_>) -> Result<(Microzone, Option<ZoneLink>), Bad> {
    let zone = r.owned("omi_zone").map(|z| (z, r.owned("link_zone")));
    Ok((
        Microzone {
            number: r.req("microzone")?,
            geometry: r.polygons()?,
        },
        zone,
    ))
}

/// An OMI zone: `(zone, link zone, band)`.
pub(super) fn omi_zone(r: &Row<'_>) -> Result<(String, Option<String>, Option<String>), Bad> {
    Ok((
        r.req_text("zone")?.to_owned(),
        r.owned("link_zone"),
        r.owned("band"),
    ))
}

/// An OMI quotation.
pub(super) fn omi_value(r: &Row<'_>) -> Result<OmiQuotation, Bad> {
    Ok(OmiQuotation {
        link_zona: r.req_text("link_zone")?.to_owned(),
        cod_tip: r.req("typology_code")?,
        state: r.owned("state").unwrap_or_default(),
        compr_min: r.num("purchase_min").ok_or("purchase_min missing")?,
        compr_max: r.num("purchase_max").ok_or("purchase_max missing")?,
        loc_min: r.num("rent_min"),
        loc_max: r.num("rent_max"),
    })
}

/// A civil-registry death.
pub(super) fn death(r: &Row<'_>) -> Result<Death, Bad> {
    Ok(Death {
        person: r
            .tax_id("person_cf")?
            .ok_or_else(|| "person_cf missing".to_owned())?,
        date: r.req_date("death_date")?,
    })
}

/// A buildable zone of the zoning plan.
pub(super) fn buildable_zone(r: &Row<'_>) -> Result<BuildableZone, Bad> {
    Ok(BuildableZone {
        zone_id: r.req_text("zone_id")?.to_owned(),
        geometry: r.polygons()?,
        reference_value_eur_per_m2: r.num("reference_value_eur_per_m2"),
    })
}
