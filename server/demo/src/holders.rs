//! Who holds and who lives in each unit: households of the civil registry, holdings (rights and
//! shares over time) and occupancies (the facts behind TARI positions).
//!
//! Dwellings are owner-occupied, let or empty; appurtenances (garages, storerooms) follow the
//! owners of a dwelling on the same parcel; shops and offices belong to persons or companies and
//! host businesses; special units belong to companies, public buildings to the municipality and
//! the church to the parish. Shares of the holdings valid at any date sum to 1 for full and
//! usufruct rights, and separately to 1 for bare ownership.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};

use crate::dates::{add_years, between, ymd};
use crate::entities::{Holding, Occupancy, Resident, SubjectRef, Unit};
use crate::persons::{Registry, birth_for_age};
use crate::rng::Rng;

/// Last date of generated events.
pub const LAST_EVENT: NaiveDate = match NaiveDate::from_ymd_opt(2025, 11, 30) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// One holder of a unit: subject, right, share numerator and denominator.
type Owner = (SubjectRef, &'static str, u32, u32);

/// Holders of a unit.
type Owners = Vec<Owner>;

/// Holdings, residents and occupancies.
#[derive(Debug, Default)]
pub struct Population {
    /// holdings
    pub holdings: Vec<Holding>,
    /// residence periods
    pub residents: Vec<Resident>,
    /// occupancies
    pub occupancies: Vec<Occupancy>,
}

struct Gen<'a> {
    rng: &'a mut Rng,
    reg: &'a mut Registry,
    units: &'a [Unit],
    out: Population,
    households: u32,
    dwellings: Vec<usize>,
    /// heads of resident households (they may own other units)
    heads: Vec<usize>,
    /// persons owning units they do not live in (multi-property owners are common)
    landlords: Vec<usize>,
    /// companies owning units
    companies: Vec<usize>,
    /// construction companies (first owners of new units)
    builders: Vec<usize>,
    comune: usize,
    parish: usize,
}

/// Generates holders and residents of `units`; `comune` and `parish` are the entity indexes of
/// the municipality and the parish.
pub fn generate(
    rng: &mut Rng,
    reg: &mut Registry,
    units: &[Unit],
    comune: usize,
    parish: usize,
) -> Population {
    let dwellings: Vec<usize> = (0..units.len())
        .filter(|&u| {
            units[u].address_key.is_some()
                && units[u].current().is_some_and(|s| s.category.is_dwelling())
        })
        .collect();
    let mut g = Gen {
        rng,
        reg,
        units,
        out: Population::default(),
        households: 0,
        dwellings,
        heads: Vec::new(),
        landlords: Vec::new(),
        companies: Vec::new(),
        builders: Vec::new(),
        comune,
        parish,
    };
    let mut by_parcel: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (u, unit) in units.iter().enumerate() {
        by_parcel.entry(unit.parcel).or_default().push(u);
    }
    for list in by_parcel.values() {
        // owner-occupied dwellings of the parcel: (owners, from, occupancy index, categories used)
        let mut homes: Vec<(Owners, NaiveDate, usize, Vec<u8>)> = Vec::new();
        let is_home = |u: &usize| {
            units[*u]
                .current()
                .is_some_and(|s| s.category.is_dwelling())
        };
        for &u in list.iter().filter(|u| is_home(u)) {
            g.dwelling(u, &mut homes);
        }
        for &u in list.iter().filter(|u| !is_home(u)) {
            g.other(u, &mut homes);
        }
    }
    g.out
}

