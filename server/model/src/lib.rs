//! segit-model: the domain vocabulary of segit — cadastral and fiscal identifiers and entities.
//! No IO and no other segit crate: readers, the demo generator, stores and the correlation
//! engine all speak these types.
//!
//! - [`ids`]: identifiers built only by parsing — [`Belfiore`], [`Sezione`], [`Foglio`],
//!   [`Particella`], [`Subalterno`], [`SheetKey`], [`ParcelKey`], [`UnitKey`],
//!   [`AddressKey`], [`CodiceFiscale`], [`PartitaIva`], and [`TaxId`] (a code as written,
//!   valid or not); CF check character, composition and homocode helpers.
//! - [`category`]: cadastral categories A/1 … F/7 with group, consistency unit, IMU multiplier.
//! - [`validity`]: date intervals — [`Validity`] (end excluded: census states, holdings,
//!   residents) and [`ActivePeriod`] (end included: TARI, leases, utilities).
//! - [`cadastre`]: land parcels ([`Parcel`]) and buildings-cadastre units ([`Unit`]) with their
//!   dated states, deeds, special accounts, graffati and FAB addresses.
//! - [`building`]: topographic building attributes.
//! - [`subject`], [`holding`]: SOG subjects and TIT holdings (right codes, fractional shares).
//! - [`address`], [`address_text`]: address keys with staircase/floor/internal, street
//!   register rows, house-number points, and the parser of text addresses.
//! - [`residents`], [`tari`], [`imu`], [`utility`], [`lease`], [`surface`]: municipal and
//!   Agenzia sources — civil registry, TARI premises, IMU declarations and F24 lines, utility
//!   contracts, leases and transfer deeds, cadastral surfaces for TARI.
//! - [`anomaly`]: the anomaly record every correlation rule produces.
//! - [`error`]: [`ModelError`], the one error type of the crate.
//!
//! ```
//! use segit_model::{Category, CodiceFiscale, ParcelKey, Particella, TaxId, UnitKey};
//!
//! let unit: UnitKey = "F205//0012/00101/0007".parse()?;
//! assert_eq!(unit.to_string(), "F205//12/101/7");
//!
//! let parcel = ParcelKey::parse("F205_001200.101")?;
//! assert_eq!(parcel.particella(), &Particella::parse("00101")?);
//!
//! assert_eq!(Category::parse("A02")?.imu_multiplier(), Some(160));
//!
//! let err = CodiceFiscale::parse("RSSMRA85T10A562X").unwrap_err();
//! assert_eq!(err.to_string(), "codice fiscale RSSMRA85T10A562X: check character is X, expected S");
//! // Sources' codes are kept as written, valid or not:
//! assert!(!TaxId::from_written("RSSMRA85T10A562X")?.is_valid());
//! # Ok::<(), segit_model::ModelError>(())
//! ```

pub mod address;
pub mod address_text;
pub mod anomaly;
pub mod building;
pub mod cadastre;
pub mod category;
pub mod error;
pub mod holding;
pub mod ids;
pub mod imu;
pub mod lease;
pub mod residents;
pub mod subject;
pub mod surface;
pub mod tari;
pub mod utility;
pub mod validity;

pub use address::{Address, HouseNumber, Street};
pub use address_text::{TextAddress, expand_street_type};
pub use anomaly::{
    Anomaly, AnomalyObject, AnomalyStatus, AnomalySubject, Confidence, Evidence, EvidenceValue,
    GeometryRef, RuleId, SubjectRole, SuggestedAction,
};
pub use building::{Building, BuildingUse};
pub use cadastre::{
    CadastralAddress, Deed, DeedNote, FabSpecialAccount, LandQuality, Parcel, ParcelState, Portion,
    PropertyId, PropertyKind, Reserve, TerSpecialAccount, Unit, UnitIdentifiers, UnitState,
    UnitStateDetails,
};
pub use category::{Category, CategoryGroup, ConsistencyUnit};
pub use error::ModelError;
pub use holding::{Holding, HoldingDetails, RightCode, Share};
pub use ids::{
    AddressKey, Belfiore, BirthData, CodiceFiscale, CodiceFiscaleKind, Foglio, ParcelKey,
    Particella, PartitaIva, Sex, Sezione, SheetKey, Subalterno, TaxId, UnitKey,
};
pub use imu::{
    F24Payment, ImuAssimilation, ImuCadastre, ImuCharacteristic, ImuDeclaration, ImuExemption,
    ImuPosition, ImuReduction, Instalment, ReliefMark,
};
pub use lease::{
    DeedParty, DeedProperty, Landlord, Lease, LeaseType, LeasedUnit, PartyRole, Tenant,
    TransferDeed,
};
pub use residents::{Household, Relationship, Resident, ResidentAddress, ResidentDetails};
pub use subject::{Subject, SubjectDetails, SubjectId, SubjectKind};
pub use surface::{CadastralSurface, SurfacePolygon};
pub use tari::{TariDetails, TariPosition, TariUserType};
pub use utility::{HolderType, UseType, UtilityKind, UtilitySupply};
pub use validity::{ActivePeriod, Validity};

#[cfg(test)]
mod proptests;
