//! The explicit registry of rules: every rule of the engine, in catalogue order, listed here
//! by hand (no discovery magic).

use crate::engine::Rule;
use crate::rules;

/// An ordered set of rules.
pub struct Registry {
    rules: Vec<Box<dyn Rule>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|r| r.id()))
            .finish()
    }
}

impl Registry {
    /// Every implemented rule: data-quality checks first, then the catalogue's rules.
    pub fn standard() -> Self {
        Self {
            rules: rules::all(),
        }
    }

    /// A registry of the given rules (tests, custom runs).
    pub fn from_rules(rules: Vec<Box<dyn Rule>>) -> Self {
        Self { rules }
    }

    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = &dyn Rule> {
        self.rules.iter().map(AsRef::as_ref)
    }

    /// The rule with this id (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&dyn Rule> {
        self.rules()
            .find(|r| r.id().eq_ignore_ascii_case(id.trim()))
    }

    /// Ids of the rules, in order.
    pub fn ids(&self) -> Vec<&'static str> {
        self.rules.iter().map(|r| r.id()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use segit_model::RuleId;

    #[test]
    fn standard_registry_has_unique_valid_ids() {
        let reg = Registry::standard();
        let ids = reg.ids();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "duplicate ids in {ids:?}");
        for r in reg.rules() {
            assert!(RuleId::parse(r.id()).is_ok(), "{}", r.id());
            assert!(r.version() >= 1);
            assert!(!r.legal_basis().is_empty() && !r.title().is_empty());
        }
        assert!(reg.get("q01").is_some());
        assert!(reg.get("R99").is_none());
    }
}
