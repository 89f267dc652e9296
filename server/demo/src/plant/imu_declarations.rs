//! Planted IMU declaration blocks (R16, R19–R21, R25): properties declared in
//! `imu/IMU_<Belfiore>_<year>.txt` beside the generator's sample of acquisitions. The
//! declaration writer (`supply/imu.rs`) puts each block in the declaration (record B) of its
//! declarant and tax period, as the MEF layout prescribes.

use chrono::NaiveDate;

use crate::entities::SubjectRef;

/// What a planted block declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockProperty {
    /// an existing unit of the generator
    Unit(usize),
    /// urban identifiers (sheet, parcel, subalterno) that need not exist in the cadastre
    Identifiers {
        /// sheet
        foglio: u32,
        /// parcel number
        particella: String,
        /// subalterno
        subalterno: u32,
    },
    /// no identifiers, only the registration protocol (declaration fields 19–20)
    Protocol {
        /// protocol number
        protocol: String,
        /// registration year
        year: u16,
    },
}

/// One planted declared property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredBlock {
    /// declarant
    pub declarant: SubjectRef,
    /// tax period of the declaration
    pub tax_period: i32,
    /// characteristic (3 other, 5 main residence, 6 appurtenance)
    pub characteristic: u64,
    /// reduction (0 none, 2 unfit and not used)
    pub reduction: u8,
    /// the property
    pub property: BlockProperty,
    /// taxable base in euro
    pub base: u64,
    /// share held (numerator, denominator)
    pub share: (u32, u32),
    /// date of the change declared
    pub acquired: NaiveDate,
}
