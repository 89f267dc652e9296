//! Identifiers that exist only after `parse()`: municipality codes, cadastral keys, address
//! keys, codici fiscali and VAT numbers. Every type has private fields, `FromStr`, a `Display`
//! giving the canonical form, and serde through that string form.

mod address_key;
mod belfiore;
mod cadastral;
mod cf_compose;
mod codice_fiscale;
mod partita_iva;
mod serde_str;
mod sheet;
mod tax_id;
mod unit_key;

pub use address_key::AddressKey;
pub use belfiore::Belfiore;
pub use cadastral::{Foglio, Particella, Sezione, Subalterno};
pub use cf_compose::compose as compose_codice_fiscale;
pub use codice_fiscale::{BirthData, CodiceFiscale, CodiceFiscaleKind, Sex, check_character};
pub use partita_iva::{PartitaIva, check_digit as partita_iva_check_digit};
pub use sheet::{MAP_NAMESPACE, PARCEL_NAMESPACE, ParcelKey, SheetKey};
pub use tax_id::TaxId;
pub use unit_key::UnitKey;

pub(crate) use serde_str::serde_via_str;

#[cfg(test)]
mod proptests;
