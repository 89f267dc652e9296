//! Facts of the generated municipality the TARI, IMU and market plantings (R12–R28) read:
//! who lives where on a date, which TARI premises are active, which occupancies are written as
//! registered leases and utility contracts (`supply/market.rs`), the OMI microzone of a parcel
//! (`supply/omi.rs`). They restate the generator's own decisions, so that the baseline hits of
//! a rule are recorded from what the generator made, never from an engine run.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use crate::dates::{add_years, day_before, ymd};
use crate::entities::{Holding, Resident, SubjectRef, TariPosition, Unit};
use crate::supply::mix;
use crate::{Municipality, UnitState};

/// Resident on `d`: `from ≤ d < to`.
pub(crate) fn resident_on(r: &Resident, d: NaiveDate) -> bool {
    r.from <= d && r.to.is_none_or(|t| d < t)
}

/// Resident at some day of `year`.
pub(crate) fn resident_in_year(r: &Resident, year: i32) -> bool {
    r.from <= ymd(year, 12, 31) && r.to.is_none_or(|t| t > ymd(year, 1, 1)) && r.to != Some(r.from)
}

/// TARI premises active on `d` (the end date is the last day of occupation).
pub(crate) fn tari_active_on(t: &TariPosition, d: NaiveDate) -> bool {
    t.start_date <= d && t.end_date.is_none_or(|e| d <= e)
}

/// TARI premises active at some day of `year`.
pub(crate) fn tari_active_in_year(t: &TariPosition, year: i32) -> bool {
    t.start_date <= ymd(year, 12, 31) && t.end_date.is_none_or(|e| e >= ymd(year, 1, 1))
}

/// The address key + internal number of a unit, when it has a non-empty internal number (the
/// only form an address-based link uses).
pub(crate) fn unit_address(u: &Unit) -> Option<(String, String)> {
    let int = u.internal.as_deref()?.trim().to_uppercase();
    let key = u.address_key.clone()?;
    (!int.is_empty()).then_some((key, int))
}

/// Address key + internal of a resident row, when the internal number is non-empty.
pub(crate) fn resident_address(r: &Resident) -> Option<(String, String)> {
    let int = r.internal.as_deref()?.trim().to_uppercase();
    (!int.is_empty() && !r.address_key.is_empty()).then(|| (r.address_key.clone(), int))
}

/// Address key + internal of a TARI premises, when the internal number is non-empty.
pub(crate) fn tari_address(t: &TariPosition) -> Option<(String, String)> {
    let int = t.internal.as_deref()?.trim().to_uppercase();
    (!int.is_empty()).then(|| (t.address_key.clone(), int))
}

/// Indexes the TARI premises, units and residents of a town by the keys the links use (hash
/// maps: they are only looked up, never iterated, so their order cannot reach an output). Each
/// part is built on its first use.
pub(crate) struct Index<'a> {
    town: &'a Municipality,
    units: OnceCell<UnitKeys<'a>>,
    tari: OnceCell<TariKeys<'a>>,
    residents: OnceCell<ResidentKeys<'a>>,
    /// the unit each resident row links to ([`Index::link`]), by row
    resident_units: OnceCell<Vec<Option<usize>>>,
}

/// Units by key and by address + internal.
struct UnitKeys<'a> {
    by_address: HashMap<(String, String), Vec<usize>>,
    by_key: HashMap<&'a str, usize>,
}

/// TARI premises by unit, by address + internal and by payer code.
struct TariKeys<'a> {
    of_unit: HashMap<usize, Vec<usize>>,
    at_address: HashMap<(String, String), Vec<usize>>,
    of_payer: HashMap<&'a str, Vec<usize>>,
}

