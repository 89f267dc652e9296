//! Assembly of FAB and TER states: type-1 records and the type 2–5 (FAB) or 2–4 (TER)
//! records with the same common key (censuario.md §3), in any order within the file.
//!
//! [`StateReader`] reads the lines and keeps their text by property (a line whose common key
//! does not parse is rejected at once; states are bounded by [`CensusOptions::max_states`]);
//! at the end of the file it parses and assembles the lines of one property at a time, in
//! order of first appearance, and yields the property with its states sorted by progressive,
//! after the diagnostics of its records. Only the text of the file is held, never every
//! parsed state. Type 2–5 records of a rejected type-1 record, or without any type-1 record, are
//! dropped with a diagnostic each.

use std::collections::{HashMap, VecDeque};
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use segit_model::{PropertyId, PropertyKind};

use super::fields::Values;
use super::{CensusOptions, CommonKey, OnceWarnings, SourceRef, common_key, detects_utf8};
use crate::diag::{Diagnostic, Item};
use crate::text::{Line, LineReader};

/// Where one state was read: its type-1 record and its other records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSource {
    /// Progressive of the state (census field 5).
    pub progressive: u32,
    /// The type-1 record.
    pub record: SourceRef,
    /// The type 2–5 (FAB) or 2–4 (TER) records, in file order.
    pub details: Vec<SourceRef>,
}

