//! Tab 4 (后备) as a catalog: the terms the reserve rule proposes (`eligibility_of`) that
//! nobody has nominated, then every nomination on record, with the grades behind them.

use super::bitset::BitSet;
use super::names::Names;
use super::order::{compose, ordered, replace, rows_where, Natural, Sorts, Texts, EMPTY};
use super::{Ask, Catalog, Visible};
use crate::app::list::Standing;
use crate::app::view::reserve::{annual_text, origin_label, proposal_reason, Col};
use crate::app::view::{index::join, Columns, Rec, Tags};
use crate::domain::plausible::proposal_day;
use crate::domain::reserve::{eligibility_of, Grades};
use crate::domain::term::Term;
use crate::domain::*;
use crate::lang::Lang;
use crate::store::lists::{GradedItem, Roster};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

use super::cadres::date_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Of {
    Candidate(Id),
    Nomination(Id),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Class {
    batch: Option<Id>,
    district: Option<District>,
    dispatch: u32,
}

/// The grades of the terms a list shows them for (the rule's candidates, the nominated terms),
/// by term id.
#[derive(Debug, Clone, Default)]
pub struct TermGrades {
    kept: HashMap<Id, Grades>,
}

impl TermGrades {
    /// Takes graded reviews by term, then kind, then due date (`Store::each_graded`) and keeps
    /// the grades of the terms `keep` wants: a million terms' grades are never all held.
    pub fn collect(items: impl FnOnce(&mut dyn FnMut(GradedItem)), keep: impl Fn(Id, &Grades) -> bool) -> TermGrades {
        let mut kept = HashMap::new();
        let mut current: Option<(Id, Grades)> = None;
        items(&mut |i: GradedItem| {
            if current.as_ref().is_some_and(|(t, _)| *t != i.secondment_id) {
                let (t, g) = current.take().expect("a term");
                if keep(t, &g) {
                    kept.insert(t, g);
                }
            }
            current.get_or_insert_with(|| (i.secondment_id, Grades::default())).1.note(i.kind, i.grade, i.done);
        });
        if let Some((t, g)) = current.filter(|(t, g)| keep(*t, g)) {
            kept.insert(t, g);
        }
        TermGrades { kept }
    }

    pub fn of(&self, term: Id) -> Grades {
        self.kept.get(&term).cloned().unwrap_or_default()
    }
}

/// What decides whether a term is the rule's candidate, besides its grades: ended, and nobody
/// nominated for it (a nomination of the term, or an open one of the cadre).
pub struct Taken {
    by_term: HashSet<Id>,
    open_cadres: HashSet<Id>,
}

impl Taken {
    pub fn of(nominations: &[ReserveNomination]) -> Taken {
        Taken {
            by_term: nominations.iter().filter_map(|n| n.secondment_id).collect(),
            open_cadres: nominations
                .iter()
                .filter(|n| n.secondment_id.is_none() || !n.status.is_final())
                .map(|n| n.cadre_id)
                .collect(),
        }
    }

    /// Whether `t` is the rule's candidate, given its grades.
    pub fn candidate(&self, t: &Term, grades: &Grades, today: NaiveDate) -> bool {
        t.term_over(today)
            && !self.by_term.contains(&t.id)
            && !self.open_cadres.contains(&t.cadre_id)
            && eligibility_of(true, grades).is_eligible()
    }
}

#[derive(Debug, Clone)]
pub struct ReserveCatalog {
    lang: Lang,
    today: NaiveDate,
    of: Vec<Of>,
    cadre: Vec<Id>,
    /// Each row's place in natural order: the candidates by term, then the nominations by id.
    natural: Vec<u64>,
    /// 0 for a rule proposal, else 1 + the nomination's status.
    status: Vec<u8>,
    /// 0 for none, else 1 + the grade.
    final_grade: Vec<u8>,
    worst_annual: Vec<u8>,
    /// Pool ids: annual grades, origin and reason texts; status labels.
    annual: Vec<u32>,
    origin: Vec<u32>,
    reason: Vec<u32>,
    proposed: Vec<u32>,
    since: Vec<u32>,
    class: Vec<u32>,
    classes: Vec<Class>,
    class_ids: HashMap<Class, u32>,
    /// Name and host.
    texts: Texts<2>,
    dead: BitSet,
    dead_count: usize,
    /// Live rows that are the rule's candidates, not yet nominated (the title's count).
    candidates: usize,
    order: Natural,
    sorts: Sorts,
}

/// A row's status code as `status` holds it.
fn standing_code(s: Standing) -> u8 {
    match s {
        Standing::Rule => 0,
        Standing::Nominated(status) => 1 + status as u8,
    }
}

impl ReserveCatalog {
    /// Live rows that are the rule's candidates, not yet nominated.
    pub fn candidates(&self) -> usize {
        self.candidates
    }

    pub fn new(today: NaiveDate, lang: Lang) -> ReserveCatalog {
        let texts: Texts<2> = Texts::default();
        ReserveCatalog {
            lang,
            today,
            of: Vec::new(),
            cadre: Vec::new(),
            natural: Vec::new(),
            status: Vec::new(),
            final_grade: Vec::new(),
            worst_annual: Vec::new(),
            annual: Vec::new(),
            origin: Vec::new(),
            reason: Vec::new(),
            proposed: Vec::new(),
            since: Vec::new(),
            class: Vec::new(),
            classes: Vec::new(),
            class_ids: HashMap::new(),
            texts,
            dead: BitSet::new(0),
            dead_count: 0,
            candidates: 0,
            order: Natural::default(),
            sorts: Sorts::default(),
        }
    }

    /// The candidates among the roster's terms (of `only` cadres, sorted, when given), then the
    /// nominations, as rows.
    pub fn add_from(
        &mut self,
        roster: &Roster,
        names: &Names,
        grades: &TermGrades,
        nominations: &[ReserveNomination],
        only: Option<&[Id]>,
    ) {
        let taken = Taken::of(nominations);
        let today = self.today;
        for t in roster.terms.iter().filter(|t| only.is_none_or(|o| o.binary_search(&t.cadre_id).is_ok())) {
            let g = grades.of(t.id);
            if taken.candidate(t, &g, today) {
                self.push(roster, names, Of::Candidate(t.id), t.cadre_id, Some(t), &g, None);
            }
        }
        for n in nominations {
            let term = match n.secondment_id {
                Some(id) => roster.term(id).map(|i| &roster.terms[i]),
                None => {
                    let own: Vec<Term> =
                        roster.terms_of(n.cadre_id).iter().map(|&p| roster.terms[p as usize]).collect();
                    Term::current(&own, today).and_then(|i| roster.term(own[i].id)).map(|i| &roster.terms[i])
                }
            };
            let g = term.map(|t| grades.of(t.id)).unwrap_or_default();
            self.push(roster, names, Of::Nomination(n.id), n.cadre_id, term, &g, Some(n));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        roster: &Roster,
        names: &Names,
        of: Of,
        cadre: Id,
        term: Option<&Term>,
        grades: &Grades,
        n: Option<&ReserveNomination>,
    ) {
        let lang = self.lang;
        let host = term.map_or(String::new(), |t| {
            let pos = roster.term(t.id).unwrap_or(0);
            join(roster.unit(t.host_unit_id).map_or("?", |u| u.name.as_str()), roster.post_of(pos))
        });
        self.texts.push([names.get(cadre), &host]);
        let pool = &mut self.texts.pool;
        let annual = pool.intern(&annual_text(lang, &grades.annual));
        let (status, proposed, origin, since, reason) = match n {
            None => (
                0,
                term.map_or(EMPTY, |t| date_key(proposal_day(t.end(), grades.evaluated))),
                pool.intern(origin_label(lang, ReserveOrigin::Rule)),
                EMPTY,
                pool.intern(proposal_reason(lang)),
            ),
            Some(n) => (
                1 + n.status as u8,
                date_key(n.proposed_on),
                pool.intern(origin_label(lang, n.origin)),
                date_key(n.status_on),
                pool.intern(&n.reason),
            ),
        };
        let class = Class {
            batch: term.map(|t| t.batch_id),
            district: term.and_then(|t| roster.district(t)),
            dispatch: term.and_then(|t| roster.batch(t.batch_id)).map_or(EMPTY, |b| date_key(b.dispatch_date)),
        };
        let class = *self.class_ids.entry(class).or_insert_with(|| {
            self.classes.push(class);
            self.classes.len() as u32 - 1
        });
        let natural = match of {
            Of::Candidate(id) => id as u64 & ((1 << 62) - 1),
            Of::Nomination(id) => (1 << 63) | (id as u64 & ((1 << 62) - 1)),
        };
        if matches!(of, Of::Candidate(_)) {
            self.candidates += 1;
        }
        self.of.push(of);
        self.cadre.push(cadre);
        self.natural.push(natural);
        self.status.push(status);
        self.final_grade.push(grades.final_grade.map_or(0, |g| 1 + g as u8));
        self.worst_annual.push(grades.worst_annual().map_or(0, |g| 1 + g as u8));
        self.annual.push(annual);
        self.origin.push(origin);
        self.reason.push(reason);
        self.proposed.push(proposed);
        self.since.push(since);
        self.class.push(class);
    }

    pub fn finish(&mut self) {
        self.texts.pool.finish();
        self.dead = BitSet::new(self.of.len());
    }

    /// Takes in what a save changed: the rows of `cadres` made again.
    pub fn apply(
        &mut self,
        cadres: &[Id],
        roster: &Roster,
        names: &Names,
        grades: &TermGrades,
        nominations: &[ReserveNomination],
    ) {
        let epoch = self.texts.pool.epoch();
        // Searched once per row: a sorted few beat a hash.
        let mut sorted = cadres.to_vec();
        sorted.sort_unstable();
        let named = |c: &Id| sorted.binary_search(c).is_ok();
        let mut changed: Vec<u32> = Vec::new();
        for r in 0..self.of.len() {
            if !self.dead.contains(r as u32) && named(&self.cadre[r]) {
                self.dead.insert(r);
                self.dead_count += 1;
                if matches!(self.of[r], Of::Candidate(_)) {
                    self.candidates -= 1;
                }
                self.texts.clear(r);
                changed.push(r as u32);
            }
        }
        let first_new = self.of.len();
        let own: Vec<ReserveNomination> = nominations.iter().filter(|n| named(&n.cadre_id)).cloned().collect();
        self.add_from(roster, names, grades, &own, Some(&sorted));
        changed.extend(first_new as u32..self.of.len() as u32);
        if self.texts.pool.epoch() != epoch {
            self.sorts.forget(|_| true);
        }
        let (mut order, mut sorts) = (std::mem::take(&mut self.order), std::mem::take(&mut self.sorts));
        let natural = |r: u32| self.natural[r as usize];
        replace(&mut order, &mut sorts, self.of.len(), &changed, &self.dead, natural, |c, r| self.key(c, r));
        (self.order, self.sorts) = (order, sorts);
    }

    fn key(&self, col: usize, r: usize) -> u32 {
        let pool = &self.texts.pool;
        let grade = |g: u8| if g == 0 { EMPTY } else { u32::from(g) };
        let Some(col) = Col::at(col) else { return EMPTY };
        match col {
            Col::Name => pool.sort_key(self.texts.of[r][0]),
            Col::Status => u32::from(self.status[r]),
            Col::Final => grade(self.final_grade[r]),
            Col::Annual => grade(self.worst_annual[r]),
            Col::Proposed => self.proposed[r],
            Col::Origin => pool.sort_key(self.origin[r]),
            Col::Since => self.since[r],
            Col::Batch => self.classes[self.class[r] as usize].dispatch,
            Col::Host => pool.sort_key(self.texts.of[r][1]),
            Col::Reason => pool.sort_key(self.reason[r]),
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.of.capacity() * 64 + self.texts.heap_bytes() + self.sorts.heap_bytes()
    }
}

impl Catalog for ReserveCatalog {
    fn len(&self) -> usize {
        self.of.len()
    }

    fn total(&self) -> usize {
        self.of.len() - self.dead_count
    }

    fn order(&self, ask: &Ask) -> Visible {
        let n = self.len();
        let accept: Vec<bool> = self
            .classes
            .iter()
            .map(|c| ask.filters.accepts_tags(&Tags { batch: c.batch, district: c.district, ..Tags::default() }))
            .collect();
        let hits = (!ask.query.is_empty()).then(|| self.texts.search(ask.query));
        let standing = ask.filters.standing.map(standing_code);
        let all = accept.iter().all(|&a| a) && standing.is_none() && self.dead_count == 0;
        let keep = match (&hits, all) {
            (None, true) => None,
            (Some(h), true) => Some(h.rows.as_ref().clone()),
            (within, false) => {
                let within = within.as_ref().map(|h| h.rows.as_ref());
                Some(rows_where(n, within, |r| {
                    accept[self.class[r] as usize]
                        && standing.is_none_or(|s| self.status[r] == s)
                        && !self.dead.contains(r as u32)
                }))
            }
        };
        let sort = ask.sort.filter(|&c| c < Col::ALL.len());
        let order = ordered(&self.sorts, &self.order, n, &self.dead, sort, |c, r| self.key(c, r));
        let first = hits.as_ref().filter(|_| sort.is_none()).map(|h| h.names.as_ref());
        compose(n, order, keep.as_ref(), first, ask.reverse)
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.of.get(row).map(|of| match *of {
            Of::Candidate(id) => Rec::Candidate(id),
            Of::Nomination(id) => Rec::Nomination(id),
        })
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.cadre.get(row).copied()
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        let want = match rec {
            Rec::Candidate(id) => Of::Candidate(id),
            Rec::Nomination(id) => Of::Nomination(id),
            _ => return None,
        };
        (0..self.of.len()).rev().find(|&r| self.of[r] == want && !self.dead.contains(r as u32))
    }
}
