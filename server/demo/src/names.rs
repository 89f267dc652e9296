//! Word lists for invented names: surnames are composed from Italian-sounding roots and endings,
//! so generated persons are fictional; given names, street names and company words are common
//! Italian words. Everything is upper case, as in cadastral and registry records.

use crate::rng::Rng;

/// Roots of composed surnames.
const SURNAME_ROOTS: &[&str] = &[
    "BARB", "BELL", "BERT", "BIANC", "BOSC", "BRAMB", "BRES", "CALD", "CAMP", "CARD", "CASAT",
    "CAST", "COLL", "CORN", "CRESP", "DAL", "FAV", "FERR", "FONT", "FORN", "GALB", "GALL", "GATT",
    "GHIS", "GIUL", "GORL", "GRAS", "LANZ", "LOMB", "LONG", "MAGN", "MANT", "MARC", "MART", "MAZZ",
    "MOLT", "MONT", "MOR", "NEGR", "ORL", "PAGAN", "PASS", "PEL", "PIAZZ", "PIR", "POZZ", "RAV",
    "RIG", "ROMAN", "ROSS", "RUGG", "SALV", "SANT", "SCOTT", "SORD", "SPIN", "TAGL", "TOR", "TREV",
    "VALS", "VERD", "VIGAN", "VILL", "ZANOTT",
];

/// Endings of composed surnames.
const SURNAME_ENDINGS: &[&str] = &[
    "AGHI", "ANI", "ARI", "ASCHI", "ELLI", "ENGHI", "ERIO", "ETTI", "IERI", "INELLI", "INI", "IO",
    "OLA", "ONI", "ORI", "OSSI", "OTTI", "UCCHI", "UZZI",
];

/// Surnames written with an article, a space or an apostrophe (they exercise the codice fiscale
/// rule that ignores non-letters).
const SURNAME_PARTICLES: &[&str] = &["DE ", "DELL'", "DAL ", "LO ", "D'"];

/// Male given names.
const MALE_NAMES: &[&str] = &[
    "ALBERTO",
    "ALESSANDRO",
    "ANDREA",
    "ANGELO",
    "ANTONIO",
    "CARLO",
    "CLAUDIO",
    "DANIELE",
    "DAVIDE",
    "EMANUELE",
    "ENRICO",
    "FABIO",
    "FEDERICO",
    "FILIPPO",
    "FRANCESCO",
    "GABRIELE",
    "GIACOMO",
    "GIANLUCA",
    "GIORGIO",
    "GIOVANNI",
    "GIUSEPPE",
    "LORENZO",
    "LUCA",
    "LUIGI",
    "MARCO",
    "MARIO",
    "MASSIMO",
    "MATTEO",
    "MAURIZIO",
    "MICHELE",
    "NICOLÒ",
    "PAOLO",
    "PIETRO",
    "RICCARDO",
    "ROBERTO",
    "SERGIO",
    "SIMONE",
    "STEFANO",
    "TOMMASO",
    "VALERIO",
];

/// Female given names.
const FEMALE_NAMES: &[&str] = &[
    "ALESSIA",
    "ALICE",
    "ANNA",
    "BEATRICE",
    "CARLA",
    "CHIARA",
    "CRISTINA",
    "DANIELA",
    "ELENA",
    "ELISA",
    "EMMA",
    "FEDERICA",
    "FRANCESCA",
    "GINEVRA",
    "GIORGIA",
    "GIULIA",
    "ILARIA",
    "LAURA",
    "LUCIA",
    "MARIA",
    "MARTA",
    "MARTINA",
    "MONICA",
    "NOEMI",
    "PAOLA",
    "ROBERTA",
    "ROSSANA",
    "SARA",
    "SILVIA",
    "SOFIA",
    "TERESA",
    "VALENTINA",
    "VERONICA",
];

/// A country of birth of foreign-born persons with typical names.
#[derive(Debug, Clone, Copy)]
pub struct Country {
    /// Z-code used as birthplace in the codice fiscale
    pub code: &'static str,
    /// ISO 3166-1 alpha-2 citizenship
    pub citizenship: &'static str,
    surnames: &'static [&'static str],
    male: &'static [&'static str],
    female: &'static [&'static str],
}