/// Resident rows by person code and by household.
struct ResidentKeys<'a> {
    by_cf: HashMap<&'a str, Vec<usize>>,
    by_household: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    /// The index of `town`, its parts built on first use.
    pub(crate) fn new(town: &'a Municipality) -> Self {
        Self {
            town,
            units: OnceCell::new(),
            tari: OnceCell::new(),
            residents: OnceCell::new(),
            resident_units: OnceCell::new(),
        }
    }

    fn units(&self) -> &UnitKeys<'a> {
        self.units.get_or_init(|| {
            let mut ix = UnitKeys {
                by_address: HashMap::new(),
                by_key: HashMap::with_capacity(self.town.units.len()),
            };
            for (i, u) in self.town.units.iter().enumerate() {
                ix.by_key.entry(u.key.as_str()).or_insert(i);
                if let Some(a) = unit_address(u) {
                    ix.by_address.entry(a).or_default().push(i);
                }
            }
            ix
        })
    }

    fn tari_keys(&self) -> &TariKeys<'a> {
        self.tari.get_or_init(|| {
            let town = self.town;
            let mut ix = TariKeys {
                of_unit: HashMap::new(),
                at_address: HashMap::new(),
                of_payer: HashMap::new(),
            };
            for (i, t) in town.tari_positions.iter().enumerate() {
                let mut seen = Vec::new();
                for &u in &t.units {
                    if !seen.contains(&u) {
                        seen.push(u);
                        ix.of_unit.entry(u).or_default().push(i);
                    }
                }
                if let Some(a) = tari_address(t) {
                    ix.at_address.entry(a).or_default().push(i);
                }
                ix.of_payer
                    .entry(town.subject_cf(t.payer))
                    .or_default()
                    .push(i);
            }
            ix
        })
    }

    fn residents(&self) -> &ResidentKeys<'a> {
        self.residents.get_or_init(|| {
            let town = self.town;
            let mut ix = ResidentKeys {
                by_cf: HashMap::new(),
                by_household: HashMap::new(),
            };
            for (i, r) in town.residents.iter().enumerate() {
                ix.by_cf
                    .entry(town.persons[r.person].cf.as_str())
                    .or_default()
                    .push(i);
                ix.by_household
                    .entry(r.household_id.as_str())
                    .or_default()
                    .push(i);
            }
            ix
        })
    }

    fn resident_units(&self) -> &[Option<usize>] {
        self.resident_units.get_or_init(|| {
            self.town
                .residents
                .iter()
                .map(|r| self.resident_link(r))
                .collect()
        })
    }

    /// The unit a record links to: its unit key, else the one unit at its address + internal.
    pub(crate) fn link(
        &self,
        unit_key: Option<&str>,
        addr: Option<&(String, String)>,
    ) -> Option<usize> {
        let units = self.units();
        if let Some(&u) = unit_key.and_then(|k| units.by_key.get(k)) {
            return Some(u);
        }
        match units.by_address.get(addr?).map(Vec::as_slice) {
            Some([u]) => Some(*u),
            _ => None,
        }
    }

    /// The unit a resident row links to.
    pub(crate) fn resident_link(&self, r: &Resident) -> Option<usize> {
        self.link(r.unit_key.as_deref(), resident_address(r).as_ref())
    }

    /// Residence rows of the person with code `cf`, each with the unit it links to.
    pub(crate) fn linked_residents_of(
        &self,
        cf: &str,
    ) -> impl Iterator<Item = (&'a Resident, Option<usize>)> + '_ {
        let links = self.resident_units();
        self.residents()
            .by_cf
            .get(cf)
            .into_iter()
            .flatten()
            .map(move |&i| (&self.town.residents[i], links[i]))
    }

    /// TARI premises listing unit `u`.
    pub(crate) fn tari_of_unit(&self, u: usize) -> &[usize] {
        self.tari_keys().of_unit.get(&u).map_or(&[], Vec::as_slice)
    }

    /// TARI premises at an address + internal.
    pub(crate) fn tari_at(&self, a: &(String, String)) -> &[usize] {
        self.tari_keys()
            .at_address
            .get(a)
            .map_or(&[], Vec::as_slice)
    }

    /// TARI premises paid by the code `cf`.
    pub(crate) fn tari_of_payer(&self, cf: &str) -> &[usize] {
        self.tari_keys().of_payer.get(cf).map_or(&[], Vec::as_slice)
    }

    /// Residence rows of the person with code `cf`.
    pub(crate) fn residents_of(&self, cf: &str) -> impl Iterator<Item = &'a Resident> + '_ {
        self.residents()
            .by_cf
            .get(cf)
            .into_iter()
            .flatten()
            .map(|&i| &self.town.residents[i])
    }

    /// Rows of a household.
    pub(crate) fn household(&self, id: &str) -> impl Iterator<Item = &'a Resident> + '_ {
        self.residents()
            .by_household
            .get(id)
            .into_iter()
            .flatten()
            .map(|&i| &self.town.residents[i])
    }

    /// The premises of the town.
    pub(crate) fn tari(&self, i: usize) -> &'a TariPosition {
        &self.town.tari_positions[i]
    }
}

/// What the recordings read of the final municipality, each part computed on first use and
/// then shared by every recording (the municipality no longer changes once they run).
pub(crate) struct Facts<'a> {
    town: &'a Municipality,
    index: OnceCell<Index<'a>>,
    imu: OnceCell<Imu>,
    leases: OnceCell<Vec<Lease>>,
    dues: OnceCell<BTreeMap<String, Vec<DueItem>>>,
}

impl<'a> Facts<'a> {
    /// Facts of `town`, none computed yet.
    pub(crate) fn new(town: &'a Municipality) -> Self {
        Self {
            town,
            index: OnceCell::new(),
            imu: OnceCell::new(),
            leases: OnceCell::new(),
            dues: OnceCell::new(),
        }
    }

    /// The link index ([`Index::new`]).
    pub(crate) fn index(&self) -> &Index<'a> {
        self.index.get_or_init(|| Index::new(self.town))
    }

    /// The IMU facts ([`Imu::new`]).
    pub(crate) fn imu(&self) -> &Imu {
        self.imu.get_or_init(|| Imu::new(self.town))
    }

    /// The registered leases ([`leases`]).
    pub(crate) fn leases(&self) -> &[Lease] {
        self.leases.get_or_init(|| leases(self.town))
    }

    /// The IMU due of each holder code ([`holder_dues`]).
    pub(crate) fn dues(&self) -> &BTreeMap<String, Vec<DueItem>> {
        self.dues
            .get_or_init(|| holder_dues(self.town, self.imu(), self.index(), self.leases()))
    }
}

/// A registered lease as `supply/market.rs` writes it: one per occupancy by someone holding no
/// right on its main unit on its first day.
#[derive(Debug, Clone)]
pub(crate) struct Lease {
    /// occupancy the lease is written for (`contract_id` `TNL-3T-<k+1>-<year>`)
    pub occupancy: usize,
    /// contract id
    pub contract_id: String,
    /// landlords: holdings valid on the first day, bare ownership excluded
    pub landlords: Vec<usize>,
    /// the tenant
    pub tenant: SubjectRef,
    /// first day
    pub start: NaiveDate,
    /// last day in force (termination or end of the term)
    pub last_day: NaiveDate,
    /// units (main first)
    pub units: Vec<usize>,
}

impl Lease {
    /// In force on `d`.
    pub(crate) fn in_force_on(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.last_day
    }

    /// In force at some day of `year`.
    pub(crate) fn in_force_in_year(&self, year: i32) -> bool {
        self.start <= ymd(year, 12, 31) && self.last_day >= ymd(year, 1, 1)
    }
}

fn valid_on(h: &Holding, d: NaiveDate) -> bool {
    h.valid_from <= d && h.valid_to.is_none_or(|t| d < t)
}

/// Regulated-rent lease (`supply/market.rs`: three in ten leases).
pub(crate) fn lease_regulated(k: usize) -> bool {
    mix(k as u64, 77) % 10 <= 2
}

/// Term of a lease of occupancy `k` in years (as `supply/market.rs` chooses it).
pub(crate) fn lease_years(k: usize) -> i32 {
    match mix(k as u64, 77) % 10 {
        0..=2 => 3,
        3 => 1,
        _ => 4,
    }
}

