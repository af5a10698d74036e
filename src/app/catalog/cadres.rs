//! Tab 1 (干部) as a catalog: per cadre, only what ordering, filtering and searching need
//! (`view::cadres::Col` defines the columns), derived from the [`Roster`] with the domain's own
//! rules: the current secondment (`Term::current`), the policy flags (`term_rules`) and the pair
//! checks (`pair_rule`), as the view shows them.
//!
//! Per cadre about 40 bytes: id, three text ids (name, home, host) into a shared pool, the sort
//! keys of the other columns, and a class (its filter tags). A save changes the rows of the
//! cadres it touched in place (`apply`); sorted orders are patched, not made again.

use super::order::{compose, rows_where, Sorts, Texts, EMPTY};
use super::pool::BitSet;
use super::{Ask, Catalog, Visible};
use crate::app::view::cadres::{gender_label, political_short, Col};
use crate::app::view::{index::join, Columns, Rec, Tags};
use crate::domain::flags::{term_rules, Rule};
use crate::domain::pairing::pair_rule;
use crate::domain::term::Term;
use crate::domain::*;
use crate::lang::Lang;
use crate::store::lists::Roster;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// A date as an order-preserving sort key (never `EMPTY`).
pub fn date_key(d: NaiveDate) -> u32 {
    (i64::from(d.num_days_from_ce()) - i64::from(i32::MIN)) as u32
}

/// A number as an order-preserving sort key.
pub fn num_key(n: i32) -> u32 {
    (i64::from(n) - i64::from(i32::MIN)) as u32
}

/// What a row keeps besides its texts and class.
#[derive(Debug, Clone, Copy)]
struct Info {
    age: u32,
    term_end: u32,
    next_review: u32,
    /// The Flags cell's text (pool id).
    flags: u32,
    gender: u8,
    political: u8,
    /// 0 down, 1 up, `NO_DIRECTION` without a secondment.
    direction: u8,
}

const NO_DIRECTION: u8 = u8::MAX;

/// One combination of filter tags, with the Batch column's sort key (the batch's dispatch date).
#[derive(Debug, Clone, Copy)]
struct Class {
    tags: Tags,
    dispatch: u32,
}

/// One cadre's row as derived from the roster (before its texts are interned).
#[derive(Debug, Clone)]
pub struct Derived {
    pub id: Id,
    pub texts: [String; 3],
    pub flags: String,
    pub tags: Tags,
    pub dispatch: u32,
    age: u32,
    term_end: u32,
    next_review: u32,
    gender: u8,
    political: u8,
    direction: u8,
}

/// Derives cadres' rows from a roster for one day and language: the rules the view applies.
pub struct Deriver<'a> {
    pub roster: &'a Roster,
    pub today: NaiveDate,
    pub lang: Lang,
}

impl Deriver<'_> {
    pub fn derive(&self, c: &Cadre) -> Derived {
        let (r, lang, today) = (self.roster, self.lang, self.today);
        let unit_name = |id: Id| r.unit(id).map_or("?", |u| u.name.as_str());
        let positions = r.terms_of(c.id);
        let terms: Vec<Term> = positions.iter().map(|&p| r.terms[p as usize]).collect();
        let mut flags: Vec<&'static str> = Vec::new();
        let mut d = Derived {
            id: c.id,
            texts: [c.name.clone(), join(unit_name(c.home_unit_id), &c.home_post), String::new()],
            flags: String::new(),
            tags: Tags { archived: c.archived, ..Tags::default() },
            dispatch: EMPTY,
            age: num_key(c.age_on(today)),
            term_end: EMPTY,
            next_review: EMPTY,
            gender: c.gender as u8,
            political: c.political as u8,
            direction: NO_DIRECTION,
        };
        match Term::current(&terms, today) {
            Some(i) => {
                let (t, pos) = (&terms[i], positions[i] as usize);
                d.texts[2] = join(unit_name(t.host_unit_id), r.post_of(pos));
                d.tags.batch = Some(t.batch_id);
                d.tags.district = r.district(t);
                d.dispatch = r.batch(t.batch_id).map_or(EMPTY, |b| date_key(b.dispatch_date));
                d.direction = t.direction as u8;
                d.term_end = date_key(t.end());
                d.next_review = r.next_due[pos].map_or(EMPTY, date_key);
                match t.status(today) {
                    SecondmentStatus::EndedEarly => flags.push(lang.pick("提前结束", "ended early")),
                    SecondmentStatus::Planned => flags.push(lang.pick("未开始", "not started")),
                    _ => {}
                }
                let label = |rule: Rule| lang.pick(rule.zh(), rule.en());
                for (rule, named) in term_rules(c.grassroots_years, &terms, r.policy.term_months) {
                    flags.extend(named.iter().filter(|&&s| s == t.id).map(|_| label(rule)));
                }
                let mut paired = false;
                for p in r.pairs_of(pos) {
                    paired = true;
                    let side = |id: Id| r.term(id).map(|i| &r.terms[i]);
                    let (down, up) = (side(p.down_id), side(p.up_id));
                    let home = |s: Option<&Term>| s.and_then(|s| r.home(s.cadre_id)).unwrap_or(0);
                    if let Some(rule) = pair_rule(p.batch_id, down, up, home(down), home(up)) {
                        flags.push(label(rule));
                    }
                }
                if !paired {
                    flags.push(label(Rule::Unpaired));
                }
            }
            None => flags.push(lang.pick("无挂职记录", "no secondment")),
        }
        if c.archived {
            flags.push(lang.pick("已归档", "archived"));
        }
        d.flags = flags.join(lang.pick("，", ", "));
        d
    }
}

