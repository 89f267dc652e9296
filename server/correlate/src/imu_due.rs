//! The IMU due of a holder for a year (fiscal-rules.md §1.7 and its project conventions):
//! holdings with an IMU right and their months (c. 761), base on 1 January (c. 745–746),
//! reductions only from declarations (codes 1, 2, 3) and regulated-rent leases, main
//! residence month by month from registered residence (c. 740–741, Constitutional Court
//! 209/2022), appurtenances (one per category C/2, C/6, C/7 and parcel, highest rent), the
//! luxury rate and deduction (c. 748–749), group D split between State and municipality
//! (c. 753), D/10 at the rural rate, agricultural land. Units without a rent on 1 January
//! contribute zero and mark the result incomplete (no building-land value table is
//! configured). Amounts in euro without intermediate rounding.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use segit_model::{
    CategoryGroup, FabSpecialAccount, Holding, ImuPosition, ImuReduction, LeaseType, PropertyKind,
    TaxId, UnitState,
};

use crate::fiscal::{holding_tax, imu_building_base, imu_land_base, luxury_deduction, month_mask};
use crate::inputs::Inputs;
use crate::params::Params;
use crate::rules::common::unit_parcel;

/// One taxed object of a holder.
#[derive(Debug, Clone, PartialEq)]
pub struct DueItem {
    /// Unit key or parcel key.
    pub object: String,
    /// F24 tax code.
    pub tax_code: String,
    /// Amount in euro.
    pub amount: f64,
    /// Months taxed at this code.
    pub months: u32,
}

/// The due of one holder for one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HolderDue {
    /// Taxed objects.
    pub items: Vec<DueItem>,
    /// Σ amounts.
    pub total: f64,
    /// A held unit had no rent on 1 January (or an F category): the due is a lower bound.
    pub incomplete: bool,
    /// A holding had an uncoded `0/0` share and was left out.
    pub missing_shares: bool,
}

impl HolderDue {
    /// Due per tax code.
    pub fn by_code(&self) -> BTreeMap<String, f64> {
        let mut m = BTreeMap::new();
        for i in &self.items {
            *m.entry(i.tax_code.clone()).or_insert(0.0) += i.amount;
        }
        m
    }
}

/// The declarations in effect for year Y (c. 769): for each declarant and unit, the position of
/// the latest declaration (tax period ≤ Y, then declaration year, then ordinal) naming it.
/// Sorted by declarant code and unit.
pub fn declarations_in_effect(inputs: &Inputs, year: i32) -> Vec<(&TaxId, usize, &ImuPosition)> {
    // (declarant as written, unit, rank, row order, declarant, position): sorted, the last of
    // each declarant and unit is the one in effect (the highest rank, of equal ranks the later)
    let mut found: Vec<(&str, usize, Rank, usize, &TaxId, &ImuPosition)> = Vec::new();
    for decl in inputs.data.imu_declarations.iter().flatten() {
        if !decl.applies_to_year(year) {
            continue;
        }
        let rank = (decl.tax_period, decl.declaration_year, decl.ordinal);
        let written = decl.declarant.as_written();
        for p in &decl.positions {
            let Some(unit) = p.property.as_ref().and_then(|k| inputs.unit_index(k)) else {
                continue;
            };
            found.push((written, unit, rank, found.len(), &decl.declarant, p));
        }
    }
    found.sort_unstable_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)));
    // each group's declarant as first met in the rows (equal codes as written are equal)
    let mut out: Vec<(&TaxId, usize, &ImuPosition)> = Vec::with_capacity(found.len());
    let mut last: Option<(&str, usize, usize)> = None;
    for (written, unit, _, seq, code, p) in found {
        match (&mut last, out.last_mut()) {
            (Some((w, u, first)), Some(e)) if (*w, *u) == (written, unit) => {
                e.2 = p;
                if seq < *first {
                    *first = seq;
                    e.0 = code;
                }
            }
            _ => {
                out.push((code, unit, p));
                last = Some((written, unit, seq));
            }
        }
    }
    out
}

/// Months (mask) of year Y in which `code` is registered resident in `unit` (residence rows
/// linked to the unit by unit key or address + internal). Read from the rows linked to the
/// unit (a few), those of `code` among them: the rows of `code` linked to `unit`.
pub fn residence_mask(inputs: &Inputs, code: &TaxId, unit: usize, year: i32) -> u16 {
    residence_months(inputs, code, unit, YearMonths::new(year))
}