/// The registered leases of the town (`locazioni/leases.jsonl` before planted lines).
pub(crate) fn leases(town: &Municipality) -> Vec<Lease> {
    let mut by_unit: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, h) in town.holdings.iter().enumerate() {
        by_unit.entry(h.unit).or_default().push(i);
    }
    let mut out = Vec::new();
    for (k, o) in town.occupancies.iter().enumerate() {
        let Some(&main) = o.units.first() else {
            continue;
        };
        let holders: Vec<usize> = by_unit
            .get(&main)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&h| valid_on(&town.holdings[h], o.from))
                    .collect()
            })
            .unwrap_or_default();
        if holders.is_empty()
            || holders
                .iter()
                .any(|&h| town.holdings[h].subject == o.occupant)
        {
            continue;
        }
        let end = day_before(add_years(o.from, lease_years(k)));
        let termination = o.to.map(day_before).filter(|t| *t < end);
        out.push(Lease {
            occupancy: k,
            contract_id: format!("TNL-3T-{:06}-{}", k + 1, o.from.year()),
            landlords: holders
                .into_iter()
                .filter(|&h| town.holdings[h].right != "20")
                .collect(),
            tenant: o.occupant,
            start: o.from,
            last_day: termination.unwrap_or(end),
            units: o.units.clone(),
        });
    }
    out
}

/// First and last day of the utility contracts of occupancy `k` and the reference years
/// written (`supply/market.rs`): every occupancy has an electricity contract far above the
/// consumption thresholds, rows for the years from its start (at most three years back) to
/// its end.
pub(crate) fn utility_years(town: &Municipality, k: usize) -> std::ops::RangeInclusive<i32> {
    let o = &town.occupancies[k];
    let end = o.to.map(day_before);
    let first = o
        .from
        .year()
        .max(town.tax_year - crate::supply::market::UTILITY_YEARS + 1);
    let last = end.map_or(town.tax_year, |e| e.year().min(town.tax_year));
    first..=last
}

/// The utility contracts of occupancy `k` signal use in `year` (row of the year, contract
/// active in the year, consumption above every threshold of the catalogue).
pub(crate) fn utility_signal(town: &Municipality, k: usize, year: i32) -> bool {
    let o = &town.occupancies[k];
    let active =
        o.from <= ymd(year, 12, 31) && o.to.map(day_before).is_none_or(|e| e >= ymd(year, 1, 1));
    active && utility_years(town, k).contains(&year)
}

/// The unit the utility contracts of occupancy `k` link to (`supply/market.rs`: the unit key
/// on half of the rows, else the address key or the text address with its internal number,
/// which links only when exactly one unit has that address and internal).
pub(crate) fn utility_link(town: &Municipality, ix: &Index, k: usize) -> Option<usize> {
    let o = &town.occupancies[k];
    let unit = *o.units.first()?;
    let u = &town.units[unit];
    let h = mix(u.property_id, k as u64);
    let key = h.is_multiple_of(2).then_some(u.key.as_str());
    ix.link(key, unit_address(u).as_ref())
}

/// The cadastral surface of the surfaces file (`superfici/`): the current state's surfaces,
/// groups A, B, C only — (total, excluding uncovered areas).
pub(crate) fn surface_file(u: &Unit) -> Option<(u32, u32)> {
    let s = u.current()?;
    if !matches!(s.category.group, 'A' | 'B' | 'C') {
        return None;
    }
    Some((s.surface_m2?, s.surface_excl_m2?))
}

/// Dwellings nobody occupies or lives in at any time, with an address and an internal number
/// (so that address links are meaningful), in unit order.
pub(crate) fn empty_dwellings(town: &Municipality) -> Vec<usize> {
    let mut used = vec![false; town.units.len()];
    for o in &town.occupancies {
        for &u in &o.units {
            used[u] = true;
        }
    }
    for r in &town.residents {
        used[r.unit] = true;
    }
    for t in &town.tari_positions {
        for &u in &t.units {
            used[u] = true;
        }
    }
    (0..town.units.len())
        .filter(|&u| {
            let unit = &town.units[u];
            !used[u]
                && unit.address_key.is_some()
                && unit_address(unit).is_some()
                && unit.states.len() == 1
                && unit
                    .current()
                    .is_some_and(|s| s.category.is_dwelling() && !s.category.is_luxury())
                && surface_file(unit).is_some()
        })
        .collect()
}

/// Adult persons who never lived in the town, pay no TARI, occupy nothing and hold no right
/// in the tax year or later: free to be planted as new residents.
pub(crate) fn idle_persons(town: &Municipality) -> Vec<usize> {
    let mut busy = vec![false; town.persons.len()];
    for r in &town.residents {
        busy[r.person] = true;
    }
    let jan1 = ymd(town.tax_year, 1, 1);
    for h in &town.holdings {
        if let SubjectRef::Person(p) = h.subject
            && h.valid_to.is_none_or(|t| t > jan1)
        {
            busy[p] = true;
        }
    }
    for o in &town.occupancies {
        if let SubjectRef::Person(p) = o.occupant {
            busy[p] = true;
        }
    }
    for t in &town.tari_positions {
        if let SubjectRef::Person(p) = t.payer {
            busy[p] = true;
        }
    }
    let adult = ymd(town.tax_year - 25, 1, 1);
    (0..town.persons.len())
        .filter(|&p| !busy[p] && town.persons[p].birth_date < adult)
        .collect()
}

