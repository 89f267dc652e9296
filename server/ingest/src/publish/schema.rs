//! Schemas of the published collections of the cadastre and the maps: ids, titles,
//! properties (personal data marked), temporal properties. Every collection ends with the
//! temporal properties of [`crate::history`].

use segit_query::{Collection, Crs, GeometryType, Property, PropertyType};

use crate::history::{catalogue_temporal, temporal_properties};

use PropertyType::{Boolean, Date, Integer, Number, Text};

/// A property.
pub(crate) fn p(name: &str, ty: PropertyType, title: &str) -> Property {
    Property::new(name, ty, title)
}

/// The link properties of a join to `target`: key, method, confidence.
pub(crate) fn link_props(target: &str, title: &str) -> Vec<Property> {
    vec![
        p(target, Text, title),
        p(
            &format!("{target}_link"),
            Text,
            &format!("How {title} was found"),
        ),
        p(
            &format!("{target}_confidence"),
            Number,
            &format!("Match confidence of {title} (0–1)"),
        ),
    ]
}

/// A collection with the temporal properties appended.
pub(crate) fn collection(
    id: &str,
    title: &str,
    description: &str,
    geometry_type: GeometryType,
    storage_crs: Crs,
    mut properties: Vec<Property>,
) -> Collection {
    properties.extend(temporal_properties());
    Collection {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        keywords: vec!["segit".to_owned(), "ingest".to_owned()],
        geometry_type,
        storage_crs,
        properties,
        temporal: Some(catalogue_temporal()),
        extent: None,
    }
}

/// Parcels of the maps with the attributes of their current land-cadastre state.
pub fn parcels(crs: Crs) -> Collection {
    let props = vec![
        p("parcel_key", Text, "National cadastral reference").required(),
        p("sheet_key", Text, "Sheet key (foglio)").required(),
        p("foglio", Integer, "Sheet number (foglio)").required(),
        p("particella", Text, "Parcel number (particella)").required(),
        p(
            "map_source",
            Text,
            "Map the geometry comes from: cxf, gml (empty: census only)",
        ),
        p("map_area_m2", Number, "Area computed from the map in m²"),
        p(
            "declared_area_m2",
            Integer,
            "Area declared by the SUP file in m²",
        ),
    ];
    collection(
        "parcels",
        "Land parcels (particelle catastali)",
        "Parcels of the cadastral maps (CXF or INSPIRE GML), in the storage CRS. Their \
         land-cadastre states are in `parcel_states` (same `parcel_key`). Versions follow the \
         supplies.",
        GeometryType::MultiPolygon,
        crs,
        props,
    )
}

/// States of the land-cadastre parcels.
pub fn parcel_states(crs: Crs) -> Collection {
    collection(
        "parcel_states",
        "Land-cadastre parcel states (Catasto Terreni)",
        "Every state of every TER property (id `<parcel_key>@<progressive>`), valid from the \
         generating deed's efficacy (included) to the closing one's (excluded).",
        GeometryType::None,
        crs,
        vec![
            p("parcel_key", Text, "National cadastral reference").required(),
            p("property_ref", Text, "Property (Belfiore/section/id/T)").required(),
            p("property_id", Integer, "Property id of the Agenzia").required(),
            p("progressive", Integer, "State number (progressivo)").required(),
            p("foglio", Integer, "Sheet (foglio)").required(),
            p("particella", Text, "Parcel (particella)").required(),
            p("quality_code", Integer, "Land quality code"),
            p("quality", Text, "Land quality"),
            p("class", Text, "Land class"),
            p(
                "special_account",
                Text,
                "Special account (partita speciale)",
            ),
            p("area_m2", Integer, "Area in m²").required(),
            p(
                "reddito_dominicale",
                Number,
                "Owner's notional income in euro",
            ),
            p("reddito_agrario", Number, "Farming notional income in euro"),
            p("cause", Text, "Cause of the generating deed"),
            p(
                "registration_date",
                Date,
                "Registration of the generating deed",
            ),
            p(
                "parcel_key_link",
                Text,
                "How the map parcel was found (empty: not on the maps)",
            ),
            p(
                "parcel_key_confidence",
                Number,
                "Match confidence of the map parcel (0–1)",
            ),
        ],
    )
}

/// States of the buildings-cadastre units.
pub fn units(crs: Crs) -> Collection {
    let mut props = vec![
        p(
            "unit_key",
            Text,
            "Unit key (Belfiore/section/foglio/particella/subalterno)",
        )
        .required(),
        p(
            "aliases",
            Text,
            "Other unit keys of a graffato unit, comma-separated",
        ),
        p("property_ref", Text, "Property (Belfiore/section/id/F)").required(),
        p("property_id", Integer, "Property id of the Agenzia").required(),
        p("progressive", Integer, "State number (progressivo)").required(),
        p("foglio", Integer, "Sheet (foglio)").required(),
        p("particella", Text, "Parcel (particella)").required(),
        p("subalterno", Integer, "Sub-unit (subalterno)"),
        p("category", Text, "Category, e.g. A/2"),
        p("category_code", Text, "Category in census form, e.g. A02"),
        p("class", Text, "Class (classe)"),
        p("consistency", Number, "Consistency (consistenza)"),
        p("surface_m2", Integer, "Cadastral surface in m²"),
        p("rent_eur", Number, "Cadastral rent in euro (rendita)"),
        p("census_zone", Text, "Census zone"),
        p(
            "special_account",
            Text,
            "Special account (partita speciale)",
        ),
        p("staircase", Text, "Staircase (scala)"),
        p("floor", Text, "Floors (piani), comma-separated"),
        p("internal", Text, "Internal number (interno)"),
        p("street_text", Text, "Cadastral address as written"),
        p("cause", Text, "Cause of the generating deed"),
        p(
            "registration_date",
            Date,
            "Registration of the generating deed",
        ),
    ];
    props.extend(link_props("parcel_key", "the host parcel"));
    props.extend(link_props("address_key", "the address"));
    props.extend(link_props(
        "building_key",
        "the building on the host parcel",
    ));
    collection(
        "units",
        "Real-estate units (unità immobiliari urbane)",
        "Every state of every FAB unit (id `<unit_key>@<progressive>`), valid from the \
         generating deed's efficacy (included) to the closing one's (excluded). The point is \
         inside the host parcel of the map when it is known.",
        GeometryType::Point,
        crs,
        props,
    )
}