/// [`residence_mask`] with the year's bounds already computed.
pub fn residence_months(inputs: &Inputs, code: &TaxId, unit: usize, months: YearMonths) -> u16 {
    let residents = inputs.data.residents.as_deref().unwrap_or_default();
    inputs
        .residents_of_unit(unit)
        .iter()
        .map(|r| &residents[r])
        .filter(|r| r.person == *code)
        .fold(0, |m, r| {
            m | months.mask(r.residence.from(), r.residence.to())
        })
}

/// [`month_mask`] of one year, with its bounds computed once: a period covering the whole
/// year counts every month and one outside it none, without the month-by-month walk.
#[derive(Debug, Clone, Copy)]
pub struct YearMonths {
    year: i32,
    /// 1 January of the year and of the next (`None` out of the calendar's range).
    bounds: Option<(NaiveDate, NaiveDate)>,
}

impl YearMonths {
    /// The months of `year`.
    pub fn new(year: i32) -> Self {
        Self {
            year,
            bounds: jan1(year).zip(year.checked_add(1).and_then(jan1)),
        }
    }

    /// [`month_mask`]`(start, end, year)`.
    pub fn mask(&self, start: NaiveDate, end: Option<NaiveDate>) -> u16 {
        if let Some((first, next)) = self.bounds {
            if start >= next || end.is_some_and(|e| e <= first) {
                return 0;
            }
            if start <= first && end.is_none_or(|e| e >= next) {
                return 0x0fff;
            }
        }
        month_mask(start, end, self.year)
    }
}

/// 1 January of `year`.
pub fn jan1(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

/// A building holding of the holder, with its state on 1 January.
struct Held<'a> {
    holding: &'a Holding,
    unit: usize,
    state: Option<&'a UnitState>,
    mask: u16,
    share: f64,
}

/// Base of a unit for a holder after the declared reductions (historic, unfit: 50 %; free
/// loan: factor, not for luxury categories). `None` without rent or multiplier.
pub fn reduced_base(
    inputs: &Inputs,
    params: &Params,
    code: &TaxId,
    unit: usize,
    state: &UnitState,
    year: i32,
) -> Option<f64> {
    declared_base(
        params,
        state,
        declarations_in_effect_for(inputs, code, unit, year),
    )
}

/// [`reduced_base`] with the holder's position in effect for the unit already found.
fn declared_base(
    params: &Params,
    state: &UnitState,
    declared: Option<&ImuPosition>,
) -> Option<f64> {
    let cat = state.category?;
    let mut base = imu_building_base(state.rent_eur?, cat, &params.imu)?;
    match declared.map(|p| p.reduction) {
        Some(ImuReduction::Historic | ImuReduction::Unfit) => base *= 0.5,
        Some(ImuReduction::FreeLoan) if !cat.is_luxury() => {
            base *= params.imu.free_loan_base_factor;
        }
        _ => {}
    }
    Some(base)
}

/// Rank of a declaration among those of a declarant (c. 769): tax period, then declaration
/// year, then ordinal; of equal ranks the later in the declarant's rows wins.
type Rank = (i32, i32, u32);

/// The declarations of `code` that apply to `year`, each with its rank (period, year of the
/// declaration, ordinal: the higher is the later).
fn declarations_for_year<'a>(
    inputs: &'a Inputs,
    code: &TaxId,
    year: i32,
) -> impl Iterator<Item = (Rank, &'a segit_model::ImuDeclaration)> {
    let declarations = inputs.data.imu_declarations.as_deref().unwrap_or_default();
    inputs
        .declarations_of(code)
        .iter()
        .map(move |i| &declarations[i])
        .filter(move |decl| decl.applies_to_year(year))
        .map(|decl| ((decl.tax_period, decl.declaration_year, decl.ordinal), decl))
}

/// The positions of a declarant's declarations in effect for year Y, one per unit (the latest
/// declaration naming the unit, c. 769), sorted by unit: each position's unit looked up once.
struct DeclaredUnits<'a>(Vec<(usize, &'a ImuPosition)>);

