//! The rules of the catalogue, one file each, named after the rule.

pub mod common;
pub mod q01_invalid_tax_code;
pub mod q02_unit_without_map_parcel;
pub mod q03_map_parcel_without_records;
pub mod q04_area_mismatch;
pub mod q05_shares_not_whole;
pub mod q06_unit_without_surface;
pub mod q07_utility_without_unit_key;
pub mod q08_address_not_in_register;
pub mod r01_ghost_building;
pub mod r02_urban_site_without_units;
pub mod r03_rural_building_in_land_cadastre;
pub mod r04_outline_without_units;
pub mod r05_undeclared_extension;
pub mod r06_enclosed_agricultural_parcel;
pub mod r07_derelict_unit_in_use;
pub mod r08_f3_f4_too_long;
pub mod r09_category_inconsistent_with_use;
pub mod r10_low_rent_per_m2;
pub mod r11_address_inconsistent;
pub mod r12_residents_without_tari;
pub mod r13_occupants_below_residents;
pub mod r14_tari_surface_below_c646;
pub mod r15_utilities_without_tari;
pub mod r16_declared_unused_with_use;
pub mod r17_lease_without_tenant_tari;
pub mod r18_imu_paid_below_due;
pub mod r19_main_residence_without_residence;
pub mod r20_let_unit_claimed_main_residence;
pub mod r21_several_main_residences;
pub mod r22_luxury_main_residence_not_paying;
pub mod r23_building_land_as_agricultural;
pub mod r24_deceased_holders;
pub mod r25_payments_on_unknown_units;
pub mod r26_microzone_equalisation;
pub mod r27_low_declared_sale_price;
pub mod r28_implausible_lease_rent;

use crate::engine::Rule;

/// Every implemented rule, data quality first, in catalogue order.
pub fn all() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(q01_invalid_tax_code::Q01InvalidTaxCode),
        Box::new(q02_unit_without_map_parcel::Q02UnitWithoutMapParcel),
        Box::new(q03_map_parcel_without_records::Q03MapParcelWithoutRecords),
        Box::new(q04_area_mismatch::Q04AreaMismatch),
        Box::new(q05_shares_not_whole::Q05SharesNotWhole),
        Box::new(q06_unit_without_surface::Q06UnitWithoutSurface),
        Box::new(q07_utility_without_unit_key::Q07UtilityWithoutUnitKey),
        Box::new(q08_address_not_in_register::Q08AddressNotInRegister),
        Box::new(r01_ghost_building::R01GhostBuilding),
        Box::new(r02_urban_site_without_units::R02UrbanSiteWithoutUnits),
        Box::new(r03_rural_building_in_land_cadastre::R03RuralBuildingInLandCadastre),
        Box::new(r04_outline_without_units::R04OutlineWithoutUnits),
        Box::new(r05_undeclared_extension::R05UndeclaredExtension),
        Box::new(r06_enclosed_agricultural_parcel::R06EnclosedAgriculturalParcel),
        Box::new(r07_derelict_unit_in_use::R07DerelictUnitInUse),
        Box::new(r08_f3_f4_too_long::R08F3F4TooLong),
        Box::new(r09_category_inconsistent_with_use::R09CategoryInconsistentWithUse),
        Box::new(r10_low_rent_per_m2::R10LowRentPerM2),
        Box::new(r11_address_inconsistent::R11AddressInconsistent),
        Box::new(r12_residents_without_tari::R12ResidentsWithoutTari),
        Box::new(r13_occupants_below_residents::R13OccupantsBelowResidents),
        Box::new(r14_tari_surface_below_c646::R14TariSurfaceBelowC646),
        Box::new(r15_utilities_without_tari::R15UtilitiesWithoutTari),
        Box::new(r16_declared_unused_with_use::R16DeclaredUnusedWithUse),
        Box::new(r17_lease_without_tenant_tari::R17LeaseWithoutTenantTari),
        Box::new(r18_imu_paid_below_due::R18ImuPaidBelowDue),
        Box::new(r19_main_residence_without_residence::R19MainResidenceWithoutResidence),
        Box::new(r20_let_unit_claimed_main_residence::R20LetUnitClaimedMainResidence),
        Box::new(r21_several_main_residences::R21SeveralMainResidences),
        Box::new(r22_luxury_main_residence_not_paying::R22LuxuryMainResidenceNotPaying),
        Box::new(r23_building_land_as_agricultural::R23BuildingLandAsAgricultural),
        Box::new(r24_deceased_holders::R24DeceasedHolders),
        Box::new(r25_payments_on_unknown_units::R25PaymentsOnUnknownUnits),
        Box::new(r26_microzone_equalisation::R26MicrozoneEqualisation),
        Box::new(r27_low_declared_sale_price::R27LowDeclaredSalePrice),
        Box::new(r28_implausible_lease_rent::R28ImplausibleLeaseRent),
    ]
}