/// A new household of `persons` living in dwelling `unit` from `from`; returns its id.
pub(crate) fn add_household(
    town: &mut Municipality,
    unit: usize,
    persons: &[usize],
    from: NaiveDate,
) -> String {
    let n = town
        .residents
        .iter()
        .filter(|r| r.household_id.starts_with("F9"))
        .map(|r| r.household_id.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let household_id = format!("F9{:05}", n + 1);
    let u = &town.units[unit];
    let rows: Vec<Resident> = persons
        .iter()
        .enumerate()
        .map(|(m, &person)| Resident {
            id: format!("{household_id}/{}/1", m + 1),
            person,
            household_id: household_id.clone(),
            relationship: if m == 0 { "head" } else { "other" },
            address_key: u.address_key.clone().unwrap_or_default(),
            staircase: u.staircase.clone(),
            floor: Some(u.floor.clone()),
            internal: u.internal.clone(),
            from,
            to: None,
            unit_key: Some(u.key.clone()),
            unit,
        })
        .collect();
    town.residents.extend(rows);
    household_id
}

/// The next free TARI account id.
pub(crate) fn next_account(town: &Municipality) -> String {
    let max = town
        .tari_positions
        .iter()
        .filter_map(|t| t.account_id.strip_prefix('T')?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("T{:06}", max + 1)
}

/// A domestic TARI premises for dwelling `unit` paid by `payer` from `from`, declaring the
/// whole surface excluding uncovered areas.
pub(crate) fn domestic_premises(
    town: &Municipality,
    unit: usize,
    payer: SubjectRef,
    occupants: Option<u32>,
    from: NaiveDate,
) -> TariPosition {
    let u = &town.units[unit];
    TariPosition {
        account_id: next_account(town),
        premises_seq: 1,
        payer,
        user_type: "domestic",
        tariff_class: None,
        occupants,
        address_key: u.address_key.clone().unwrap_or_default(),
        staircase: u.staircase.clone(),
        floor: Some(u.floor.clone()),
        internal: u.internal.clone(),
        units: vec![unit],
        declared_m2: surface_file(u).map_or(50, |s| s.1),
        start_date: from,
        end_date: None,
    }
}

/// Text form of an address key as the supply writers print it: `<DUG> <DUF> <number><suffix>`.
pub(crate) fn address_text(town: &Municipality, key: &str) -> String {
    let Some(h) = town.house_numbers.iter().find(|h| h.address_key == key) else {
        return String::new();
    };
    let Some(s) = town.streets.iter().find(|s| s.code == h.street_code) else {
        return String::new();
    };
    format!("{} {} {}{}", s.dug, s.duf, h.number, h.suffix)
}

/// Units of category `group/number` nobody occupies, in unit order.
pub(crate) fn free_units_of(town: &Municipality, group: char, number: u8) -> Vec<usize> {
    let mut used = vec![false; town.units.len()];
    for o in &town.occupancies {
        for &u in &o.units {
            used[u] = true;
        }
    }
    for t in &town.tari_positions {
        for &u in &t.units {
            used[u] = true;
        }
    }
    (0..town.units.len())
        .filter(|&u| {
            !used[u]
                && town.units[u].states.len() == 1
                && town.units[u]
                    .current()
                    .is_some_and(|s| s.category.group == group && s.category.number == number)
        })
        .collect()
}

/// A new occupancy of `units` by `occupant` from `from` (an empty home's `household_size` is
/// `Some(0)`, a business's `None`); the lease and utility writers derive their records from it.
pub(crate) fn add_occupancy(
    town: &mut Municipality,
    units: Vec<usize>,
    occupant: SubjectRef,
    household_size: Option<u32>,
    from: NaiveDate,
) -> usize {
    town.occupancies.push(crate::entities::Occupancy {
        units,
        occupant,
        household_size,
        from,
        to: None,
        lease_rent: None,
    });
    town.occupancies.len() - 1
}

/// Months of `year` in `[from, to)` as a bit mask (bit 0 = January), by the rule of
/// `fiscal::months_in_year` (a month counts when more than half of its days fall in the
/// period, or exactly half and the period starts in that month).
pub(crate) fn month_mask(from: NaiveDate, to: Option<NaiveDate>, year: i32) -> u16 {
    let (jan1, next_jan1) = (ymd(year, 1, 1), ymd(year + 1, 1, 1));
    if from >= next_jan1 || to.is_some_and(|t| t <= jan1) {
        return 0;
    }
    if from <= jan1 && to.is_none_or(|t| t >= next_jan1) {
        return 0xFFF;
    }
    let mut mask = 0;
    for m in 1..=12u32 {
        let start = ymd(year, m, 1);
        let next = if m == 12 {
            ymd(year + 1, 1, 1)
        } else {
            ymd(year, m + 1, 1)
        };
        let days = (next - start).num_days();
        let lo = from.max(start);
        let hi = to.map_or(next, |t| t.min(next));
        let inside = (hi - lo).num_days().max(0);
        let starts_here = from >= start && from < next;
        if inside * 2 > days || (inside * 2 == days && starts_here) {
            mask |= 1 << (m - 1);
        }
    }
    mask
}

/// A right that pays IMU (ownership, usufruct, use, habitation, surface…; not bare
/// ownership).
pub(crate) fn pays_imu(h: &Holding) -> bool {
    segit_model::RightCode::parse(h.right).is_ok_and(|r| r.pays_imu())
}

/// F24 tax code of an IMU position as `supply/imu.rs` writes its payment.
pub(crate) fn f24_code(p: &crate::ImuPosition) -> &'static str {
    if p.main_residence_months > 0 {
        "3912"
    } else if p.category.group == 'D' {
        "3925"
    } else {
        "3918"
    }
}

/// The (payer code as written, tax code) pairs of `imu/f24_imu.csv` for the tax year, the
/// payer code of the planted malformed record corrupted as the writer corrupts it (the
/// demo supply plants malformed records by default).
pub(crate) fn f24_paid(town: &Municipality) -> std::collections::BTreeSet<(String, &'static str)> {
    let mut due: BTreeMap<(SubjectRef, &'static str), f64> = BTreeMap::new();
    for p in &town.imu_positions {
        if p.paid > 0.0 {
            *due.entry((town.holdings[p.holding].subject, f24_code(p)))
                .or_default() += p.paid;
        }
    }
    let mut rows = 0u64;
    let mut planted = false;
    let mut out = std::collections::BTreeSet::new();
    for ((subject, code), amount) in due {
        let cents = (amount * 100.0).round() as i64;
        let h = mix(cents as u64, rows);
        let mut cf = town.subject_cf(subject).to_owned();
        if !planted && rows >= 5 {
            cf = crate::supply::holders::corrupt_cf(&cf);
            planted = true;
        }
        rows += if h.is_multiple_of(4) { 1 } else { 2 };
        out.insert((cf, code));
    }
    out
}

/// One declared property of `imu/IMU_<Belfiore>_<year>.txt`, as `supply/imu.rs` writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Declared {
    /// declarant
    pub declarant: SubjectRef,
    /// tax period (the year of the acquisition)
    pub tax_period: i32,
    /// the unit, when the position names an existing one
    pub unit: Option<usize>,
    /// characteristic code (3 other, 5 main residence, 6 appurtenance)
    pub characteristic: u64,
    /// reduction code (0 none, 2 unfit and not used)
    pub reduction: u8,
}

/// Every declared property of the IMU file: the generator's sample of acquisitions since 2012
/// and the planted blocks.
pub(crate) fn declared(town: &Municipality) -> Vec<Declared> {
    let mut out = Vec::new();
    for p in &town.imu_positions {
        let h = &town.holdings[p.holding];
        let year = h.valid_from.year();
        if !(2012..=town.tax_year).contains(&year) || !mix(h.id, 41).is_multiple_of(3) {
            continue;
        }
        let characteristic = match (p.main_residence_months > 0, p.category.is_appurtenance()) {
            (true, true) => 6,
            (true, false) => 5,
            (false, _) => 3,
        };
        out.push(Declared {
            declarant: h.subject,
            tax_period: year,
            unit: Some(h.unit),
            characteristic,
            reduction: 0,
        });
    }
    for b in &town.planted.imu_blocks {
        out.push(Declared {
            declarant: b.declarant,
            tax_period: b.tax_period,
            unit: match &b.property {
                super::imu_declarations::BlockProperty::Unit(u) => Some(*u),
                _ => None,
            },
            characteristic: b.characteristic,
            reduction: b.reduction,
        });
    }
    out
}

/// The declarations in effect for `year`: per (declarant, unit), the one of the latest tax
/// period up to `year` (`imu_due::declarations_in_effect`), in (declarant code, unit) order.
pub(crate) fn in_effect(town: &Municipality, year: i32) -> Vec<Declared> {
    let mut best: BTreeMap<(String, usize), Declared> = BTreeMap::new();
    for d in declared(town) {
        let Some(u) = d.unit else { continue };
        if d.tax_period > year {
            continue;
        }
        let key = (town.subject_cf(d.declarant).to_owned(), u);
        match best.get(&key) {
            Some(e) if e.tax_period > d.tax_period => {}
            _ => {
                best.insert(key, d);
            }
        }
    }
    best.into_values().collect()
}

/// What the IMU rules read, computed once: holder codes as written, payments, declarations in
/// effect and the paying properties of each holder code.
pub(crate) struct Imu {
    /// tax year
    pub year: i32,
    /// declarations in effect for the year
    pub effect: Vec<Declared>,
    /// person whose census code is corrupted
    first_person: Option<usize>,
    /// (declarant code, unit) of the characteristic-5 declarations in effect
    declared_main: std::collections::BTreeSet<(String, usize)>,
    /// payer codes with a payment for the year
    payers: std::collections::BTreeSet<String>,
    /// holder code → units held with a paying right in the year
    properties: BTreeMap<String, Vec<usize>>,
}

impl Imu {
    /// Computes the facts for the town's tax year.
    pub(crate) fn new(town: &Municipality) -> Self {
        let year = town.tax_year;
        let first_person = town
            .holdings
            .iter()
            .filter_map(|h| match h.subject {
                SubjectRef::Person(p) => Some(p),
                SubjectRef::Entity(_) => None,
            })
            .min();
        let effect = in_effect(town, year);
        let declared_main = effect
            .iter()
            .filter(|d| d.characteristic == 5)
            .filter_map(|d| Some((town.subject_cf(d.declarant).to_owned(), d.unit?)))
            .collect();
        let payers = f24_paid(town).into_iter().map(|(c, _)| c).collect();
        let mut imu = Self {
            year,
            effect,
            first_person,
            declared_main,
            payers,
            properties: BTreeMap::new(),
        };
        for (code, hs) in paying_by_code(town, &imu) {
            let mut units: Vec<usize> = hs.iter().map(|&h| town.holdings[h].unit).collect();
            units.sort_unstable();
            units.dedup();
            imu.properties.insert(code, units);
        }
        imu
    }

    /// The code of a holder as the census supply writes it: the subject file corrupts the
    /// code of its first person (the lowest person index among the holders) when malformed
    /// records are planted, as they are by default (`supply/holders.rs`).
    pub(crate) fn code(&self, town: &Municipality, s: SubjectRef) -> String {
        match s {
            SubjectRef::Person(p) if Some(p) == self.first_person => {
                crate::supply::holders::corrupt_cf(town.subject_cf(s))
            }
            _ => town.subject_cf(s).to_owned(),
        }
    }

    /// Whether `cf` paid anything for the year.
    pub(crate) fn paid_any(&self, cf: &str) -> bool {
        self.payers.contains(cf)
    }

    /// The main-residence claim of holder `cf` on `unit` (`imu_due::main_residence_claim`):
    /// a characteristic-5 declaration in effect, or nothing paid for the year and no other
    /// property with a paying right in it.
    pub(crate) fn claims_main_residence(&self, cf: &str, unit: usize) -> bool {
        if self.declared_main.contains(&(cf.to_owned(), unit)) {
            return true;
        }
        !self.paid_any(cf) && self.properties.get(cf).is_some_and(|v| v[..] == [unit])
    }
}

/// Months of `year` in which person `cf` was registered resident in `unit` (linked by unit key
/// or address + internal).
pub(crate) fn residence_mask(ix: &Index, cf: &str, unit: usize, year: i32) -> u16 {
    ix.linked_residents_of(cf)
        .filter(|(_, u)| *u == Some(unit))
        .fold(0, |m, (r, _)| m | month_mask(r.from, r.to, year))
}

/// Units of the R19/R20 scope on 1 January: group A except A/1, A/8, A/9 and A/10.
pub(crate) fn main_residence_scope(u: &Unit, year: i32) -> bool {
    u.state_at(ymd(year, 1, 1))
        .is_some_and(|s| s.category.is_dwelling() && !s.category.is_luxury())
}

/// Empty dwellings held (now and since before the tax year) by one person with full
/// ownership who lives nowhere in the town: (unit, person), in unit order.
pub(crate) fn empty_dwellings_of_absent_owners(town: &Municipality) -> Vec<(usize, usize)> {
    let mut by_unit: BTreeMap<usize, Vec<&Holding>> = BTreeMap::new();
    for h in &town.holdings {
        by_unit.entry(h.unit).or_default().push(h);
    }
    let mut resident = vec![false; town.persons.len()];
    for r in &town.residents {
        resident[r.person] = true;
    }
    let jan1 = ymd(town.tax_year - 1, 1, 1);
    empty_dwellings(town)
        .into_iter()
        .filter(|&u| main_residence_scope(&town.units[u], town.tax_year))
        .filter_map(|u| {
            let hs = by_unit.get(&u)?;
            let [h] = hs
                .iter()
                .filter(|h| h.valid_to.is_none())
                .copied()
                .collect::<Vec<_>>()[..]
            else {
                return None;
            };
            let SubjectRef::Person(p) = h.subject else {
                return None;
            };
            (h.right == "10" && h.share_num == h.share_den && h.valid_from < jan1 && !resident[p])
                .then_some((u, p))
        })
        .collect()
}

/// Every declared urban position of the IMU file: (tax period, unit key as declared, the
/// unit when the key is one of the generator's).
pub(crate) fn declared_positions(town: &Municipality) -> Vec<(i32, String, Option<usize>)> {
    let mut out: Vec<(i32, String, Option<usize>)> = declared(town)
        .into_iter()
        .filter_map(|d| Some((d.tax_period, town.units[d.unit?].key.clone(), d.unit)))
        .collect();
    for b in &town.planted.imu_blocks {
        if let super::imu_declarations::BlockProperty::Identifiers {
            foglio,
            particella,
            subalterno,
        } = &b.property
        {
            let key = format!("{}//{foglio}/{particella}/{subalterno}", town.belfiore);
            let unit = town.units.iter().position(|u| u.key == key);
            out.push((b.tax_period, key, unit));
        }
    }
    out
}

/// Bounding box (min x, min y, max x, max y) of a ring.
pub(crate) fn bbox(ring: &geo_types::LineString<f64>) -> (f64, f64, f64, f64) {
    ring.0.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(a, b, c, d), p| (a.min(p.x), b.min(p.y), c.max(p.x), d.max(p.y)),
    )
}