/// A rejection found when completing a state: the field at fault and the reason.
pub(crate) type StateError = (Option<&'static str>, String);

/// What distinguishes FAB from TER for the assembler.
pub(crate) trait Layout {
    /// `F` or `T`.
    const KIND: PropertyKind;
    /// Fewest values of a type-1 record (§2).
    const TYPE1_MIN: usize;
    /// Values of a type-1 record in the 2007+ layout.
    const TYPE1_DOCUMENTED: usize;
    /// Highest detail record type.
    const LAST_TYPE: u8;
    /// A parsed type-1 record.
    type Head;
    /// A parsed detail record.
    type Detail;
    /// Detail records gathered for one state.
    type Acc: Default;
    /// A completed state.
    type State;
    /// What the reader yields per property.
    type Output;

    /// Parses a type-1 record with at least `TYPE1_MIN` values.
    fn parse_head(
        v: &mut Values<'_>,
        key: &CommonKey,
        opts: &CensusOptions,
    ) -> Result<Self::Head, Diagnostic>;

    /// Parses a detail record (type 2 ..= `LAST_TYPE`), checking its group count.
    fn parse_detail(
        v: &mut Values<'_>,
        key: &CommonKey,
        opts: &CensusOptions,
    ) -> Result<Self::Detail, Diagnostic>;

    /// Adds a detail record to a state; returns how many groups were dropped over `max_groups`.
    fn add_detail(acc: &mut Self::Acc, detail: Self::Detail, max_groups: usize) -> usize;

    /// Completes a state.
    fn finish(
        head: Self::Head,
        acc: Self::Acc,
        property: &PropertyId,
        progressive: u32,
    ) -> Result<Self::State, StateError>;

    /// True while the state has no closing date.
    fn is_open(state: &Self::State) -> bool;

    /// Closes `prev` with the generating deed of `next` (§8, updates supplies) when `prev` is
    /// still open; returns whether it did.
    fn close_superseded(prev: &mut Self::State, next: &Self::State) -> bool;

    /// Builds the output of one property.
    fn output(
        property: PropertyId,
        states: Vec<Self::State>,
        sources: Vec<StateSource>,
    ) -> Self::Output;
}

/// Records of one state gathered so far.
struct StateAcc<L: Layout> {
    progressive: u32,
    head: Option<(L::Head, u64)>,
    acc: L::Acc,
    detail_lines: Vec<u64>,
    rejected_line: Option<u64>,
}

/// States of one property gathered so far.
struct PropAcc<L: Layout> {
    property: PropertyId,
    states: Vec<StateAcc<L>>,
}

/// Line reading and assembly of one FAB or TER file.
pub(crate) struct StateReader<R, L: Layout> {
    lines: LineReader<R>,
    file: Arc<Path>,
    opts: CensusOptions,
    once: OnceWarnings,
    props: Vec<PropAcc<L>>,
    prop_index: HashMap<PropertyId, usize>,
    state_index: HashMap<(usize, u32), usize>,
    pending: VecDeque<Item<L::Output>>,
    stash: Stash,
    /// the next property to assemble once the file is read
    replay: Option<usize>,
}

/// The lines of a file kept until its end, as text: every line of a property is known only
/// then. The decoded text of all lines is one arena; the lines of one property are chained
/// in file order. About 24 bytes per line besides its text, instead of the parsed records.
#[derive(Default)]
struct Stash {
    text: String,
    lines: Vec<StashedLine>,
    /// (first line, last line) of each property, in order of first appearance
    properties: Vec<(u32, u32)>,
    by_property: HashMap<PropertyId, u32>,
    /// (property, progressive) of every state seen, for the cap on states
    states: std::collections::HashSet<(u32, u32)>,
}

/// One stashed line.
struct StashedLine {
    number: u64,
    start: usize,
    len: u32,
    /// the next line of the same property (`u32::MAX`: none)
    next: u32,
}

impl Stash {
    /// Keeps `line` as a line of `property`; false when the line cannot be kept (more than
    /// `u32::MAX` lines or bytes in one line).
    fn push(&mut self, property: &PropertyId, line: &Line) -> bool {
        let (Ok(i), Ok(len)) = (
            u32::try_from(self.lines.len()),
            u32::try_from(line.text.len()),
        ) else {
            return false;
        };
        if i == u32::MAX {
            return false;
        }
        self.lines.push(StashedLine {
            number: line.number,
            start: self.text.len(),
            len,
            next: u32::MAX,
        });
        self.text.push_str(&line.text);
        if let Some(&p) = self.by_property.get(property) {
            if let Some(last) = self.properties.get_mut(p as usize) {
                if let Some(l) = self.lines.get_mut(last.1 as usize) {
                    l.next = i;
                }
                last.1 = i;
            }
        } else {
            let p = u32::try_from(self.properties.len()).unwrap_or(u32::MAX);
            self.properties.push((i, i));
            self.by_property.insert(property.clone(), p);
        }
        true
    }

    /// The lines of property `p`, in file order.
    fn lines_of(&self, p: usize) -> Vec<Line> {
        let mut out = Vec::new();
        let mut i = self.properties.get(p).map_or(u32::MAX, |(first, _)| *first);
        while let Some(l) = self.lines.get(i as usize) {
            let text = self
                .text
                .get(l.start..l.start + l.len as usize)
                .unwrap_or_default()
                .to_owned();
            out.push(Line {
                number: l.number,
                text,
            });
            i = l.next;
        }
        out
    }
}

impl<R: BufRead, L: Layout> StateReader<R, L> {
    pub(crate) fn new(input: R, file: &Path, opts: CensusOptions) -> Self {
        let lines = LineReader::new(input, file, opts.encoding).with_max_line(opts.max_line);
        Self {
            lines,
            file: Arc::from(file),
            opts,
            once: OnceWarnings::default(),
            props: Vec::new(),
            prop_index: HashMap::new(),
            state_index: HashMap::new(),
            pending: VecDeque::new(),
            stash: Stash::default(),
            replay: None,
        }
    }

    /// Keeps a line until the end of the file (a line whose common key does not parse is
    /// rejected now; a line of a state beyond the cap on states is rejected).
    fn stash_line(&mut self, line: &Line) {
        if super::fields::is_blank(&line.text) {
            return;
        }
        let file = Arc::clone(&self.file);
        let v = Values::split(&line.text, &file, line.number);
        let key = match common_key(&v, L::KIND) {
            Ok(k) => k,
            Err(d) => return self.pending.push_back(Item::Diagnostic(d)),
        };
        let p = self
            .stash
            .by_property
            .get(&key.property)
            .copied()
            .unwrap_or_else(|| u32::try_from(self.stash.properties.len()).unwrap_or(u32::MAX));
        if !self.stash.states.contains(&(p, key.progressive)) {
            if self.stash.states.len() >= self.opts.max_states {
                let d = self.too_many_states(line.number);
                return self.pending.push_back(Item::Diagnostic(d));
            }
            self.stash.states.insert((p, key.progressive));
        }
        if !self.stash.push(&key.property, line) {
            let d = self.too_many_states(line.number);
            self.pending.push_back(Item::Diagnostic(d));
        }
    }

    /// Assembles the states of the `p`-th property of the file from its stashed lines.
    fn assemble(&mut self, p: usize) {
        for line in self.stash.lines_of(p) {
            self.process_line(&line);
        }
        self.prop_index.clear();
        self.state_index.clear();
        for prop in std::mem::take(&mut self.props) {
            self.finish_property(prop);
        }
    }

    fn source(&self, line: u64) -> SourceRef {
        SourceRef {
            file: Arc::clone(&self.file),
            line,
        }
    }

    /// The state of `key`, created when new; `None` when the cap on states is reached.
    fn state_mut(&mut self, key: &CommonKey) -> Option<&mut StateAcc<L>> {
        let full = self.state_index.len() >= self.opts.max_states;
        let p = if let Some(&p) = self.prop_index.get(&key.property) {
            p
        } else {
            if full {
                return None;
            }
            self.props.push(PropAcc {
                property: key.property.clone(),
                states: Vec::new(),
            });
            let p = self.props.len() - 1;
            self.prop_index.insert(key.property.clone(), p);
            p
        };
        let s = if let Some(&s) = self.state_index.get(&(p, key.progressive)) {
            s
        } else {
            if full {
                return None;
            }
            let states = &mut self.props.get_mut(p)?.states;
            states.push(StateAcc {
                progressive: key.progressive,
                head: None,
                acc: L::Acc::default(),
                detail_lines: Vec::new(),
                rejected_line: None,
            });
            let s = states.len() - 1;
            self.state_index.insert((p, key.progressive), s);
            s
        };
        self.props.get_mut(p)?.states.get_mut(s)
    }

    fn too_many_states(&self, line: u64) -> Diagnostic {
        Diagnostic::rejected(
            &self.file,
            line,
            None,
            format!(
                "more than {} states in one supply; record not loaded",
                self.opts.max_states
            ),
        )
    }

    fn process_line(&mut self, line: &Line) {
        if super::fields::is_blank(&line.text) {
            return;
        }
        let file = Arc::clone(&self.file);
        let mut v = Values::split(&line.text, &file, line.number);
        let key = match common_key(&v, L::KIND) {
            Ok(k) => k,
            Err(d) => return self.pending.push_back(Item::Diagnostic(d)),
        };
        let outcome = if key.record_type == 1 {
            self.process_head(&mut v, &key)
        } else if (2..=L::LAST_TYPE).contains(&key.record_type) {
            self.process_detail(&mut v, &key)
        } else {
            Err(v.reject(
                "tipo record",
                format!(
                    "record type {} is not between 1 and {}",
                    key.record_type,
                    L::LAST_TYPE
                ),
            ))
        };
        match outcome {
            Ok(()) => {
                let findings = std::mem::take(&mut v.findings);
                // Findings of an accepted record come before the property that holds it;
                // those of the state's assembly are added at the end of the file.
                self.pending
                    .extend(findings.into_iter().map(Item::Diagnostic));
            }
            Err(d) => self.pending.push_back(Item::Diagnostic(d)),
        }
    }

    fn process_head(&mut self, v: &mut Values<'_>, key: &CommonKey) -> Result<(), Diagnostic> {
        let line = v.line();
        let parsed = if v.len() < L::TYPE1_MIN {
            Err(Diagnostic::rejected(
                &self.file,
                line,
                None,
                format!(
                    "type-1 record with {} values, at least {} required",
                    v.len(),
                    L::TYPE1_MIN
                ),
            ))
        } else {
            L::parse_head(v, key, &self.opts)
        };
        let head = match parsed {
            Ok(h) => h,
            Err(d) => {
                if let Some(st) = self.state_mut(key) {
                    st.rejected_line.get_or_insert(line);
                }
                return Err(d);
            }
        };
        self.once.check(v, "type-1", L::TYPE1_DOCUMENTED);
        let Some(st) = self.state_mut(key) else {
            return Err(self.too_many_states(line));
        };
        if let Some((_, first)) = &st.head {
            return Err(Diagnostic::rejected(
                v.file(),
                line,
                None,
                format!("duplicate type-1 record of this state (first at line {first})"),
            ));
        }
        st.head = Some((head, line));
        Ok(())
    }

    fn process_detail(&mut self, v: &mut Values<'_>, key: &CommonKey) -> Result<(), Diagnostic> {
        let line = v.line();
        self.once.check(v, "detail", usize::MAX);
        if v.len() == 6 {
            v.warn(
                "tipo record",
                format!(
                    "type-{} record without any group; nothing to load",
                    key.record_type
                ),
            );
            return Ok(());
        }
        let detail = L::parse_detail(v, key, &self.opts)?;
        let max_groups = self.opts.max_groups;
        let Some(st) = self.state_mut(key) else {
            return Err(self.too_many_states(line));
        };
        st.detail_lines.push(line);
        let dropped = L::add_detail(&mut st.acc, detail, max_groups);
        if dropped > 0 {
            v.repair(
                "tipo record",
                format!("{dropped} groups beyond {max_groups} per state and record type dropped"),
            );
        }
        Ok(())
    }

    /// Completes the states of one property into `pending`.
    fn finish_property(&mut self, prop: PropAcc<L>) {
        let mut done: Vec<(L::State, StateSource, u64)> = Vec::new();
        for st in prop.states {
            let progressive = st.progressive;
            let Some((head, line)) = st.head else {
                let reason = match st.rejected_line {
                    Some(l) => {
                        format!("dropped with the type-1 record of its state, rejected at line {l}")
                    }
                    None => format!(
                        "no type-1 record for property {} progressive {progressive} in the file",
                        prop.property.id
                    ),
                };
                for l in st.detail_lines {
                    self.pending
                        .push_back(Item::Diagnostic(Diagnostic::rejected(
                            &self.file,
                            l,
                            None,
                            reason.clone(),
                        )));
                }
                continue;
            };
            match L::finish(head, st.acc, &prop.property, progressive) {
                Ok(state) => {
                    let source = StateSource {
                        progressive,
                        record: self.source(line),
                        details: st.detail_lines.iter().map(|&l| self.source(l)).collect(),
                    };
                    done.push((state, source, line));
                }
                Err((field, reason)) => {
                    self.pending
                        .push_back(Item::Diagnostic(Diagnostic::rejected(
                            &self.file, line, field, reason,
                        )));
                    for l in st.detail_lines {
                        self.pending.push_back(Item::Diagnostic(Diagnostic::rejected(
                            &self.file,
                            l,
                            None,
                            format!(
                                "dropped with the type-1 record of its state, rejected at line {line}"
                            ),
                        )));
                    }
                }
            }
        }
        if done.is_empty() {
            return;
        }
        done.sort_by_key(|(_, s, _)| s.progressive);
        for i in 1..done.len() {
            let (before, after) = done.split_at_mut(i);
            let (Some(prev), Some(next)) = (before.last_mut(), after.first()) else {
                continue;
            };
            if prev.1.progressive.checked_add(1) != Some(next.1.progressive) || !L::is_open(&prev.0)
            {
                continue;
            }
            let field = Some("data di efficacia (atto conclusivo)");
            let diagnostic =
                if self.opts.close_superseded && L::close_superseded(&mut prev.0, &next.0) {
                    Diagnostic::repaired(
                        &self.file,
                        prev.2,
                        field,
                        format!(
                            "state still open although progressive {} follows (line {}); closed \
                         with its generating deed",
                            next.1.progressive, next.2
                        ),
                    )
                } else {
                    Diagnostic::warning(
                        &self.file,
                        prev.2,
                        field,
                        format!(
                            "state still open although progressive {} follows (line {}); kept as \
                         written",
                            next.1.progressive, next.2
                        ),
                    )
                };
            self.pending.push_back(Item::Diagnostic(diagnostic));
        }
        let (states, sources): (Vec<_>, Vec<_>) =
            done.into_iter().map(|(s, src, _)| (s, src)).unzip();
        self.pending
            .push_back(Item::Record(L::output(prop.property, states, sources)));
    }
}

impl<R: BufRead, L: Layout> Iterator for StateReader<R, L> {
    type Item = Item<L::Output>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if let Some(p) = self.replay {
                if p >= self.stash.properties.len() {
                    self.stash = Stash::default();
                    return None;
                }
                self.replay = Some(p + 1);
                self.assemble(p);
                continue;
            }
            match self.lines.next() {
                None => {
                    self.stash.states = std::collections::HashSet::new();
                    self.stash.by_property = HashMap::new();
                    self.replay = Some(0);
                }
                Some(Err(d)) => return Some(Item::Diagnostic(d)),
                Some(Ok(mut line)) => {
                    if detects_utf8(&self.opts)
                        && let Some(d) = self.once.decode_utf8(&mut line, &self.file)
                    {
                        self.pending.push_back(Item::Diagnostic(d));
                    }
                    self.stash_line(&line);
                }
            }
        }
    }
}

/// The groups of a repeating-group record: the values after the common key, which must be a
/// multiple of `size` (§2).
pub(crate) fn groups<'v, 'a>(
    v: &'v Values<'a>,
    size: usize,
    what: &str,
) -> Result<std::slice::Chunks<'v, &'a str>, Diagnostic> {
    let tail = v.tail(7);
    if size == 0 || !tail.len().is_multiple_of(size) {
        return Err(Diagnostic::rejected(
            v.file(),
            v.line(),
            None,
            format!(
                "{what} record with {} values after the common key, not a multiple of the \
                 group size {size}",
                tail.len()
            ),
        ));
    }
    Ok(tail.chunks(size.max(1)))
}

/// Appends `items` to `list` up to `max` entries; returns how many did not fit.
pub(crate) fn push_capped<T>(list: &mut Vec<T>, items: Vec<T>, max: usize) -> usize {
    let room = max.saturating_sub(list.len());
    let n = items.len();
    list.extend(items.into_iter().take(room));
    n.saturating_sub(room)
}