/// The Cadres tab's records; rows are cadres, by id.
#[derive(Debug, Clone)]
pub struct CadreCatalog {
    ids: Vec<Id>,
    /// Rows whose cadre is gone (deleted outside the program).
    dead: BitSet,
    dead_count: usize,
    texts: Texts<3>,
    info: Vec<Info>,
    class: Vec<u32>,
    classes: Vec<Class>,
    class_ids: HashMap<(Option<Id>, Option<District>, bool), u32>,
    /// Pool ids of the gender, political and direction labels, by their codes' order.
    labels: Labels,
    sorts: Sorts,
}

#[derive(Debug, Clone, Default)]
struct Labels {
    gender: [u32; 2],
    political: [u32; 4],
    direction: [u32; 2],
}

impl CadreCatalog {
    pub fn new(lang: Lang) -> CadreCatalog {
        let mut texts: Texts<3> = Texts::default();
        let pool = &mut texts.pool;
        let labels = Labels {
            gender: [Gender::Male, Gender::Female].map(|g| pool.intern(gender_label(lang, g))),
            political: [Political::Party, Political::Democratic, Political::NonParty, Political::Masses]
                .map(|p| pool.intern(political_short(lang, p))),
            direction: [Direction::Down, Direction::Up].map(|d| pool.intern(lang.pick(d.zh(), d.en()))),
        };
        CadreCatalog {
            ids: Vec::new(),
            dead: BitSet::new(0),
            dead_count: 0,
            texts,
            info: Vec::new(),
            class: Vec::new(),
            classes: Vec::new(),
            class_ids: HashMap::new(),
            labels,
            sorts: Sorts::default(),
        }
    }

    /// Adds a row (cadres come in id order while building).
    pub fn push(&mut self, d: Derived) {
        let class = self.class_of(&d);
        let [name, home, host] = &d.texts;
        self.texts.push([name, home, host]);
        let flags = self.texts.pool.intern(&d.flags);
        self.ids.push(d.id);
        self.info.push(info(&d, flags));
        self.class.push(class);
    }

    /// Keys and ranks the texts: the catalog is ready.
    pub fn finish(&mut self) {
        self.texts.pool.finish();
        self.dead = BitSet::new(self.ids.len());
        self.ids.shrink_to_fit();
        self.info.shrink_to_fit();
        self.class.shrink_to_fit();
        self.texts.of.shrink_to_fit();
    }

    fn class_of(&mut self, d: &Derived) -> u32 {
        let key = (d.tags.batch, d.tags.district, d.tags.archived);
        if let Some(&c) = self.class_ids.get(&key) {
            return c;
        }
        self.classes.push(Class { tags: d.tags, dispatch: d.dispatch });
        let c = self.classes.len() as u32 - 1;
        self.class_ids.insert(key, c);
        c
    }

    /// Takes in what a save changed: the rows of `keys` made again from `rows` (the cadres of
    /// `keys` that still exist, derived from a roster read after the save). Sorted orders are
    /// patched in place.
    pub fn apply(&mut self, keys: &[Id], rows: Vec<Derived>) {
        let epoch = self.texts.pool.epoch();
        let mut changed: Vec<u32> = Vec::new();
        let mut by_id: HashMap<Id, Derived> = rows.into_iter().map(|d| (d.id, d)).collect();
        for &id in keys {
            let row = self.row_of(id);
            match (row, by_id.remove(&id)) {
                (Some(row), Some(d)) => {
                    let class = self.class_of(&d);
                    let [name, home, host] = &d.texts;
                    self.texts.set(row, [name, home, host]);
                    let flags = self.texts.pool.intern(&d.flags);
                    self.info[row] = info(&d, flags);
                    self.class[row] = class;
                    if self.dead.contains(row as u32) {
                        self.dead.remove(row);
                        self.dead_count -= 1;
                    }
                    changed.push(row as u32);
                }
                (None, Some(d)) => {
                    self.push(d);
                    changed.push(self.ids.len() as u32 - 1);
                }
                (Some(row), None) if !self.dead.contains(row as u32) => {
                    self.dead.insert(row);
                    self.dead_count += 1;
                    self.texts.clear(row);
                    changed.push(row as u32);
                }
                _ => {}
            }
        }
        changed.sort_unstable();
        if self.texts.pool.epoch() != epoch {
            // Every text was ranked again: orders by text are stale.
            self.sorts.forget(|_| true);
        }
        let mut sorts = std::mem::take(&mut self.sorts);
        sorts.patch(&changed, |r| !self.dead.contains(r), |col, row| self.key(col, row));
        self.sorts = sorts;
    }