/// The OMI zone (`supply/omi.rs`) whose polygon holds the whole of a parcel with a margin of
/// 5 m (so that the parcel's point-on-surface is in it whatever point is chosen).
pub(crate) fn zone_of<'z>(
    zones: &'z [crate::supply::omi::Zone],
    parcel: &crate::Parcel,
) -> Option<&'z crate::supply::omi::Zone> {
    let (x0, y0, x1, y1) = bbox(parcel.geometry.exterior());
    let margin = 5.0;
    zones.iter().find(|z| {
        let (a, b, c, d) = bbox(z.polygon.exterior());
        let inside = x0 - margin > a && y0 - margin > b && x1 + margin < c && y1 + margin < d;
        let clear = z.polygon.interiors().iter().all(|h| {
            let (a, b, c, d) = bbox(h);
            x1 + margin < a || x0 - margin > c || y1 + margin < b || y0 - margin > d
        });
        inside && clear
    })
}

/// OMI minimum sale value (€/m²) and minimum monthly rent (€/m², one decimal as written) of
/// typology 20 (civil dwellings) in a zone, as `supply/omi.rs` writes them.
pub(crate) fn omi_dwelling_minimums(zone: &crate::supply::omi::Zone) -> (f64, f64) {
    let lo = (1900.0 * zone.level / 50.0).round() * 50.0;
    let loc: f64 = format!("{:.1}", lo / 190.0).parse().unwrap_or(0.0);
    (lo, loc)
}

