//! The census cadastre (censuario.md): buildings-cadastre units ([`Unit`]) and land parcels
//! ([`Parcel`]), each a sequence of dated states, plus what both share — the Agenzia's property
//! id, deeds, special accounts and reserves.

mod cadastral_address;
mod parcel;
mod special_account;
mod unit;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{Belfiore, Sezione};

pub use cadastral_address::CadastralAddress;
pub use parcel::{LandQuality, Parcel, ParcelState, Portion, area_m2};
pub use special_account::{FabSpecialAccount, TerSpecialAccount};
pub use unit::{Unit, UnitIdentifiers, UnitState, UnitStateDetails};

/// Which cadastre a property belongs to (census field "tipo immobile").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PropertyKind {
    /// `F`: buildings cadastre (units).
    #[serde(rename = "F")]
    Building,
    /// `T`: land cadastre (parcels).
    #[serde(rename = "T")]
    Land,
}

impl PropertyKind {
    /// Parses `F` or `T`.
    pub fn parse(input: &str) -> Result<Self, crate::ModelError> {
        match input.trim() {
            "F" | "f" => Ok(Self::Building),
            "T" | "t" => Ok(Self::Land),
            _ => Err(crate::ModelError::syntax(
                "property kind",
                input,
                "expected F or T",
            )),
        }
    }

    /// `F` or `T`.
    pub fn letter(self) -> char {
        match self {
            Self::Building => 'F',
            Self::Land => 'T',
        }
    }
}

/// The Agenzia's internal id of a property (`age_property_id`): stable across the versions of
/// the property; the link between FAB/TER states and TIT holdings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PropertyId {
    /// Municipality (census field 1).
    pub belfiore: Belfiore,
    /// Section (census field 2), `None` when blank.
    pub section: Option<Sezione>,
    /// Identificativo immobile (census field 3).
    pub id: u64,
    /// `F` or `T` (census field 4).
    pub kind: PropertyKind,
}

/// A deed opening or closing a state or a holding: efficacy and registration dates, the
/// cause and the registration note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Deed {
    /// Date from which the deed has effect (*data di efficacia* / *data di validità*).
    pub efficacy_date: Option<NaiveDate>,
    /// Date the deed was registered.
    pub registration_date: Option<NaiveDate>,
    /// Description of the cause.
    pub cause_description: Option<Box<str>>,
    /// The registration note and the cause code; `None` when none was written. Boxed: a city
    /// holds millions of deeds and few readers need the note.
    pub note: Option<Box<DeedNote>>,
}

/// The registration note of a [`Deed`] and its cause code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeedNote {
    /// Type of the note (observed `V`, `I`).
    pub note_type: Option<Box<str>>,
    /// Note number, as written.
    pub note_number: Option<Box<str>>,
    /// Note progressive, as written.
    pub note_progressive: Option<Box<str>>,
    /// Note year.
    pub note_year: Option<u16>,
    /// Cause code of the deed (`VAR`, `VTO`…), 2007+ layouts.
    pub cause_code: Option<Box<str>>,
}

impl DeedNote {
    /// The note boxed, or `None` when every part is empty.
    pub fn boxed(self) -> Option<Box<Self>> {
        (self != Self::default()).then(|| Box::new(self))
    }
}

/// The deed without any part (what an absent boxed deed reads as).
static NO_DEED: Deed = Deed {
    efficacy_date: None,
    registration_date: None,
    cause_description: None,
    note: None,
};

impl Deed {
    /// A shared deed without any part.
    pub fn empty() -> &'static Self {
        &NO_DEED
    }

    /// True when every part is empty.
    pub fn is_empty(&self) -> bool {
        self == &NO_DEED
    }

    /// The deed boxed, or `None` when every part is empty.
    pub fn boxed(self) -> Option<Box<Self>> {
        (!self.is_empty()).then(|| Box::new(self))
    }

    /// The note of the deed (all empty when none was written).
    pub fn note(&self) -> &DeedNote {
        static NONE: DeedNote = DeedNote {
            note_type: None,
            note_number: None,
            note_progressive: None,
            note_year: None,
            cause_code: None,
        };
        self.note.as_deref().unwrap_or(&NONE)
    }
}

/// A reserve on an entry (FAB type 5, TER type 3): a pending issue flagged by the Agenzia.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reserve {
    /// Reserve code.
    pub code: String,
    /// Ledger number (*partita*) of the reserve, as written.
    pub partita: Option<String>,
}
