//! segit-model: the domain vocabulary of segit — cadastral and fiscal identifiers and entities.
//! No IO, no other segit crate: readers, the demo generator, stores and the correlation engine
//! all speak these types.
//!
//! - [`ids`]: identifiers built only by parsing — [`Belfiore`], [`Sezione`], [`Foglio`],
//!   [`Particella`], [`Subalterno`], [`SheetKey`], [`ParcelKey`], [`UnitKey`],
//!   [`AddressKey`], [`CodiceFiscale`], [`PartitaIva`], and [`TaxId`] (a code as written,
//!   valid or not).
//! - [`error`]: [`ModelError`], the one error type of the crate.

pub mod error;
pub mod ids;

pub use error::ModelError;
pub use ids::{
    AddressKey, Belfiore, BirthData, CodiceFiscale, CodiceFiscaleKind, Foglio, ParcelKey,
    Particella, PartitaIva, Sex, Sezione, SheetKey, Subalterno, TaxId, UnitKey,
};