/// Dwellings (A/2, A/3, A/4) with one state, a cadastral surface and an address, whose parcel
/// lies wholly inside one OMI zone: (unit, zone index), in unit order.
pub(crate) fn dwellings_in_zones(town: &Municipality, free: &[usize]) -> Vec<(usize, usize)> {
    let zones = crate::supply::omi::zones(town);
    free.iter()
        .copied()
        .filter(|&u| {
            let unit = &town.units[u];
            unit.states.len() == 1
                && unit
                    .current()
                    .is_some_and(|s| s.category.group == 'A' && matches!(s.category.number, 2..=4))
        })
        .filter_map(|u| {
            let z = zone_of(&zones, &town.parcels[town.units[u].parcel])?;
            Some((u, zones.iter().position(|x| std::ptr::eq(x, z))?))
        })
        .collect()
}

/// Reference IMU rates the engine applies by default (`segit-correlate` `ImuParams`):
/// ordinary 0.86 %, group D 0.86 % of which 0.76 % to the State, luxury main residence 0.5 %
/// with a €200 deduction, rural instrumental 0.1 %, regulated-rent leases 75 %.
pub(crate) mod rates {
    /// ordinary rate
    pub const ORDINARY: f64 = 0.0086;
    /// group D State share
    pub const GROUP_D_STATE: f64 = 0.0076;
    /// luxury main residence
    pub const LUXURY_MAIN: f64 = 0.005;
    /// luxury deduction, euro a year
    pub const LUXURY_DEDUCTION: f64 = 200.0;
    /// D/10
    pub const RURAL_INSTRUMENTAL: f64 = 0.001;
    /// regulated-rent factor
    pub const REGULATED: f64 = 0.75;
    /// minimum payable, euro
    pub const MIN_PAYABLE: f64 = 12.0;
}