/// Countries of birth of foreign-born persons.
pub const COUNTRIES: [Country; 4] = [
    Country {
        code: "Z129",
        citizenship: "RO",
        surnames: &["POPESCU", "IONESCU", "RADU", "DUMITRU", "STAN"],
        male: &["ADRIAN", "ION", "MIHAI", "ANDREI"],
        female: &["IOANA", "ELENA", "ANDREEA", "MARIA"],
    },
    Country {
        code: "Z100",
        citizenship: "AL",
        surnames: &["HOXHA", "KOLA", "DUKA", "SHEHU", "LEKA"],
        male: &["ARBEN", "ERION", "GENTI", "ALBAN"],
        female: &["ERJONA", "ANISA", "BLERTA", "DRITA"],
    },
    Country {
        code: "Z330",
        citizenship: "MA",
        surnames: &["EL AMRANI", "BENALI", "EL IDRISSI", "BOUZID", "TAHIRI"],
        male: &["KARIM", "YOUSSEF", "MOHAMED", "HAMZA"],
        female: &["FATIMA", "AMINA", "SALMA", "NADIA"],
    },
    Country {
        code: "Z210",
        citizenship: "CN",
        surnames: &["CHEN", "ZHANG", "WANG", "LIU", "HU"],
        male: &["WEI", "JUN", "HAO", "MING"],
        female: &["LI", "XIN", "YAN", "MEI"],
    },
];

impl Country {
    /// A surname of the country.
    pub fn surname(&self, rng: &mut Rng) -> String {
        (*rng.pick(self.surnames)).to_owned()
    }

    /// A given name of the country for the sex (`female`).
    pub fn given_name(&self, rng: &mut Rng, female: bool) -> String {
        (*rng.pick(if female { self.female } else { self.male })).to_owned()
    }
}

/// Official street names (DUF). Accented capitals are kept as written in registers.
pub const STREET_NAMES: &[&str] = &[
    "ROMA",
    "GIUSEPPE GARIBALDI",
    "GIUSEPPE MAZZINI",
    "CAMILLO BENSO DI CAVOUR",
    "DANTE ALIGHIERI",
    "DEI MILLE",
    "XXV APRILE",
    "IV NOVEMBRE",
    "XX SETTEMBRE",
    "DELLA LIBERTÀ",
    "DELLA REPUBBLICA",
    "VITTORIO VENETO",
    "ALESSANDRO MANZONI",
    "GIACOMO LEOPARDI",
    "UGO FOSCOLO",
    "GIOSUÈ CARDUCCI",
    "GIUSEPPE VERDI",
    "GIACOMO PUCCINI",
    "GIOACHINO ROSSINI",
    "ALESSANDRO VOLTA",
    "GALILEO GALILEI",
    "LEONARDO DA VINCI",
    "CRISTOFORO COLOMBO",
    "MARCO POLO",
    "AMERIGO VESPUCCI",
    "NICOLÒ TOMMASEO",
    "CESARE BATTISTI",
    "NAZARIO SAURO",
    "FRANCESCO BARACCA",
    "GUGLIELMO MARCONI",
    "ENRICO FERMI",
    "ANTONIO GRAMSCI",
    "GIACOMO MATTEOTTI",
    "PIERO GOBETTI",
    "ALDO MORO",
    "LUIGI EINAUDI",
    "SANDRO PERTINI",
    "GIOVANNI XXIII",
    "DON GIOVANNI BOSCO",
    "SAN FRANCESCO",
    "SANT'AMBROGIO",
    "SAN CARLO",
    "SANTA MARIA",
    "SAN ROCCO",
    "DELLA CHIESA",
    "DEL MUNICIPIO",
    "DEL MERCATO",
    "DELLA STAZIONE",
    "DEL CIMITERO",
    "DELLE SCUOLE",
    "DEL LAVORO",
    "DELL'INDUSTRIA",
    "DELL'ARTIGIANATO",
    "DEL COMMERCIO",
    "DEI MESTIERI",
    "DEI TIGLI",
    "DEI PLATANI",
    "DEI PIOPPI",
    "DEI CASTAGNI",
    "DELLE BETULLE",
    "DEI GELSI",
    "DELLE ROSE",
    "DEI GIGLI",
    "DELLE VIOLE",
    "DEI GERANI",
    "DELLE ORTENSIE",
    "DEI CILIEGI",
    "DEGLI ULIVI",
    "DELLE QUERCE",
    "DEI LARICI",
    "MILANO",
    "BERGAMO",
    "BRESCIA",
    "COMO",
    "LECCO",
    "MONZA",
    "PAVIA",
    "CREMONA",
    "LODI",
    "VARESE",
    "SONDRIO",
    "MANTOVA",
    "TORINO",
    "GENOVA",
    "VENEZIA",
    "TRIESTE",
    "TRENTO",
    "BOLOGNA",
    "FIRENZE",
    "ADDA",
    "TICINO",
    "OGLIO",
    "SERIO",
    "BREMBO",
    "LAMBRO",
    "OLONA",
    "PO",
    "ADIGE",
    "PIAVE",
    "MONTE ROSA",
    "MONTE BIANCO",
    "MONTE GRAPPA",
    "MONTE NERO",
    "RESEGONE",
    "GRIGNA",
    "PIZZO COCA",
    "DELLE ALPI",
    "DEGLI ALPINI",
    "DEI BERSAGLIERI",
    "DEI CADUTI",
    "DELLA RESISTENZA",
    "DEI PARTIGIANI",
    "DELLA PACE",
    "DELL'EUROPA",
    "DELLE NAZIONI",
    "DEGLI ARTIGIANI",
    "DEI CONTADINI",
    "DEL MULINO",
    "DELLA ROGGIA",
    "DEL FONTANILE",
    "DELLA CASCINA",
    "DEL BOSCO",
    "DEI CAMPI",
    "DEL PRATO",
    "DEI VIGNETI",
    "DELLA FORNACE",
    "DELLA FILANDA",
    "DEL TORCHIO",
    "ANNA FRANK",
    "MARIA MONTESSORI",
    "GRAZIA DELEDDA",
    "ADA NEGRI",
    "RITA LEVI MONTALCINI",
    "TINA ANSELMI",
    "NILDE IOTTI",
    "MARGHERITA HACK",
    "ALESSANDRO ANTONELLI",
    "ANTONIO STOPPANI",
    "CARLO CATTANEO",
    "PIETRO VERRI",
    "CESARE BECCARIA",
    "GIUSEPPE PARINI",
    "CARLO PORTA",
    "FRANCESCO PETRARCA",
    "LUDOVICO ARIOSTO",
    "TORQUATO TASSO",
    "GIOVANNI PASCOLI",
    "GABRIELE D'ANNUNZIO",
    "LUIGI PIRANDELLO",
    "ITALO SVEVO",
    "EUGENIO MONTALE",
    "CESARE PAVESE",
    "PRIMO LEVI",
    "ITALO CALVINO",
    "DINO BUZZATI",
    "GIORGIO GABER",
    "FAUSTO COPPI",
    "GINO BARTALI",
    "TAZIO NUVOLARI",
    "ENZO FERRARI",
    "ADRIANO OLIVETTI",
    "ENRICO MATTEI",
    "CAMILLO GOLGI",
    "VECCHIA PER BERGAMO",
    "PROVINCIALE",
    "PER CASSANO",
    "PER TREVIGLIO",
    "DELLE INDUSTRIE",
    "DELLE CAVE",
    "DEL PORTO",
    "DELLA VALLE",
    "DEL CASTELLO",
    "DEL BORGO",
    "DEL SEMPIONE",
    "DELLO SPLUGA",
    "DEL BRENNERO",
    "DEL GOTTARDO",
    "DELLO STELVIO",
    "DEL TONALE",
    "DEL MORTIROLO",
    "DEL GAVIA",
    "DELL'APRICA",
    "DEL MALOJA",
    "DEL BERNINA",
];

