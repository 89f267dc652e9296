//! Schemas of the published collections: ids, titles, descriptions, properties (personal data
//! marked) and temporal properties. Feature construction in [`crate::features`] follows the
//! property order given here.

use segit_query::{Collection, Crs, GeometryType, Property, PropertyType, TemporalProperties};

use crate::STORAGE_EPSG;

use PropertyType::{Boolean, Date, Integer, Number, Text};

fn p(name: &str, ty: PropertyType, title: &str) -> Property {
    Property::new(name, ty, title)
}

fn collection(
    id: &str,
    title: &str,
    description: &str,
    keywords: &[&str],
    geometry_type: GeometryType,
    properties: Vec<Property>,
    temporal: Option<(&str, Option<&str>)>,
) -> Collection {
    Collection {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        geometry_type,
        storage_crs: Crs::Epsg(STORAGE_EPSG),
        properties,
        temporal: temporal.map(|(start, end)| TemporalProperties {
            start: start.to_owned(),
            end: end.map(str::to_owned),
        }),
        extent: None,
    }
}

/// Land parcels.
pub fn parcels() -> Collection {
    collection(
        "parcels",
        "Land parcels (particelle catastali)",
        "Parcels of the land cadastre (Catasto Terreni) of the demo municipality, with the \
         national cadastral reference (sheet key + parcel number), land quality (qualità), class, \
         notional incomes (reddito dominicale / agrario) and planimetric area. Courtyard parcels \
         fill the holes (islands) of the parcels around them.",
        &["cadastre", "catasto terreni", "particelle", "demo"],
        GeometryType::Polygon,
        vec![
            p("parcel_key", Text, "National cadastral reference").required(),
            p("sheet_key", Text, "Sheet key (foglio)").required(),
            p("foglio", Integer, "Sheet number (foglio)").required(),
            p("particella", Text, "Parcel number (particella)").required(),
            p("usage", Text, "Use: urban, courtyard, vacant, agricultural").required(),
            p("quality_code", Integer, "Land quality code (qualità)").required(),
            p("quality", Text, "Land quality (qualità)").required(),
            p("class", Integer, "Land class (classe)"),
            p(
                "special_account",
                Text,
                "Special account (partita speciale)",
            ),
            p("area_m2", Number, "Area in m²").required(),
            p(
                "reddito_dominicale",
                Number,
                "Owner's notional income in euro (reddito dominicale)",
            ),
            p(
                "reddito_agrario",
                Number,
                "Farming notional income in euro (reddito agrario)",
            ),
            p("census_zone", Integer, "Census zone (zona censuaria)").required(),
        ],
        None,
    )
}

/// Building footprints.
pub fn buildings() -> Collection {
    collection(
        "buildings",
        "Buildings (edifici)",
        "Building footprints of the topographic database (DBT) with floors, height, use class \
         and survey date; each footprint lies inside its host parcel.",
        &["buildings", "edifici", "DBT", "demo"],
        GeometryType::Polygon,
        vec![
            p("building_id", Text, "Building id").required(),
            p(
                "parcel_key",
                Text,
                "Host parcel (national cadastral reference)",
            )
            .required(),
            p("building_type", Text, "Typology").required(),
            p(
                "use_class",
                Text,
                "Use class (residenziale, produttivo, agricolo, religioso, altro)",
            )
            .required(),
            p("floors", Integer, "Floors above ground").required(),
            p("height_m", Number, "Height in metres").required(),
            p("footprint_m2", Number, "Footprint area in m²").required(),
            p("year_built", Integer, "Year of construction").required(),
            p("survey_date", Date, "Survey date").required(),
            p("address_key", Text, "Entrance address key"),
        ],
        None,
    )
}

/// Real-estate unit states.
pub fn units() -> Collection {
    collection(
        "units",
        "Real-estate units (unità immobiliari urbane)",
        "States of the units of the buildings cadastre (Catasto Fabbricati): one feature per unit \
         and state (id `<unit_key>@<progressive>`), with category (categoria), class (classe), \
         consistency (consistenza: rooms for group A, m³ for B, m² for C), cadastral rent \
         (rendita) and cadastral surfaces. Validity runs from valid_from (included) to valid_to \
         (excluded; null while current). The point is the centroid of the host building's \
         footprint (of the parcel for a bare urban area, F/1).",
        &["cadastre", "catasto fabbricati", "UIU", "rendita", "demo"],
        GeometryType::Point,
        vec![
            p(
                "unit_key",
                Text,
                "Unit key (Belfiore/section/foglio/particella/subalterno)",
            )
            .required(),
            p("progressive", Integer, "State number (progressivo)").required(),
            p(
                "property_id",
                Integer,
                "Property id of the Agenzia (identificativo immobile)",
            )
            .required(),
            p("foglio", Integer, "Sheet (foglio)").required(),
            p("particella", Text, "Parcel (particella)").required(),
            p("subalterno", Integer, "Sub-unit (subalterno)").required(),
            p("parcel_key", Text, "Host parcel").required(),
            p("building_id", Text, "Host building"),
            p("category", Text, "Category (categoria), e.g. A/2").required(),
            p("category_code", Text, "Category in census form, e.g. A02").required(),
            p("category_description", Text, "Meaning of the category"),
            p("class", Integer, "Class (classe)"),
            p("consistency", Number, "Consistency (consistenza)"),
            p(
                "consistency_unit",
                Text,
                "Unit of the consistency: vani, m3, m2",
            ),
            p(
                "rent_eur",
                Number,
                "Cadastral rent in euro (rendita catastale)",
            ),
            p(
                "surface_m2",
                Integer,
                "Cadastral surface in m² (DPR 138/1998)",
            ),
            p(
                "surface_excl_m2",
                Integer,
                "Cadastral surface excluding uncovered areas in m²",
            ),
            p("census_zone", Integer, "Census zone (zona censuaria)").required(),
            p("address_key", Text, "Address key of the entrance"),
            p("staircase", Text, "Staircase (scala)"),
            p("floor", Text, "Floor (piano)").required(),
            p("internal", Text, "Internal number (interno)"),
            p("valid_from", Date, "Valid from (included)").required(),
            p("valid_to", Date, "Valid to (excluded)"),
            p("current", Boolean, "Current state").required(),
            p("cause", Text, "Cause of the generating deed").required(),
        ],
        Some(("valid_from", Some("valid_to"))),
    )
}

