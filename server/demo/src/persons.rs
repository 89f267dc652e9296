//! Invented natural persons and legal entities with valid fiscal codes.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use crate::codes::{CfRegistry, entity_code};
use crate::dates::{between, ymd};
use crate::entities::{Entity, Person};
use crate::names;
use crate::rng::Rng;

/// Birthplaces of Italian-born persons: Belfiore code and weight. The first entry is replaced by
/// the demo municipality's own code.
const ITALIAN_BIRTHPLACES: [(&str, f64); 13] = [
    ("", 0.38),
    ("F205", 0.22), // Milano
    ("A794", 0.07), // Bergamo
    ("B157", 0.05), // Brescia
    ("C933", 0.03), // Como
    ("L682", 0.03), // Varese
    ("G388", 0.03), // Pavia
    ("F704", 0.05), // Monza
    ("H501", 0.03), // Roma
    ("F839", 0.04), // Napoli
    ("C351", 0.02), // Catania
    ("L219", 0.02), // Torino
    ("G273", 0.03), // Palermo
];

/// Creates persons and entities, keeping their codes unique.
#[derive(Debug)]
pub struct Registry {
    /// the demo municipality's Belfiore code
    pub belfiore: &'static str,
    /// persons created so far
    pub persons: Vec<Person>,
    /// entities created so far
    pub entities: Vec<Entity>,
    cfs: CfRegistry,
    entity_names: BTreeSet<String>,
}

impl Registry {
    /// An empty registry for municipality `belfiore`.
    pub fn new(belfiore: &'static str) -> Self {
        Self {
            belfiore,
            persons: Vec::new(),
            entities: Vec::new(),
            cfs: CfRegistry::default(),
            entity_names: BTreeSet::new(),
        }
    }

    /// A new person; `surname` forces the surname (children), `abroad` gives the index of the
    /// country of birth in [`names::COUNTRIES`] for a foreign-born person.
    pub fn person(
        &mut self,
        rng: &mut Rng,
        female: bool,
        birth: NaiveDate,
        surname: Option<&str>,
        abroad: Option<usize>,
    ) -> usize {
        let country = abroad.map(|c| names::COUNTRIES[c % names::COUNTRIES.len()]);
        let (place, citizenship) = if let Some(c) = &country {
            (c.code, c.citizenship)
        } else {
            let w: Vec<f64> = ITALIAN_BIRTHPLACES.iter().map(|b| b.1).collect();
            let p = ITALIAN_BIRTHPLACES[rng.weighted(&w)].0;
            (if p.is_empty() { self.belfiore } else { p }, "IT")
        };
        // A forced surname whose codes are all taken (practically impossible) gives way to an
        // invented one after a few attempts, so the loop always ends.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let surname = match surname {
                Some(s) if attempt < 20 => s.to_owned(),
                _ => match &country {
                    Some(c) => c.surname(rng),
                    None => names::surname(rng),
                },
            };
            let name = match &country {
                Some(c) => c.given_name(rng, female),
                None => names::given_name(rng, female),
            };
            if let Some(cf) = self.cfs.person(&surname, &name, female, birth, place) {
                self.persons.push(Person {
                    cf,
                    surname,
                    name,
                    female,
                    birth_date: birth,
                    birth_place: place,
                    citizenship,
                });
                return self.persons.len() - 1;
            }
        }
    }

    /// A person of age `min..=max` on `on`, of random sex; 7 % are foreign-born.
    pub fn adult(&mut self, rng: &mut Rng, min: i32, max: i32, on: NaiveDate) -> usize {
        let female = rng.chance(0.5);
        let abroad = rng
            .chance(0.07)
            .then(|| rng.below(names::COUNTRIES.len() as u64) as usize);
        let birth = birth_for_age(rng, min, max, on);
        self.person(rng, female, birth, None, abroad)
    }

    /// A new entity named `name` (made unique when taken) with its seat.
    pub fn entity(&mut self, rng: &mut Rng, name: &str, seat: &'static str) -> usize {
        let mut unique = name.to_owned();
        let mut k = 2;
        while !self.entity_names.insert(unique.clone()) {
            unique = format!("{name} {k}");
            k += 1;
        }
        let n = self.entities.len() as u32;
        let office = *rng.pick(&[150u16, 151, 160, 161, 170]);
        self.entities.push(Entity {
            cf: entity_code(1_200_000 + n * 37, office),
            name: unique,
            seat,
        });
        self.entities.len() - 1
    }

    /// A new company with an invented name, seated in the municipality or in Milano.
    pub fn company(&mut self, rng: &mut Rng) -> usize {
        let name = names::company(rng);
        let seat = if rng.chance(0.6) {
            self.belfiore
        } else {
            "F205"
        };
        self.entity(rng, &name, seat)
    }

    /// Index in [`names::COUNTRIES`] of the country where person `p` was born, if abroad.
    pub fn country_of(&self, p: usize) -> Option<usize> {
        let place = self.persons.get(p)?.birth_place;
        names::COUNTRIES.iter().position(|c| c.code == place)
    }
}

/// A birth date giving an age in `min..=max` on `on`.
pub fn birth_for_age(rng: &mut Rng, min: i32, max: i32, on: NaiveDate) -> NaiveDate {
    let y = on.year();
    between(rng, ymd(y - max - 1, on.month(), 1), ymd(y - min, 1, 1))
}
