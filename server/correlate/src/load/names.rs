//! The collection and property names of the ingest's published schema that the loader reads,
//! in one place. [`READ`] lists, per collection, every property the loader looks at; the
//! end-to-end tests check it against the catalog of an ingested store.

/// Temporal properties every ingested collection carries.
pub const VALID_FROM: &str = "valid_from";
/// Exclusive end of validity (empty while current).
pub const VALID_TO: &str = "valid_to";

/// Map parcels.
pub const PARCELS: &str = "parcels";
/// Land-cadastre parcel states (TER).
pub const PARCEL_STATES: &str = "parcel_states";
/// Unit states (FAB).
pub const UNITS: &str = "units";
/// Subjects (SOG).
pub const SUBJECTS: &str = "subjects";
/// Holdings (TIT).
pub const HOLDINGS: &str = "holdings";
/// Building outlines of the CXF maps.
pub const BUILDINGS: &str = "buildings";
/// Topographic footprints.
pub const TOPO_BUILDINGS: &str = "topo_buildings";
/// Cadastral surfaces for TARI.
pub const SURFACES: &str = "cadastral_surfaces";
/// Residents.
pub const RESIDENTS: &str = "residents";
/// TARI premises.
pub const TARI: &str = "tari_positions";
/// Utility contracts.
pub const UTILITIES: &str = "utilities";
/// Leases.
pub const LEASES: &str = "leases";
/// Transfer deeds.
pub const DEEDS: &str = "deeds";
/// IMU declarations (one feature per position).
pub const IMU: &str = "imu_declarations";
/// F24 payments.
pub const F24: &str = "f24_payments";
/// Street register.
pub const STREETS: &str = "streets";
/// House numbers.
pub const HOUSE_NUMBERS: &str = "house_numbers";
/// Microzones.
pub const MICROZONES: &str = "microzones";
/// OMI zones.
pub const OMI_ZONES: &str = "omi_zones";
/// OMI quotations.
pub const OMI_VALUES: &str = "omi_values";
/// Civil-registry deaths (project convention `anagrafe/deaths.csv`).
pub const DEATHS: &str = "deaths";
/// Buildable zones of the zoning plan (project convention `pgt/buildable_zones.geojson`).
pub const BUILDABLE_ZONES: &str = "buildable_zones";

/// Every collection the loader reads with the properties it reads (besides the temporal
/// ones), in loading order.
pub const READ: &[(&str, &[&str])] = &[
    (
        STREETS,
        &[
            "street_code",
            "dug",
            "duf",
            "full_name",
            "cadastral_toponimo",
            "cadastral_street_code",
        ],
    ),
    (
        PARCEL_STATES,
        &[
            "property_ref",
            "progressive",
            "foglio",
            "particella",
            "quality_code",
            "special_account",
            "area_m2",
            "reddito_dominicale",
        ],
    ),
    (
        UNITS,
        &[
            "unit_key",
            "aliases",
            "property_ref",
            "progressive",
            "category",
            "surface_m2",
            "rent_eur",
            "census_zone",
            "special_account",
            "internal",
            "street_text",
            "address_key",
        ],
    ),
    (
        SUBJECTS,
        &[
            "subject_ref",
            "subject_id",
            "subject_type",
            "codice_fiscale",
        ],
    ),
    (
        HOLDINGS,
        &[
            "holding_ref",
            "property_ref",
            "subject_id",
            "subject_type",
            "right_code",
            "share_num",
            "share_den",
        ],
    ),
    (PARCELS, &["parcel_key", "declared_area_m2"]),
    (
        TOPO_BUILDINGS,
        &[
            "building_id",
            "height_m",
            "floors",
            "use_class",
            "survey_date",
        ],
    ),
    (BUILDINGS, &["building_key", "parcel_key"]),
    (
        SURFACES,
        &[
            "surface_key",
            "category",
            "total_m2",
            "excluding_uncovered_m2",
            "unit_key",
        ],
    ),
    (
        RESIDENTS,
        &[
            "person_cf",
            "household_id",
            "address_key",
            "internal",
            "unit_key",
            "unit_key_link",
        ],
    ),
    (
        TARI,
        &[
            "account_id",
            "premises_seq",
            "payer_cf",
            "user_type",
            "tariff_class",
            "occupants",
            "address_text",
            "internal",
            "unit_keys",
            "declared_m2",
            "start_date",
            "end_date",
            "reduction",
            "address_key",
            "address_key_link",
        ],
    ),
    (
        UTILITIES,
        &[
            "utility",
            "supply_point",
            "holder_cf",
            "holder_type",
            "use_type",
            "address_text",
            "year",
            "billed_consumption",
            "billed_amount",
            "contract_start",
            "contract_end",
            "address_key",
            "address_key_link",
            "unit_key",
            "unit_key_link",
        ],
    ),
    (
        LEASES,
        &[
            "contract_id",
            "lease_type",
            "annual_rent",
            "landlords_cf",
            "tenants_cf",
            "unit_keys",
            "start_date",
            "end_date",
            "termination_date",
            "registration_date",
        ],
    ),
    (
        IMU,
        &[
            "declarant_cf",
            "declaration_year",
            "tax_period",
            "ordinal",
            "position",
            "characteristic",
            "address_text",
            "category",
            "taxable_base_eur",
            "possession_percent",
            "exemption",
            "reduction",
            "declared_unit_key",
            "registration_protocol",
            "registration_year",
            "unit_key",
            "unit_key_link",
        ],
    ),
    (
        F24,
        &[
            "payment_id",
            "payer_cf",
            "tax_year",
            "tax_code",
            "amount_eur",
            "instalment",
            "payment_date",
        ],
    ),
    (
        DEEDS,
        &[
            "deed_id",
            "deed_type",
            "declared_price",
            "properties",
            "deed_date",
            "registration_date",
        ],
    ),
    (HOUSE_NUMBERS, &["address_key", "parcel_key"]),
    (MICROZONES, &["microzone", "omi_zone", "link_zone"]),
    (OMI_ZONES, &["zone", "link_zone", "band"]),
    (DEATHS, &["person_cf", "death_date"]),
    (BUILDABLE_ZONES, &["zone_id", "reference_value_eur_per_m2"]),
    (
        OMI_VALUES,
        &[
            "link_zone",
            "typology_code",
            "state",
            "purchase_min",
            "purchase_max",
            "rent_min",
            "rent_max",
        ],
    ),
];

/// Collections whose geometry the loader reads (the others are read without it).
pub const WITH_GEOMETRY: &[&str] = &[
    PARCELS,
    TOPO_BUILDINGS,
    BUILDINGS,
    HOUSE_NUMBERS,
    MICROZONES,
    BUILDABLE_ZONES,
];

/// The properties the loader reads from `collection` (with the temporal ones), `None` for a
/// collection it does not read.
pub fn read_properties(collection: &str) -> Option<Vec<&'static str>> {
    READ.iter()
        .find(|(c, _)| *c == collection)
        .map(|(_, p)| p.iter().copied().chain([VALID_FROM, VALID_TO]).collect())
}

/// Link methods of a unit link that come from a key the source itself gave (unit key or a
/// stapled alias), as the ingest names them.
pub const UNIT_KEY_METHODS: &[&str] = &["unit_key", "unit_alias"];
/// Link method of an address key given by the source.
pub const SOURCE_KEY_METHOD: &str = "source_key";