/// Holdings.
pub fn holdings() -> Collection {
    collection(
        "holdings",
        "Holdings (titolarità)",
        "Rights of subjects on units (titolarità): right (diritto), share (quota) and validity \
         from valid_from (included) to valid_to (excluded; null while current). At any date the \
         shares of ownership and usufruct rights of a unit sum to 1, and bare-ownership shares \
         sum to 1 separately. The holder's codice fiscale is personal data.",
        &["cadastre", "titolarità", "holders", "demo"],
        GeometryType::None,
        vec![
            p(
                "holding_id",
                Integer,
                "Holding id (identificativo titolarità)",
            )
            .required(),
            p("unit_key", Text, "Unit key").required(),
            p("property_id", Integer, "Property id of the Agenzia").required(),
            p("subject_id", Text, "Subject id").required(),
            p(
                "subject_type",
                Text,
                "Subject type: P natural person, G legal entity",
            )
            .required(),
            p("codice_fiscale", Text, "Holder's codice fiscale")
                .personal()
                .required(),
            p("right_code", Text, "Right code (codice diritto)").required(),
            p("right", Text, "Right (diritto)"),
            p("share", Text, "Share as a fraction (quota)").required(),
            p("share_num", Integer, "Share numerator").required(),
            p("share_den", Integer, "Share denominator").required(),
            p("valid_from", Date, "Valid from (included)").required(),
            p("valid_to", Date, "Valid to (excluded)"),
        ],
        Some(("valid_from", Some("valid_to"))),
    )
}

/// Subjects.
pub fn subjects() -> Collection {
    collection(
        "subjects",
        "Subjects (soggetti)",
        "Holders of rights recorded in the cadastre (soggetti): natural persons (P) with \
         codice fiscale, names and birth data — all personal data — and legal entities (G) with \
         their 11-digit code, name (denominazione) and seat (sede). Names are invented.",
        &["cadastre", "soggetti", "demo"],
        GeometryType::None,
        vec![
            p("subject_id", Text, "Subject id").required(),
            p("subject_type", Text, "P natural person, G legal entity").required(),
            p("codice_fiscale", Text, "Codice fiscale")
                .personal()
                .required(),
            p("surname", Text, "Surname (cognome)").personal(),
            p("given_name", Text, "Given name (nome)").personal(),
            p("sex", Text, "Sex: M or F").personal(),
            p("birth_date", Date, "Birth date").personal(),
            p("birth_place", Text, "Birthplace Belfiore code").personal(),
            p("denomination", Text, "Entity name (denominazione)"),
            p("seat", Text, "Entity seat Belfiore code (sede)"),
        ],
        None,
    )
}

/// IMU positions.
pub fn imu_positions() -> Collection {
    collection(
        "imu_positions",
        "IMU positions (posizioni IMU)",
        "Municipal property tax (Imposta Municipale Propria) of each paying holding for the tax \
         year: rent on 1 January, taxable base (rent × 1.05 × multiplier), months of possession, \
         main-residence months, exemption, rate, computed due and amount paid. The taxpayer's \
         codice fiscale is personal data.",
        &["IMU", "tax", "tributi", "demo"],
        GeometryType::None,
        vec![
            p("tax_year", Integer, "Tax year").required(),
            p("holding_id", Integer, "Holding id").required(),
            p("unit_key", Text, "Unit key").required(),
            p("taxpayer_cf", Text, "Taxpayer's codice fiscale")
                .personal()
                .required(),
            p("subject_type", Text, "P natural person, G legal entity").required(),
            p("right_code", Text, "Right code").required(),
            p("share", Text, "Share (quota)").required(),
            p("category", Text, "Category on 1 January").required(),
            p("rent_eur", Number, "Cadastral rent on 1 January in euro"),
            p("base_eur", Number, "Taxable base in euro").required(),
            p("months", Integer, "Months of possession").required(),
            p("main_residence_months", Integer, "Months as main residence").required(),
            p(
                "exemption",
                Text,
                "Exemption: main_residence, appurtenance, group_e, municipal_property",
            ),
            p(
                "due_incomplete",
                Boolean,
                "No rent on 1 January (group F): the building-land value is not known",
            )
            .required(),
            p("rate_pct", Number, "Rate in per cent").required(),
            p("due_eur", Number, "Computed due in euro").required(),
            p("paid_eur", Number, "Paid in euro").required(),
            p("balance_eur", Number, "Due minus paid in euro").required(),
        ],
        None,
    )
}