/// First words of company names.
const COMPANY_WORDS: &[&str] = &[
    "IMMOBILIARE",
    "COSTRUZIONI",
    "EDILIZIA",
    "META",
    "LOMBARDA",
    "MECCANICA",
    "TRASPORTI",
    "LOGISTICA",
    "COMMERCIALE",
    "TESSITURA",
    "FONDERIA",
    "PLASTICHE",
    "ALIMENTARI",
    "SERVIZI",
];

/// Second words of company names.
const COMPANY_NAMES: &[&str] = &[
    "ADDA",
    "ALFA",
    "AURORA",
    "BORGO",
    "BRIANZA",
    "CASCINA",
    "CENTRO",
    "DELTA",
    "EUROPA",
    "FUTURA",
    "GAMMA",
    "ITALIA",
    "LAMBRO",
    "NORD",
    "ORIZZONTE",
    "PIANURA",
    "PRIMAVERA",
    "SERIO",
    "SOLE",
    "VALLE",
    "VERDE",
];

/// Legal forms of companies.
const COMPANY_FORMS: &[&str] = &["SRL", "SRL", "SRL", "SPA", "SNC", "SAS", "SRLS"];

/// An invented surname (mostly composed, sometimes with a particle).
pub fn surname(rng: &mut Rng) -> String {
    let base = format!("{}{}", rng.pick(SURNAME_ROOTS), rng.pick(SURNAME_ENDINGS));
    if rng.chance(0.04) {
        format!("{}{}", rng.pick(SURNAME_PARTICLES), base)
    } else {
        base
    }
}

/// An Italian given name for the sex (`female`).
pub fn given_name(rng: &mut Rng, female: bool) -> String {
    (*rng.pick(if female { FEMALE_NAMES } else { MALE_NAMES })).to_owned()
}

/// A company name with its legal form.
pub fn company(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(COMPANY_WORDS),
        rng.pick(COMPANY_NAMES),
        rng.pick(COMPANY_FORMS)
    )
}
