//! Builders of small snapshots for the unit tests of the rules.

use chrono::NaiveDate;
use geo_types::{MultiPolygon, Polygon, polygon};
use segit_model::{
    ActivePeriod, AddressKey, Belfiore, Category, Deed, Foglio, HolderType, Holding, LandQuality,
    Landlord, Lease, LeaseType, LeasedUnit, Parcel, ParcelKey, ParcelState, Particella, PropertyId,
    PropertyKind, Relationship, Resident, ResidentAddress, ResidentDetails, RightCode, Share,
    Subject, SubjectDetails, SubjectKind, TariPosition, TariUserType, TaxId, Tenant, Unit,
    UnitIdentifiers, UnitKey, UnitState, UseType, UtilityKind, UtilitySupply, Validity,
};

use crate::inputs::{InputData, MapParcel, Utilities};

/// Valid codici fiscali of the reference's test values.
pub const CF: [&str; 4] = [
    "RSSMRA85T10A562S",
    "MRTMTT25D09F205Z",
    "RSSMRA70E52F205N",
    "BNCLCU85C15C351H",
];

/// Street 2040 of the register, VIA DEI MILLE (cadastral toponym 236, street code 05432).
pub fn dei_mille() -> segit_model::Street {
    segit_model::Street {
        street_code: 2040,
        dug: "VIA".into(),
        duf: "DEI MILLE".into(),
        full_name: "VIA DEI MILLE".into(),
        cadastral_toponimo: Some(236),
        cadastral_street_code: Some("05432".into()),
    }
}

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn f205() -> Belfiore {
    Belfiore::parse("F205").unwrap()
}

pub fn key(s: &str) -> UnitKey {
    UnitKey::parse(s).unwrap()
}

pub fn cf(s: &str) -> TaxId {
    TaxId::from_written(s).unwrap()
}

pub fn addr(s: &str) -> AddressKey {
    AddressKey::parse(s).unwrap()
}

pub fn pkey(s: &str) -> ParcelKey {
    ParcelKey::parse(s).unwrap()
}

pub fn property(id: u64, kind: PropertyKind) -> PropertyId {
    PropertyId {
        belfiore: f205(),
        section: None,
        id,
        kind,
    }
}

/// A unit state on `keys` (first canonical) of category `cat`, valid from `from` to `to`.
pub fn state(
    keys: &[&str],
    cat: Option<&str>,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> UnitState {
    UnitState {
        progressive: 1,
        identifiers: UnitIdentifiers::from_groups(keys.iter().map(|k| key(k))).unwrap(),
        census_zone: Some("1".into()),
        category: cat.map(|c| Category::parse(c).unwrap()),
        surface_m2: None,
        rent_eur: Some(1000.0),
        internal: None,
        validity: Validity::new(from, to).unwrap(),
        generating_deed: Deed {
            efficacy_date: Some(from),
            ..Deed::default()
        }
        .boxed(),
        closing_deed: None,
        partita: Some("1234".into()),
        addresses: Vec::new(),
        details: None,
    }
}

pub fn unit(id: u64, states: Vec<UnitState>) -> Unit {
    let mut states = states;
    for (i, s) in states.iter_mut().enumerate() {
        s.progressive = i as u32 + 1;
    }
    Unit {
        property: property(id, PropertyKind::Building),
        states,
    }
}

/// Units 1..=`n`, each a dwelling (A/2) since 2000 with key `F205//12/101/<n>`.
pub fn dwellings(n: u64) -> Vec<Unit> {
    (1..=n)
        .map(|n| {
            unit(
                n,
                vec![state(
                    &[&format!("F205//12/101/{n}")],
                    Some("A02"),
                    d(2000, 1, 1),
                    None,
                )],
            )
        })
        .collect()
}

/// A TER parcel F205 foglio `foglio` particella `num` with quality and partita, valid from
/// `from` on.
pub fn land(
    id: u64,
    foglio: u16,
    num: &str,
    quality: u16,
    partita: &str,
    from: NaiveDate,
) -> Parcel {
    Parcel {
        property: property(id, PropertyKind::Land),
        states: vec![ParcelState {
            progressive: 1,
            foglio: Foglio::new(foglio).unwrap(),
            particella: Particella::parse(num).unwrap(),
            subalterno: None,
            quality: Some(LandQuality(quality)),
            class: None,
            area_m2: 1000,
            dominicale_eur: Some(10.0),
            agrario_eur: Some(5.0),
            validity: Validity::open(from),
            generating_deed: Deed::default(),
            closing_deed: None,
            partita: Some(partita.into()),
            notes: None,
            initial_mutation_id: None,
            final_mutation_id: None,
            deductions: Vec::new(),
            reserves: Vec::new(),
            portions: Vec::new(),
        }],
    }
}

pub fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
    let p: Polygon<f64> = polygon![(x: x, y: y), (x: x + size, y: y), (x: x + size, y: y + size), (x: x, y: y + size), (x: x, y: y)];
    MultiPolygon::new(vec![p])
}