impl Gen<'_> {
    fn first_from(&self, u: usize) -> NaiveDate {
        self.units[u]
            .states
            .first()
            .map_or(LAST_EVENT, |s| s.valid_from)
    }

    fn dwelling(&mut self, u: usize, homes: &mut Vec<(Owners, NaiveDate, usize, Vec<u8>)>) {
        let first = self.first_from(u);
        if self.units[u].address_key.is_none() {
            let owners = self.landlord();
            self.own_since(u, &owners, first);
            return;
        }
        match self.rng.weighted(&[0.62, 0.20, 0.18]) {
            0 => {
                let (members, from) = self.household(u, first, None);
                let head = members[0].0;
                let spouse = members.iter().find(|m| m.1 == "spouse").map(|m| m.0);
                let head_age = LAST_EVENT.year() - self.reg.persons[head].birth_date.year();
                let owners: Owners = if spouse.is_none() && head_age >= 70 && self.rng.chance(0.3) {
                    let birth = birth_for_age(self.rng, 35, 55, LAST_EVENT);
                    let surname = self.reg.persons[head].surname.clone();
                    let female = self.rng.chance(0.5);
                    let child = self
                        .reg
                        .person(self.rng, female, birth, Some(&surname), None);
                    vec![
                        (SubjectRef::Person(head), "80", 1, 1),
                        (SubjectRef::Person(child), "20", 1, 1),
                    ]
                } else if let Some(s) = spouse.filter(|_| self.rng.chance(0.55)) {
                    vec![
                        (SubjectRef::Person(head), "10", 1, 2),
                        (SubjectRef::Person(s), "10", 1, 2),
                    ]
                } else {
                    vec![(SubjectRef::Person(head), "10", 1, 1)]
                };
                self.own_from(u, &owners, first, from);
                let occ = self.occupy(
                    vec![u],
                    SubjectRef::Person(head),
                    Some(members.len()),
                    from,
                    None,
                );
                homes.push((owners, from, occ, Vec::new()));
            }
            1 => {
                let owners = self.landlord();
                let bought = self.purchase_date(first);
                self.own_from(u, &owners, first, bought);
                let (members, from) = self.household(u, first, None);
                self.occupy(
                    vec![u],
                    SubjectRef::Person(members[0].0),
                    Some(members.len()),
                    from,
                    None,
                );
            }
            _ => {
                let owners = self.landlord();
                let bought = self.purchase_date(first);
                self.own_from(u, &owners, first, bought);
                if self.rng.chance(0.25) && first < ymd(2019, 1, 1) {
                    let left = between(self.rng, ymd(2021, 1, 1), LAST_EVENT);
                    let (members, from) = self.household(u, first, Some(left));
                    self.occupy(
                        vec![u],
                        SubjectRef::Person(members[0].0),
                        Some(members.len()),
                        from,
                        Some(left),
                    );
                } else if self.rng.chance(0.3) {
                    // a second home used by its owner, who lives elsewhere
                    self.occupy(vec![u], owners[0].0, Some(0), bought.max(first), None);
                }
            }
        }
    }

    fn other(&mut self, u: usize, homes: &mut [(Owners, NaiveDate, usize, Vec<u8>)]) {
        let first = self.first_from(u);
        let Some(cat) = self.units[u].current().map(|s| s.category) else {
            return;
        };
        if cat.is_appurtenance() {
            let free = homes.iter().position(|h| !h.3.contains(&cat.number));
            if let Some(h) = free.filter(|_| self.rng.chance(0.85)) {
                let (owners, from, occ, used) = &mut homes[h];
                used.push(cat.number);
                let owners = owners.clone();
                let from = (*from).max(first);
                let occ = *occ;
                self.own_from(u, &owners, first, from);
                self.out.occupancies[occ].units.push(u);
            } else {
                let owners = self.landlord();
                self.own_since(u, &owners, first);
            }
            return;
        }
        match cat.group {
            'A' | 'C' => {
                let owners = if self.rng.chance(0.4) {
                    vec![(SubjectRef::Entity(self.owner_company()), "10", 1, 1)]
                } else {
                    self.landlord()
                };
                let bought = self.purchase_date(first);
                self.own_from(u, &owners, first, bought);
                if self.rng.chance(0.85) {
                    let business = match owners[0].0 {
                        e @ SubjectRef::Entity(_) if self.rng.chance(0.5) => e,
                        _ => SubjectRef::Entity(self.reg.company(self.rng)),
                    };
                    let from = between(self.rng, first, LAST_EVENT);
                    self.occupy(vec![u], business, None, from, None);
                }
            }
            'D' => {
                let company = SubjectRef::Entity(self.reg.company(self.rng));
                self.own_since(u, &[(company, "10", 1, 1)], first);
                if self.rng.chance(0.9) {
                    self.occupy(vec![u], company, None, first, None);
                }
            }
            'B' => self.own_since(u, &[(SubjectRef::Entity(self.comune), "10", 1, 1)], first),
            'E' => self.own_since(u, &[(SubjectRef::Entity(self.parish), "10", 1, 1)], first),
            _ => {
                let owners = if cat.number == 3 {
                    vec![(SubjectRef::Entity(self.builder()), "10", 1, 1)]
                } else {
                    self.landlord()
                };
                self.own_since(u, &owners, first);
                // a derelict unit that is in fact lived in
                if cat.number == 2 && self.units[u].address_key.is_some() && self.rng.chance(0.1) {
                    let (members, from) = self.household(u, first, None);
                    self.occupy(
                        vec![u],
                        SubjectRef::Person(members[0].0),
                        Some(members.len()),
                        from,
                        None,
                    );
                }
            }
        }
    }

    /// A landlord who does not live in the unit: a non-resident person, a resident of another
    /// unit, a company, or heirs sharing the unit.
    fn landlord(&mut self) -> Owners {
        match self.rng.weighted(&[0.45, 0.25, 0.15, 0.15]) {
            0 => {
                let p = if !self.landlords.is_empty() && self.rng.chance(0.35) {
                    *self.rng.pick(&self.landlords)
                } else {
                    let p = self.reg.adult(self.rng, 30, 85, LAST_EVENT);
                    self.landlords.push(p);
                    p
                };
                vec![(SubjectRef::Person(p), "10", 1, 1)]
            }
            1 if !self.heads.is_empty() => {
                let p = *self.rng.pick(&self.heads);
                vec![(SubjectRef::Person(p), "10", 1, 1)]
            }
            2 => vec![(SubjectRef::Entity(self.owner_company()), "10", 1, 1)],
            _ => {
                let n = self.rng.int(2, 3) as u32;
                let surname = crate::names::surname(self.rng);
                (0..n)
                    .map(|_| {
                        let birth = birth_for_age(self.rng, 30, 70, LAST_EVENT);
                        let female = self.rng.chance(0.5);
                        let p = self
                            .reg
                            .person(self.rng, female, birth, Some(&surname), None);
                        (SubjectRef::Person(p), "10", 1, n)
                    })
                    .collect()
            }
        }
    }

    /// A company owning units: often one that already owns some.
    fn owner_company(&mut self) -> usize {
        if !self.companies.is_empty() && self.rng.chance(0.5) {
            return *self.rng.pick(&self.companies);
        }
        let c = self.reg.company(self.rng);
        self.companies.push(c);
        c
    }

    /// A construction company: a few builders put up most new buildings.
    fn builder(&mut self) -> usize {
        if !self.builders.is_empty() && !self.rng.chance(0.08) {
            return *self.rng.pick(&self.builders);
        }
        let c = self.reg.company(self.rng);
        self.builders.push(c);
        c
    }

    fn purchase_date(&mut self, first: NaiveDate) -> NaiveDate {
        if self.rng.chance(0.45) {
            between(self.rng, first, LAST_EVENT)
        } else {
            first
        }
    }

    /// `owners` hold `u` from `first` (the unit's first state).
    fn own_since(&mut self, u: usize, owners: &[Owner], first: NaiveDate) {
        self.own_from(u, owners, first, first);
    }

    /// `owners` hold `u` from `from`; when `from` is later than `first`, earlier owners held it
    /// from `first` (the builder for recent units, otherwise one or two persons).
    fn own_from(&mut self, u: usize, owners: &[Owner], first: NaiveDate, from: NaiveDate) {
        if from > first {
            let previous: Owners = if first.year() >= 2000 && self.rng.chance(0.7) {
                vec![(SubjectRef::Entity(self.builder()), "10", 1, 1)]
            } else if !self.landlords.is_empty() && self.rng.chance(0.4) {
                vec![(
                    SubjectRef::Person(*self.rng.pick(&self.landlords)),
                    "10",
                    1,
                    1,
                )]
            } else if self.rng.chance(0.3) {
                let a = self.reg.adult(self.rng, 40, 95, from);
                let b = self.reg.adult(self.rng, 40, 95, from);
                vec![
                    (SubjectRef::Person(a), "10", 1, 2),
                    (SubjectRef::Person(b), "10", 1, 2),
                ]
            } else {
                vec![(
                    SubjectRef::Person(self.reg.adult(self.rng, 40, 95, from)),
                    "10",
                    1,
                    1,
                )]
            };
            self.hold(u, &previous, first, Some(from));
        }
        self.hold(u, owners, from.max(first), None);
    }

    fn hold(&mut self, u: usize, owners: &[Owner], from: NaiveDate, to: Option<NaiveDate>) {
        for &(subject, right, num, den) in owners {
            let id = 7_000_001 + self.out.holdings.len() as u64;
            self.out.holdings.push(Holding {
                id,
                unit: u,
                subject,
                right,
                share_num: num,
                share_den: den,
                valid_from: from,
                valid_to: to,
            });
        }
    }

    fn occupy(
        &mut self,
        units: Vec<usize>,
        occupant: SubjectRef,
        household: Option<usize>,
        from: NaiveDate,
        to: Option<NaiveDate>,
    ) -> usize {
        self.out.occupancies.push(Occupancy {
            units,
            occupant,
            household_size: household.map(|n| n as u32),
            from,
            to,
            lease_rent: None,
        });
        self.out.occupancies.len() - 1
    }

    /// A household living in `u` from a date after `earliest` (until `until`, exclusive);
    /// registers its residence rows and returns (members with relationship, from).
    fn household(
        &mut self,
        u: usize,
        earliest: NaiveDate,
        until: Option<NaiveDate>,
    ) -> (Vec<(usize, &'static str)>, NaiveDate) {
        let end = until.map_or(LAST_EVENT, |d| d - Days::new(1));
        let size = 1 + self.rng.weighted(&[0.33, 0.28, 0.19, 0.15, 0.05]);
        let (min_age, max_age) = if size == 1 { (22, 92) } else { (27, 80) };
        let head = self.reg.adult(self.rng, min_age, max_age, end);
        let head_birth = self.reg.persons[head].birth_date;
        let from = between(self.rng, earliest.max(add_years(head_birth, 20)), end);
        if until.is_none() {
            self.heads.push(head);
        }
        let mut members = vec![(head, "head")];
        let mut children = size - 1;
        if size >= 2 && self.rng.chance(0.85) {
            let female = !self.reg.persons[head].female;
            let age = end.year() - head_birth.year() + self.rng.int(-5, 5) as i32;
            let birth = birth_for_age(self.rng, age.max(20), age.max(20), end);
            let abroad = self.reg.country_of(head).filter(|_| self.rng.chance(0.7));
            members.push((
                self.reg.person(self.rng, female, birth, None, abroad),
                "spouse",
            ));
            children -= 1;
        }
        let surname = self.reg.persons[head].surname.clone();
        let abroad = self.reg.country_of(head);
        for _ in 0..children {
            let oldest = (end.year() - head_birth.year() - 20).clamp(0, 30);
            let birth = birth_for_age(self.rng, 0, oldest, end);
            let female = self.rng.chance(0.5);
            let c = self
                .reg
                .person(self.rng, female, birth, Some(&surname), abroad);
            members.push((c, "child"));
        }
        self.households += 1;
        let household_id = format!("F{:06}", self.households);
        let moved_within = from > ymd(1995, 1, 1) && self.rng.chance(0.1);
        let previous = if moved_within && !self.dwellings.is_empty() {
            let k = self.rng.below(self.dwellings.len() as u64) as usize;
            let prev = self.dwellings[k];
            let prev_from = between(self.rng, add_years(from, -12), add_years(from, -1));
            // the earlier home must already exist
            (prev_from >= self.first_from(prev)).then_some((prev, prev_from))
        } else {
            None
        };
        for (m, &(person, relationship)) in members.iter().enumerate() {
            let birth = self.reg.persons[person].birth_date;
            let start = from.max(birth);
            if let Some((prev_unit, prev_from)) = previous.filter(|p| p.0 != u && birth < from) {
                let prev_from = prev_from.max(birth);
                self.resident(
                    format!("{household_id}/{}/0", m + 1),
                    (person, relationship),
                    &household_id,
                    prev_unit,
                    (prev_from, Some(from)),
                );
            }
            self.resident(
                format!("{household_id}/{}/1", m + 1),
                (person, relationship),
                &household_id,
                u,
                (start, until),
            );
        }
        (members, from)
    }

    /// Registers the residence of `(person, relationship)` in unit `u` for `[from, to)`.
    fn resident(
        &mut self,
        id: String,
        (person, relationship): (usize, &'static str),
        household_id: &str,
        u: usize,
        (from, to): (NaiveDate, Option<NaiveDate>),
    ) {
        let unit = &self.units[u];
        let linked = self.rng.chance(0.9);
        self.out.residents.push(Resident {
            id,
            person,
            household_id: household_id.to_owned(),
            relationship,
            address_key: unit.address_key.clone().unwrap_or_default(),
            staircase: unit.staircase.clone(),
            floor: Some(unit.floor.clone()),
            internal: unit.internal.clone(),
            from,
            to,
            unit_key: linked.then(|| unit.key.clone()),
            unit: u,
        });
    }
}