/// Holdings.
pub fn holdings(crs: Crs) -> Collection {
    let mut props = vec![
        p(
            "holding_ref",
            Text,
            "Holding (Belfiore/holding id, or property/subject/start)",
        )
        .required(),
        p(
            "property_ref",
            Text,
            "Property held (Belfiore/section/id/F|T)",
        )
        .required(),
        p("subject_id", Integer, "Subject id of the Agenzia").required(),
        p("subject_type", Text, "P natural person, G legal entity").required(),
        p("codice_fiscale", Text, "Holder's codice fiscale").personal(),
        p("right_code", Text, "Right code (codice diritto)").required(),
        p("right", Text, "Right (diritto)"),
        p("share", Text, "Share as a fraction (quota)"),
        p("share_num", Integer, "Share numerator"),
        p("share_den", Integer, "Share denominator"),
        p("cause", Text, "Cause of the generating deed"),
    ];
    props.extend(link_props("unit_key", "the unit held"));
    props.extend(link_props("parcel_key", "the parcel held (land cadastre)"));
    props.extend(link_props("subject", "the SOG subject"));
    collection(
        "holdings",
        "Holdings (titolarità)",
        "Rights of subjects on properties (TIT), valid from field 13 (included) to field 20 \
         (excluded). The holder's codice fiscale is personal data.",
        GeometryType::None,
        crs,
        props,
    )
}

/// Subjects.
pub fn subjects(crs: Crs) -> Collection {
    collection(
        "subjects",
        "Subjects (soggetti)",
        "Natural persons and legal entities of the SOG file. Personal data of natural persons \
         are marked personal.",
        GeometryType::None,
        crs,
        vec![
            p("subject_ref", Text, "Subject (Belfiore/id/P|G)").required(),
            p("subject_id", Integer, "Subject id of the Agenzia").required(),
            p("subject_type", Text, "P natural person, G legal entity").required(),
            p(
                "codice_fiscale",
                Text,
                "Codice fiscale or VAT number as written",
            )
            .personal(),
            p("codice_fiscale_valid", Boolean, "Whether the code is valid"),
            p("surname", Text, "Surname (cognome)").personal(),
            p("given_name", Text, "Given name (nome)").personal(),
            p("sex", Text, "Sex: M or F").personal(),
            p("birth_date", Date, "Birth date").personal(),
            p("birth_place", Text, "Birthplace Belfiore code").personal(),
            p("denomination", Text, "Entity name (denominazione)"),
            p("seat", Text, "Entity seat Belfiore code (sede)"),
        ],
    )
}

/// Building outlines of the maps.
pub fn buildings(crs: Crs) -> Collection {
    let mut props = vec![
        p(
            "building_key",
            Text,
            "Building key (<sheet key>.<code>[-n])",
        )
        .required(),
        p("sheet_key", Text, "Sheet key").required(),
        p("code", Text, "Map code (nnn+)").required(),
        p("area_m2", Number, "Area computed from the map in m²"),
    ];
    props.extend(link_props("parcel_key", "the host parcel"));
    props.push(p(
        "footprint_share",
        Number,
        "Share of the footprint inside the host parcel",
    ));
    collection(
        "buildings",
        "Buildings of the cadastral map (fabbricati)",
        "Building outlines (`nnn+`) of the CXF maps with their host parcel (from the map code, \
         else spatially: footprint ∩ parcel ≥ 50 % of the footprint).",
        GeometryType::MultiPolygon,
        crs,
        props,
    )
}

/// An auxiliary layer of the maps (roads, waters, texts, symbols, fiducials, lines, sheets).
pub fn map_layer(id: &str, title: &str, geometry_type: GeometryType, crs: Crs) -> Collection {
    collection(
        id,
        title,
        "Auxiliary layer of the CXF cadastral maps, kept as read (coordinates in the storage \
         CRS).",
        geometry_type,
        crs,
        vec![
            p("feature_key", Text, "Key (<sheet key>/<kind>/<n>)").required(),
            p("sheet_key", Text, "Sheet key").required(),
            p("line", Integer, "Line of the CXF file").required(),
            p("code", Text, "Code, text or symbol as written"),
            p("angle", Number, "Angle in gon (texts, symbols)"),
            p("height", Integer, "Text height"),
        ],
    )
}