impl<'a> DeclaredUnits<'a> {
    /// The positions of `code` in effect for `year`.
    fn of(inputs: &'a Inputs, code: &TaxId, year: i32) -> Self {
        // (unit, rank, row order, position): the last of each unit is the one in effect
        let mut found: Vec<(usize, Rank, usize, &ImuPosition)> = Vec::new();
        for (rank, decl) in declarations_for_year(inputs, code, year) {
            for p in &decl.positions {
                if let Some(unit) = p.property.as_ref().and_then(|k| inputs.unit_index(k)) {
                    found.push((unit, rank, found.len(), p));
                }
            }
        }
        found.sort_unstable_by_key(|&(unit, rank, seq, _)| (unit, rank, seq));
        let mut best: Vec<(usize, &ImuPosition)> = Vec::with_capacity(found.len());
        for (unit, _, _, p) in found {
            match best.last_mut() {
                Some(last) if last.0 == unit => last.1 = p,
                _ => best.push((unit, p)),
            }
        }
        Self(best)
    }

    /// The position in effect for `unit`.
    fn get(&self, unit: usize) -> Option<&'a ImuPosition> {
        self.0
            .binary_search_by_key(&unit, |&(u, _)| u)
            .ok()
            .map(|i| self.0[i].1)
    }
}

fn declarations_in_effect_for<'a>(
    inputs: &'a Inputs,
    code: &TaxId,
    unit: usize,
    year: i32,
) -> Option<&'a ImuPosition> {
    let mut best: Option<(Rank, &ImuPosition)> = None;
    for (rank, decl) in declarations_for_year(inputs, code, year) {
        if best.is_some_and(|(r, _)| rank < r) {
            continue;
        }
        for p in &decl.positions {
            if p.property.as_ref().and_then(|k| inputs.unit_index(k)) == Some(unit) {
                best = Some((rank, p));
            }
        }
    }
    best.map(|(_, p)| p)
}

fn regulated_factor(inputs: &Inputs, params: &Params, unit: usize, year: i32) -> f64 {
    let leases = inputs.data.leases.as_deref().unwrap_or_default();
    if inputs.leases_of_unit(unit).iter().any(|l| {
        leases[l].lease_type == LeaseType::Regulated && leases[l].is_in_force_in_year(year)
    }) {
        params.imu.regulated_rent_factor
    } else {
        1.0
    }
}

/// Σ shares of the holders of `unit` for whom it is a main residence in `year`.
fn main_residence_shares(inputs: &Inputs, unit: usize, months: YearMonths) -> f64 {
    let holdings = inputs.data.holdings.as_deref().unwrap_or_default();
    inputs
        .holdings_of_unit(unit)
        .iter()
        .map(|h| (h, &holdings[h]))
        .filter(|(_, h)| h.right.pays_imu())
        .filter_map(|(hi, h)| {
            let code = inputs.holding_code(hi)?;
            let mask = months.mask(h.validity.from(), h.validity.to());
            (mask & residence_months(inputs, code, unit, months) != 0)
                .then(|| h.share.map_or(0.0, segit_model::Share::as_f64))
        })
        .sum()
}