/// An appurtenance candidate: rent, unit key, unit, months held.
type Candidate<'a> = (f64, &'a str, usize, u16);

/// One item of a holder's due: object (unit key), F24 tax code, amount.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DueItem {
    /// unit key
    pub object: String,
    /// tax code
    pub code: &'static str,
    /// amount in euro
    pub amount: f64,
}

/// The IMU due of each holder code for the tax year by the reference's formulas (fiscal-
/// rules.md §1.7) on the generator's holdings, residences, declarations and leases: dwellings
/// where the holder is registered resident are exempt (one appurtenance per category on the
/// same parcel with them), luxury ones pay 0.5 % less the deduction, regulated leases pay
/// 75 %, declared unfit units half.
pub(crate) fn holder_dues(
    town: &Municipality,
    imu: &Imu,
    ix: &Index,
    leases: &[Lease],
) -> BTreeMap<String, Vec<DueItem>> {
    dues_of(town, imu, ix, leases, None)
}

/// [`holder_dues`] of the holder codes `codes` only (the same amounts, computed from the
/// holdings of those holders and of their units' co-holders).
pub(crate) fn holder_dues_of(
    town: &Municipality,
    imu: &Imu,
    ix: &Index,
    leases: &[Lease],
    codes: &std::collections::BTreeSet<String>,
) -> BTreeMap<String, Vec<DueItem>> {
    dues_of(town, imu, ix, leases, Some(codes))
}

fn dues_of(
    town: &Municipality,
    imu: &Imu,
    ix: &Index,
    leases: &[Lease],
    only: Option<&std::collections::BTreeSet<String>>,
) -> BTreeMap<String, Vec<DueItem>> {
    let year = imu.year;
    let jan1 = ymd(year, 1, 1);
    let regulated: std::collections::HashSet<usize> = leases
        .iter()
        .filter(|l| lease_regulated(l.occupancy) && l.in_force_in_year(year))
        .flat_map(|l| l.units.iter().copied())
        .collect();
    let unfit: std::collections::HashSet<(&str, usize)> = imu
        .effect
        .iter()
        .filter(|d| d.reduction == 2)
        .filter_map(|d| Some((town.subject_cf(d.declarant), d.unit?)))
        .collect();
    let by_code = paying_by_code(town, imu);
    // the units whose co-holders matter: those of the holders computed
    let units: Option<std::collections::HashSet<usize>> = only.map(|codes| {
        by_code
            .iter()
            .filter(|(c, _)| codes.contains(c))
            .flat_map(|(_, hs)| hs)
            .map(|&hi| town.holdings[hi].unit)
            .collect()
    });
    // Σ shares of the holders resident in each unit (luxury deduction split), summed in code
    // order
    let mut mr_shares: HashMap<usize, f64> = HashMap::new();
    for (code, hs) in &by_code {
        for &hi in hs {
            let h = &town.holdings[hi];
            if units.as_ref().is_some_and(|u| !u.contains(&h.unit)) {
                continue;
            }
            let mask = month_mask(h.valid_from, h.valid_to, year);
            if mask & residence_mask(ix, code, h.unit, year) != 0 {
                *mr_shares.entry(h.unit).or_default() +=
                    f64::from(h.share_num) / f64::from(h.share_den);
            }
        }
    }
    let mut out = BTreeMap::new();
    for (code, hs) in by_code {
        if only.is_some_and(|c| !c.contains(&code)) {
            continue;
        }
        let held: Vec<(&Holding, Option<&UnitState>, u16)> = hs
            .iter()
            .map(|&hi| {
                let h = &town.holdings[hi];
                (
                    h,
                    town.units[h.unit].state_at(jan1),
                    month_mask(h.valid_from, h.valid_to, year),
                )
            })
            .collect();
        let parcel = |u: usize| (town.units[u].foglio, town.units[u].particella.as_str());
        let mut exempt: BTreeMap<usize, u16> = BTreeMap::new();
        let mut parcel_mr: BTreeMap<(u32, &str), (u16, bool)> = BTreeMap::new();
        for &(h, s, mask) in &held {
            let Some(s) = s else { continue };
            if s.category.is_dwelling() {
                let mr = mask & residence_mask(ix, &code, h.unit, year);
                if mr != 0 {
                    exempt.insert(h.unit, mr);
                    let e = parcel_mr.entry(parcel(h.unit)).or_insert((0, false));
                    e.0 |= mr;
                    e.1 |= s.category.is_luxury();
                }
            }
        }
        let mut best: BTreeMap<((u32, &str), u8), Candidate> = BTreeMap::new();
        for &(h, s, mask) in &held {
            let Some(s) = s else { continue };
            if !s.category.is_appurtenance() || !parcel_mr.contains_key(&parcel(h.unit)) {
                continue;
            }
            let rent = s.rent.unwrap_or(0.0);
            let key = town.units[h.unit].key.as_str();
            let slot = best
                .entry((parcel(h.unit), s.category.number))
                .or_insert((rent, key, h.unit, mask));
            if rent
                .total_cmp(&slot.0)
                .then_with(|| slot.1.cmp(key))
                .is_gt()
            {
                *slot = (rent, key, h.unit, mask);
            }
        }
        let mut appurtenance_of_luxury: BTreeMap<usize, bool> = BTreeMap::new();
        for ((p, _), (_, _, unit, mask)) in best {
            if let Some(&(m, luxury)) = parcel_mr.get(&p) {
                exempt.insert(unit, mask & m);
                appurtenance_of_luxury.insert(unit, luxury);
            }
        }
        let mut items = Vec::new();
        for &(h, s, mask) in &held {
            let Some(s) = s else { continue };
            let cat = s.category;
            if cat.group == 'E' {
                continue;
            }
            let (Some(rent), Some(m)) = (s.rent, cat.imu_multiplier()) else {
                continue;
            };
            let mut base = rent * 1.05 * m;
            if unfit.contains(&(code.as_str(), h.unit)) {
                base *= 0.5;
            }
            let factor = if regulated.contains(&h.unit) {
                rates::REGULATED
            } else {
                1.0
            };
            let share = f64::from(h.share_num) / f64::from(h.share_den);
            let ex = exempt.get(&h.unit).copied().unwrap_or(0);
            let other = (mask & !ex).count_ones();
            let ex_months = ex.count_ones();
            let tax = |rate: f64, months: u32| base * rate * share * f64::from(months) / 12.0;
            let object = &town.units[h.unit].key;
            let mut push = |code: &'static str, amount: f64, months: u32| {
                if months > 0 {
                    items.push(DueItem {
                        object: object.clone(),
                        code,
                        amount: (amount * factor).max(0.0),
                    });
                }
            };
            if cat.group == 'D' && cat.number == 10 {
                push("3913", tax(rates::RURAL_INSTRUMENTAL, other), other);
            } else if cat.group == 'D' {
                push("3925", tax(rates::GROUP_D_STATE, other), other);
                push(
                    "3930",
                    tax(rates::ORDINARY - rates::GROUP_D_STATE, other),
                    other,
                );
            } else {
                push("3918", tax(rates::ORDINARY, other), other);
                if cat.is_luxury() && ex_months > 0 {
                    let total = mr_shares.get(&h.unit).copied().unwrap_or(0.0);
                    let ded = if total > 0.0 {
                        rates::LUXURY_DEDUCTION * f64::from(ex_months) / 12.0 * share / total
                    } else {
                        0.0
                    };
                    push("3912", tax(rates::LUXURY_MAIN, ex_months) - ded, ex_months);
                } else if appurtenance_of_luxury
                    .get(&h.unit)
                    .copied()
                    .unwrap_or(false)
                    && ex_months > 0
                {
                    push("3912", tax(rates::LUXURY_MAIN, ex_months), ex_months);
                }
            }
        }
        items.sort_by(|a, b| (&a.object, a.code).cmp(&(&b.object, b.code)));
        out.insert(code, items);
    }
    out
}