    /// The row of cadre `id` (ids ascend, but a cadre added out of order is found too).
    fn row_of(&self, id: Id) -> Option<usize> {
        match self.ids.binary_search(&id) {
            Ok(r) => Some(r),
            Err(_) => self.ids.iter().rposition(|&x| x == id),
        }
    }

    /// The sort key of `row`'s cell in column `col`: one `u32` per column, ordered as the cells'
    /// `SortKey::compare` orders them, empty last. Text sorts by pinyin rank.
    fn key(&self, col: usize, row: usize) -> u32 {
        let pool = &self.texts.pool;
        let i = &self.info[row];
        let Some(col) = Col::at(col) else { return EMPTY };
        match col {
            Col::Name => pool.sort_key(self.texts.of[row][0]),
            Col::Sex => pool.sort_key(self.labels.gender[usize::from(i.gender) % 2]),
            Col::Age => i.age,
            Col::Politics => pool.sort_key(self.labels.political[usize::from(i.political) % 4]),
            Col::Home => pool.sort_key(self.texts.of[row][1]),
            Col::Direction => self.labels.direction.get(usize::from(i.direction)).map_or(EMPTY, |&l| pool.sort_key(l)),
            Col::Host => pool.sort_key(self.texts.of[row][2]),
            Col::Batch => self.classes[self.class[row] as usize].dispatch,
            Col::TermEnd => i.term_end,
            Col::NextReview => i.next_review,
            Col::Flags => pool.sort_key(i.flags),
        }
    }

    /// Heap bytes held (for the memory budget).
    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 8
            + self.texts.heap_bytes()
            + self.info.capacity() * std::mem::size_of::<Info>()
            + self.class.capacity() * 4
            + self.sorts.heap_bytes()
            + self.dead.heap_bytes()
    }
}

fn info(d: &Derived, flags: u32) -> Info {
    Info {
        age: d.age,
        term_end: d.term_end,
        next_review: d.next_review,
        flags,
        gender: d.gender,
        political: d.political,
        direction: d.direction,
    }
}

impl Catalog for CadreCatalog {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn total(&self) -> usize {
        let archived: Vec<bool> = self.classes.iter().map(|c| c.tags.archived).collect();
        self.class.iter().enumerate().filter(|(r, &c)| !archived[c as usize] && !self.dead.contains(*r as u32)).count()
    }

    fn order(&self, ask: &Ask) -> Visible {
        let n = self.len();
        let accept: Vec<bool> = self.classes.iter().map(|c| ask.filters.accepts_tags(&c.tags)).collect();
        let hits = (!ask.query.is_empty()).then(|| self.texts.search(ask.query));
        let all_classes = accept.iter().all(|&a| a) && self.dead_count == 0;
        let keep: Option<BitSet> = match (&hits, all_classes) {
            (None, true) => None,
            (Some(h), true) => Some(h.rows.as_ref().clone()),
            (within, false) => {
                let within = within.as_ref().map(|h| h.rows.as_ref());
                Some(rows_where(n, within, |r| accept[self.class[r] as usize] && !self.dead.contains(r as u32)))
            }
        };
        let sort = ask.sort.filter(|&c| c < Col::ALL.len());
        let order = sort.map(|col| {
            let live = (0..n as u32).filter(|&r| !self.dead.contains(r));
            self.sorts.get(col, live, |r| self.key(col, r))
        });
        // A search without a sort: the cadres whose name matches first.
        let first = hits.as_ref().filter(|_| sort.is_none()).map(|h| h.names.as_ref());
        compose(n, order, keep.as_ref(), first, ask.reverse)
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.ids.get(row).map(|&id| Rec::Cadre(id))
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.ids.get(row).copied()
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        match rec {
            Rec::Cadre(id) => self.row_of(id).filter(|&r| !self.dead.contains(r as u32)),
            _ => None,
        }
    }
}

/// Reads the cadres of `ids` (all when `None`) and derives their rows.
pub fn derive_all(
    store: &crate::store::Store,
    roster: &Roster,
    ids: Option<&[Id]>,
    today: NaiveDate,
    lang: Lang,
    invalid: &mut Vec<String>,
    mut f: impl FnMut(Derived),
) -> crate::store::Result<()> {
    let deriver = Deriver { roster, today, lang };
    store.each_cadre(ids, invalid, |c| f(deriver.derive(&c)))
}