/// The due of `code` for `year`.
pub fn holder_due(inputs: &Inputs, params: &Params, code: &TaxId, year: i32) -> HolderDue {
    let mut due = HolderDue::default();
    let Some(jan1) = jan1(year) else { return due };
    let units = inputs.data.units.as_deref().unwrap_or_default();
    let parcels = inputs.data.land_parcels.as_deref().unwrap_or_default();
    let holdings = inputs.data.holdings.as_deref().unwrap_or_default();
    let imu = &params.imu;
    let months = YearMonths::new(year);
    let mut held: Vec<Held<'_>> = Vec::new();
    for hi in inputs.holdings_of_code(code) {
        let h = &holdings[hi];
        if !h.right.pays_imu() {
            continue;
        }
        let mask = months.mask(h.validity.from(), h.validity.to());
        if mask == 0 {
            continue;
        }
        let Some(share) = h.share else {
            due.missing_shares = true;
            continue;
        };
        match h.property.kind {
            PropertyKind::Building => {
                let Some(unit) = inputs.holding_unit(hi) else {
                    due.incomplete = true;
                    continue;
                };
                held.push(Held {
                    holding: h,
                    unit,
                    state: units[unit].state_at(jan1),
                    mask,
                    share: share.as_f64(),
                });
            }
            PropertyKind::Land => {
                let Some(p) = inputs.land_of_property(&h.property) else {
                    continue;
                };
                let Some(s) = parcels[p].state_at(jan1) else {
                    continue;
                };
                let (true, Some(rd)) = (s.is_agricultural(), s.dominicale_eur) else {
                    continue;
                };
                let months = mask.count_ones();
                due.items.push(DueItem {
                    object: crate::rules::common::parcel_key_of(
                        inputs,
                        &crate::rules::common::land_ref(&parcels[p], s),
                    )
                    .map_or_else(|| format!("T{}", h.property.id), |k| k.to_string()),
                    tax_code: imu.tax_codes.agricultural_land.clone(),
                    amount: holding_tax(
                        imu_land_base(rd, imu),
                        imu.rate_agricultural_land,
                        share.as_f64(),
                        months,
                    ),
                    months,
                });
            }
        }
    }
    // Main-residence months of the dwellings, then the parcels' residence masks.
    let mut exempt: HashMap<usize, u16> = HashMap::new();
    let mut parcel_mr: HashMap<segit_model::UnitKey, (u16, bool)> = HashMap::new();
    for x in &held {
        let Some(s) = x.state else { continue };
        let Some(cat) = s.category else { continue };
        if cat.group() == CategoryGroup::A && cat.number() != 10 {
            let mr = x.mask & residence_months(inputs, code, x.unit, months);
            if mr != 0 {
                exempt.insert(x.unit, mr);
                let e = parcel_mr.entry(unit_parcel(s)).or_insert((0, false));
                e.0 |= mr;
                e.1 |= cat.is_luxury();
            }
        }
    }
    // Appurtenances: per parcel and category, the highest rent.
    // (keyed by the parcel itself: each unit is the best of at most one key, so the order of
    // the keys does not matter)
    // (rent, unit key, unit): the key's text compared only between equal rents
    let mut best: HashMap<(segit_model::UnitKey, String), (f64, &segit_model::UnitKey, usize)> =
        HashMap::new();
    for x in held.iter().filter(|_| !parcel_mr.is_empty()) {
        let Some(s) = x.state else { continue };
        let Some(cat) = s.category.filter(|c| c.can_be_appurtenance()) else {
            continue;
        };
        let parcel = unit_parcel(s);
        if !parcel_mr.contains_key(&parcel) {
            continue;
        }
        let rent = s.rent_eur.unwrap_or(0.0);
        let key = (parcel, cat.census_code());
        let cand = (rent, s.identifiers.canonical(), x.unit);
        let replace = best.get(&key).is_none_or(|b| {
            rent.total_cmp(&b.0)
                .then_with(|| b.1.to_string().cmp(&cand.1.to_string()))
                .is_gt()
        });
        if replace {
            best.insert(key, cand);
        }
    }
    let mut appurtenance_of_luxury: HashMap<usize, bool> = HashMap::new();
    for ((parcel, _), (_, _, unit)) in &best {
        if let Some(x) = held.iter().find(|x| x.unit == *unit)
            && let Some(&(mask, luxury)) = parcel_mr.get(parcel)
        {
            exempt.insert(*unit, x.mask & mask);
            appurtenance_of_luxury.insert(*unit, luxury);
        }
    }
    // the holder's declarations read at the first unit with a base
    let mut declared: Option<DeclaredUnits<'_>> = None;
    for x in &held {
        let Some(s) = x.state else {
            due.incomplete = true;
            continue;
        };
        let Some(cat) = s.category else { continue };
        if s.special_account() == Some(FabSpecialAccount::NonTaxableCommonParts)
            || cat.group() == CategoryGroup::E
        {
            continue;
        }
        let Some(base) = declared_base(
            params,
            s,
            declared
                .get_or_insert_with(|| DeclaredUnits::of(inputs, code, year))
                .get(x.unit),
        ) else {
            due.incomplete = true;
            continue;
        };
        let factor = regulated_factor(inputs, params, x.unit, year);
        // the key's text only for a unit with an item
        let mut object: Option<String> = None;
        let ex = exempt.get(&x.unit).copied().unwrap_or(0);
        let other_months = (x.mask & !ex).count_ones();
        let ex_months = ex.count_ones();
        let mut push = |code: &str, amount: f64, months: u32| {
            if months > 0 {
                due.items.push(DueItem {
                    object: object
                        .get_or_insert_with(|| s.identifiers.canonical().to_string())
                        .clone(),
                    tax_code: code.to_owned(),
                    amount: (amount * factor).max(0.0),
                    months,
                });
            }
        };
        let _ = x.holding;
        if cat.group() == CategoryGroup::D && cat.number() == 10 {
            push(
                &imu.tax_codes.rural_instrumental,
                holding_tax(base, imu.rate_rural_instrumental, x.share, other_months),
                other_months,
            );
        } else if cat.group() == CategoryGroup::D {
            push(
                &imu.tax_codes.group_d_state,
                holding_tax(base, imu.rate_group_d_state_share, x.share, other_months),
                other_months,
            );
            push(
                &imu.tax_codes.group_d_comune,
                holding_tax(
                    base,
                    imu.rate_group_d_total - imu.rate_group_d_state_share,
                    x.share,
                    other_months,
                ),
                other_months,
            );
        } else {
            push(
                &imu.tax_codes.other_buildings,
                holding_tax(base, imu.rate_other_buildings, x.share, other_months),
                other_months,
            );
            if cat.is_luxury() && ex_months > 0 {
                let ded = luxury_deduction(
                    imu.deduction_main_residence_luxury_eur,
                    ex_months,
                    x.share,
                    main_residence_shares(inputs, x.unit, months),
                );
                push(
                    &imu.tax_codes.main_residence_luxury,
                    holding_tax(base, imu.rate_main_residence_luxury, x.share, ex_months) - ded,
                    ex_months,
                );
            } else if appurtenance_of_luxury
                .get(&x.unit)
                .copied()
                .unwrap_or(false)
                && ex_months > 0
            {
                push(
                    &imu.tax_codes.main_residence_luxury,
                    holding_tax(base, imu.rate_main_residence_luxury, x.share, ex_months),
                    ex_months,
                );
            }
        }
    }
    due.items
        .sort_by(|a, b| (&a.object, &a.tax_code).cmp(&(&b.object, &b.tax_code)));
    due.total = due.items.iter().map(|i| i.amount).sum();
    due
}