/// TARI premises.
pub fn tari_positions() -> Collection {
    collection(
        "tari_positions",
        "TARI positions (posizioni TARI)",
        "Premises declared for the waste tax (Tassa sui rifiuti): payer, domestic or \
         non-domestic use, occupants, address, covered units and declared surface, active from \
         start_date to end_date (both included; null while active). The payer's codice fiscale \
         is personal data.",
        &["TARI", "tax", "tributi", "demo"],
        GeometryType::None,
        vec![
            p("account_id", Text, "Account id").required(),
            p("premises_seq", Integer, "Premises number").required(),
            p("payer_cf", Text, "Payer's codice fiscale")
                .personal()
                .required(),
            p("payer_type", Text, "P natural person, G legal entity").required(),
            p("user_type", Text, "domestic or non_domestic").required(),
            p("tariff_class", Text, "Activity class (DPR 158/1999)"),
            p("occupants", Integer, "Declared occupants"),
            p("address_key", Text, "Address key").required(),
            p("staircase", Text, "Staircase"),
            p("floor", Text, "Floor"),
            p("internal", Text, "Internal number"),
            p("unit_keys", Text, "Covered unit keys, comma-separated").required(),
            p("declared_m2", Integer, "Declared taxable surface in m²").required(),
            p("start_date", Date, "First day of occupation").required(),
            p("end_date", Date, "Last day of occupation (included)"),
        ],
        Some(("start_date", Some("end_date"))),
    )
}

/// Residents.
pub fn residents() -> Collection {
    collection(
        "residents",
        "Residents (anagrafe)",
        "Residence periods of the civil registry (anagrafe): person, household (nucleo \
         familiare), registered address and linked unit, from from_date (included) to to_date \
         (excluded; null while resident). Person data are personal.",
        &["anagrafe", "residents", "demo"],
        GeometryType::None,
        vec![
            p("person_cf", Text, "Codice fiscale").personal().required(),
            p("household_id", Text, "Household id (scheda di famiglia)")
                .personal()
                .required(),
            p(
                "relationship",
                Text,
                "Relationship to the head: head, spouse, child, other",
            )
            .personal()
            .required(),
            p("address_key", Text, "Registered address").required(),
            p("staircase", Text, "Staircase"),
            p("floor", Text, "Floor"),
            p("internal", Text, "Internal number").personal(),
            p("from_date", Date, "Resident from (included)").required(),
            p("to_date", Date, "Resident until (excluded)"),
            p("birth_date", Date, "Birth date").personal().required(),
            p("sex", Text, "Sex: M or F").personal().required(),
            p("citizenship", Text, "Citizenship (ISO 3166-1 alpha-2)")
                .personal()
                .required(),
            p("unit_key", Text, "Linked unit key"),
        ],
        Some(("from_date", Some("to_date"))),
    )
}

/// House numbers.
pub fn addresses() -> Collection {
    collection(
        "addresses",
        "House numbers (numeri civici)",
        "House numbers of the street register (numeri civici, ANNCSU): address key, street, \
         number, suffix (esponente) and the parcel the entrance serves; the point is the entrance.",
        &["addresses", "civici", "stradario", "demo"],
        GeometryType::Point,
        vec![
            p("address_key", Text, "Address key").required(),
            p("street_code", Integer, "Municipal street code").required(),
            p("street_name", Text, "Street name").required(),
            p("number", Integer, "House number").required(),
            p("suffix", Text, "Suffix (esponente)"),
            p("parcel_key", Text, "Served parcel").required(),
        ],
        None,
    )
}

/// Streets.
pub fn streets() -> Collection {
    collection(
        "streets",
        "Streets (stradario)",
        "Streets of the municipal street register (stradario) with their centrelines: municipal \
         code, generic type (DUG), official name (DUF) and the Agenzia's street-type and street \
         codes used in cadastral addresses.",
        &["streets", "stradario", "demo"],
        GeometryType::LineString,
        vec![
            p("street_code", Integer, "Municipal street code").required(),
            p("dug", Text, "Street type (DUG)").required(),
            p("duf", Text, "Official name (DUF)").required(),
            p("full_name", Text, "Full name").required(),
            p(
                "cadastral_toponimo",
                Integer,
                "Agenzia street-type code (toponimo)",
            )
            .required(),
            p("cadastral_street_code", Text, "Agenzia street code").required(),
            p("length_m", Number, "Length in metres").required(),
        ],
        None,
    )
}