/// The holdings with a paying right in the tax year grouped by holder code as written, in code
/// order, each code's holdings in holding order (two subjects of one code — a homocode —
/// share its group).
fn paying_by_code(town: &Municipality, imu: &Imu) -> Vec<(String, Vec<usize>)> {
    let mut by_subject: BTreeMap<SubjectRef, Vec<usize>> = BTreeMap::new();
    for (i, h) in town.holdings.iter().enumerate() {
        if pays_imu(h) && month_mask(h.valid_from, h.valid_to, imu.year) != 0 {
            by_subject.entry(h.subject).or_default().push(i);
        }
    }
    let mut groups: Vec<(String, Vec<usize>)> = by_subject
        .into_iter()
        .map(|(subject, hs)| (imu.code(town, subject), hs))
        .collect();
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(String, Vec<usize>)> = Vec::with_capacity(groups.len());
    for (code, hs) in groups {
        match out.last_mut() {
            Some((c, v)) if *c == code => {
                v.extend(hs);
                v.sort_unstable();
            }
            _ => out.push((code, hs)),
        }
    }
    out
}

/// Amounts paid for the tax year per payer code as written in `imu/f24_imu.csv`.
pub(crate) fn f24_amounts(town: &Municipality) -> BTreeMap<String, f64> {
    let mut due: BTreeMap<(SubjectRef, &'static str), f64> = BTreeMap::new();
    for p in &town.imu_positions {
        if p.paid > 0.0 {
            *due.entry((town.holdings[p.holding].subject, f24_code(p)))
                .or_default() += p.paid;
        }
    }
    let mut rows = 0u64;
    let mut planted = false;
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for ((subject, _), amount) in due {
        let cents = (amount * 100.0).round() as i64;
        let h = mix(cents as u64, rows);
        let mut cf = town.subject_cf(subject).to_owned();
        if !planted && rows >= 5 {
            cf = crate::supply::holders::corrupt_cf(&cf);
            planted = true;
        }
        rows += if h.is_multiple_of(4) { 1 } else { 2 };
        *out.entry(cf).or_default() += cents as f64 / 100.0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fiscal::months_in_year;

    #[test]
    fn month_masks_count_the_generators_months() {
        let starts = [
            ymd(2019, 3, 15),
            ymd(2025, 2, 15),
            ymd(2025, 12, 16),
            ymd(2025, 12, 17),
        ];
        let ends = [
            None,
            Some(ymd(2025, 1, 2)),
            Some(ymd(2025, 7, 16)),
            Some(ymd(2026, 1, 1)),
        ];
        for from in starts {
            for to in ends {
                if to.is_some_and(|t| t <= from) {
                    continue;
                }
                assert_eq!(
                    month_mask(from, to, 2025).count_ones(),
                    months_in_year(from, to, 2025),
                    "{from} {to:?}"
                );
            }
        }
        // residence from 16 December counts December, from 17 December does not (R19)
        assert_eq!(month_mask(ymd(2025, 12, 16), None, 2025), 1 << 11);
        assert_eq!(month_mask(ymd(2025, 12, 17), None, 2025), 0);
    }

    #[test]
    fn omi_minimums_follow_the_written_quotations() {
        let town = crate::generate(&crate::DemoParams {
            seed: 7,
            scale: 0.05,
        });
        let zones = crate::supply::omi::zones(&town);
        // the historic centre at level 1.6: 3 050 €/m², 16.1 €/m² a month
        assert_eq!(omi_dwelling_minimums(&zones[0]), (3050.0, 16.1));
        assert_eq!(omi_dwelling_minimums(&zones[1]), (1900.0, 10.0));
    }
}