/// The ordinary-rate tax of a holding on a unit for the year, as if it were not a main
/// residence (the gap of R19/R20): reduced base × ordinary rate × share × months / 12.
pub fn unit_tax_without_exemption(
    inputs: &Inputs,
    params: &Params,
    code: &TaxId,
    holding: &Holding,
    unit: usize,
    year: i32,
) -> Option<f64> {
    let units = inputs.data.units.as_deref()?;
    let state = units[unit].state_at(jan1(year)?)?;
    let base = reduced_base(inputs, params, code, unit, state, year)?;
    let months = month_mask(holding.validity.from(), holding.validity.to(), year).count_ones();
    Some(
        holding_tax(
            base,
            params.imu.rate_other_buildings,
            holding.share?.as_f64(),
            months,
        ) * regulated_factor(inputs, params, unit, year),
    )
}

/// Why a unit is treated as a holder's main residence in year Y (R19, R20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MainResidenceClaim {
    /// A declaration in effect for Y with characteristic 5 for the unit.
    Declared,
    /// Nothing paid for Y and the unit is the only property held in Y.
    NothingPaidSingleProperty,
}

impl MainResidenceClaim {
    /// Evidence form.
    pub fn name(self) -> &'static str {
        match self {
            Self::Declared => "declaration_characteristic_5",
            Self::NothingPaidSingleProperty => "nothing_paid_single_property",
        }
    }
}

/// The R19 reading of "treated as main residence" of `unit` by `code` in `year`: (a) a
/// declaration with characteristic 5 for the unit with tax period ≤ Y (the latest of the
/// declarant for the unit, c. 769), or (b) no F24 row with tax year Y and the unit is the only
/// property (building or land) the holder holds with an IMU right in Y.
pub fn main_residence_claim(
    inputs: &Inputs,
    code: &TaxId,
    unit: usize,
    year: i32,
) -> Option<MainResidenceClaim> {
    if declarations_in_effect_for(inputs, code, unit, year)
        .is_some_and(ImuPosition::claims_main_residence)
    {
        return Some(MainResidenceClaim::Declared);
    }
    let f24 = inputs.data.f24.as_deref().unwrap_or_default();
    if inputs.f24_of(code).iter().any(|p| f24[p].tax_year == year) {
        return None;
    }
    let units = inputs.data.units.as_deref().unwrap_or_default();
    let holdings = inputs.data.holdings.as_deref().unwrap_or_default();
    let months = YearMonths::new(year);
    let mut properties: Vec<&segit_model::PropertyId> = inputs
        .holdings_of_code(code)
        .iter()
        .map(|h| &holdings[h])
        .filter(|h| h.right.pays_imu() && months.mask(h.validity.from(), h.validity.to()) != 0)
        .map(|h| &h.property)
        .collect();
    properties.sort();
    properties.dedup();
    (properties.len() == 1 && *properties[0] == units[unit].property)
        .then_some(MainResidenceClaim::NothingPaidSingleProperty)
}