pub fn map_parcel(k: &str, geometry: MultiPolygon<f64>) -> MapParcel {
    MapParcel {
        parcel_key: pkey(k),
        geometry,
        sup_area_m2: None,
    }
}

/// One person per code of [`CF`], ids from 1 in order.
pub fn cf_persons() -> Vec<Subject> {
    CF.iter().zip(1u64..).map(|(c, id)| person(id, c)).collect()
}

pub fn person(id: u64, code: &str) -> Subject {
    Subject {
        belfiore: f205(),
        id,
        kind: SubjectKind::NaturalPerson,
        tax_code: Some(cf(code)),
        details: SubjectDetails {
            surname: "ROSSI".into(),
            given_name: "MARIA".into(),
            ..SubjectDetails::default()
        }
        .boxed(),
    }
}

pub fn holding(
    subject: &Subject,
    prop: PropertyId,
    right: &str,
    share: (u64, u64),
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Holding {
    Holding {
        belfiore: f205(),
        holding_id: None,
        subject: subject.subject_id(),
        property: prop,
        right: RightCode::parse(right).unwrap(),
        share: Share::from_census(share.0, share.1).unwrap(),
        validity: Validity::new(from, to).unwrap(),
        generating_deed: None,
        closing_deed: None,
        details: None,
    }
}

pub fn resident(
    code: &str,
    household: &str,
    at: &str,
    internal: Option<&str>,
    from: NaiveDate,
    to: Option<NaiveDate>,
    unit: Option<&str>,
) -> Resident {
    Resident {
        person: cf(code),
        household_id: household.into(),
        address: ResidentAddress {
            key: addr(at),
            internal: internal.map(Into::into),
        },
        residence: Validity::new(from, to).unwrap(),
        unit_key: unit.map(key),
        details: ResidentDetails {
            relationship: Relationship::Head,
            ..ResidentDetails::default()
        }
        .boxed(),
    }
}

pub fn tari(
    account: &str,
    payer: &str,
    units: &[&str],
    declared: u32,
    first: NaiveDate,
    last: Option<NaiveDate>,
) -> TariPosition {
    TariPosition {
        account_id: account.into(),
        premises_seq: 1,
        payer: cf(payer),
        user_type: TariUserType::Domestic,
        tariff_class: None,
        occupants: None,
        address_text: None,
        address_key: None,
        internal: None,
        unit_keys: units.iter().map(|k| key(k)).collect(),
        declared_m2: declared,
        period: ActivePeriod::new(first, last).unwrap(),
        details: None,
    }
}

pub fn utility(
    kind: UtilityKind,
    point: &str,
    holder: Option<&str>,
    unit: Option<&str>,
    year: i32,
    consumption: f64,
) -> UtilitySupply {
    UtilitySupply {
        utility: kind,
        supply_point: point.into(),
        holder: holder.map(cf),
        holder_type: HolderType::Person,
        use_type: UseType::HouseholdResident,
        address_text: None,
        address_key: None,
        unit_key: unit.map(key),
        contract: ActivePeriod::new(d(2015, 1, 1), None).unwrap(),
        year,
        billed_consumption: Some(consumption),
        billed_amount: None,
    }
}

pub fn lease(
    id: &str,
    landlord: &str,
    tenant: &str,
    unit: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Lease {
    Lease {
        contract_id: id.into(),
        start_date: start,
        end_date: end,
        termination_date: None,
        lease_type: LeaseType::FreeMarket,
        annual_rent: 9000.0,
        landlords: vec![Landlord {
            cf: cf(landlord),
            share: Share::WHOLE,
        }],
        tenants: vec![Tenant { cf: cf(tenant) }],
        units: vec![LeasedUnit {
            unit_key: key(unit),
            category: None,
            rent: None,
        }],
        registration_date: start,
    }
}

/// Empty snapshot with every source supplied (empty vectors).
pub fn all_sources() -> InputData {
    InputData {
        comune: Some(f205()),
        land_parcels: Some(Vec::new()),
        units: Some(Vec::new()),
        subjects: Some(Vec::new()),
        holdings: Some(Vec::new()),
        map_parcels: Some(Vec::new()),
        footprints: Some(Vec::new()),
        building_outlines: Some(Vec::new()),
        surfaces: Some(Vec::new()),
        residents: Some(Vec::new()),
        tari: Some(Vec::new()),
        utilities: Some(Utilities::new()),
        leases: Some(Vec::new()),
        imu_declarations: Some(Vec::new()),
        f24: Some(Vec::new()),
        streets: Some(Vec::new()),
        house_numbers: Some(Vec::new()),
        microzones: Some(Vec::new()),
        omi_zones: Some(Vec::new()),
        omi_values: Some(Vec::new()),
        buildable_zones: Some(Vec::new()),
        deaths: Some(Vec::new()),
        deeds: Some(Vec::new()),
    }
}

pub fn lease_type_regulated(mut l: Lease) -> Lease {
    l.lease_type = LeaseType::Regulated;
    l
}

pub fn surface(unit_key: &str, cat: &str, total: u32, excl: u32) -> segit_model::CadastralSurface {
    segit_model::CadastralSurface {
        belfiore: f205(),
        age_property_id: 0,
        unit_key: key(unit_key),
        category: Category::parse(cat).unwrap(),
        total_m2: total,
        excluding_uncovered_m2: excl,
        polygons: Vec::new(),
        reference_date: None,
        source: "SUP".into(),
    }
}

/// An IMU declaration of `declarant` for `tax_period` with positions (unit key,
/// characteristic code, reduction code).
pub fn declaration(
    declarant: &str,
    tax_period: i32,
    positions: &[(&str, u8, u8)],
) -> segit_model::ImuDeclaration {
    use segit_model::{
        ImuAssimilation, ImuCadastre, ImuCharacteristic, ImuExemption, ImuPosition, ImuReduction,
    };
    segit_model::ImuDeclaration {
        declarant: cf(declarant),
        ordinal: 1,
        declaration_year: tax_period + 1,
        tax_period,
        belfiore: f205(),
        surname_or_name: "ROSSI".into(),
        given_name: None,
        birth_date: None,
        sex: None,
        positions: positions
            .iter()
            .enumerate()
            .map(|(i, (k, ch, red))| ImuPosition {
                order: i as u32 + 1,
                property_progressive: i as u32 + 1,
                characteristic: ImuCharacteristic::from_code(*ch).unwrap(),
                address_text: None,
                cadastre: ImuCadastre::Urban,
                property: Some(key(k)),
                category: None,
                land_quality: None,
                class: None,
                registration_protocol: None,
                registration_year: None,
                taxable_base_eur: 0,
                possession_percent: 100.0,
                deduction_eur: 0.0,
                assimilation: ImuAssimilation::None,
                reduction: ImuReduction::from_code(*red).unwrap(),
                exemption: ImuExemption::None,
                acquisition: false,
                transfer: false,
                other_change: false,
                change_date: None,
                relief: None,
            })
            .collect(),
    }
}

pub fn payment(payer: &str, year: i32, code: &str, amount: f64) -> segit_model::F24Payment {
    segit_model::F24Payment {
        payment_id: format!("{payer}-{year}-{code}-{amount}"),
        payer: cf(payer),
        payment_date: d(year, 6, 16),
        tax_year: year,
        belfiore: f205(),
        tax_code: code.into(),
        amount_eur: amount,
        instalment: segit_model::Instalment::Unica,
    }
}
