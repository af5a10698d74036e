//! Tab 1 (干部) as a catalog: per cadre, only what ordering, filtering and searching need
//! (`view::cadres::Col` defines the columns), derived from the [`Roster`] with the domain's own
//! rules: the current secondment (`Term::current`), the policy flags (`term_rules`) and the pair
//! checks (`pair_rule`), as the view shows them.
//!
//! Per cadre about 40 bytes: id, three text ids (name, home, host) into a shared pool, the sort
//! keys of the other columns, and a class (its filter tags). A save changes the rows of the
//! cadres it touched in place (`apply`); sorted orders are patched, not made again.

use super::bitset::BitSet;
use super::lazy::compose_lazy;
use super::order::{compose, rows_where, Sorts, Texts, EMPTY, PARALLEL_ROWS};
use super::{Ask, Catalog, Visible};
use crate::app::view::cadres::{gender_label, political_short, Col};
use crate::app::view::{index::join, Columns, Rec, Tags};
use crate::domain::dates::age_on;
use crate::domain::flags::{term_rules, Rule};
use crate::domain::pairing::pair_rule;
use crate::domain::term::Term;
use crate::domain::*;
use crate::lang::Lang;
use crate::store::lists::{CadreItem, Roster};
use chrono::{Datelike, NaiveDate};
use hashbrown::HashMap;

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
/// A row's roster position when the cadre has no current term.
const NO_TERM: u32 = u32::MAX;

/// The sort "column" of the tab's own order (`now_key`), past the real columns.
const NOW_FIRST: usize = Col::ALL.len();
const LOW_28: u32 = (1 << 28) - 1;

/// What tells classes apart: batch, district, archived, phase.
type ClassKey = (Option<Id>, Option<District>, bool, Option<SecondmentStatus>);

/// One combination of filter tags, with the Batch column's sort key (the batch's dispatch date).
#[derive(Debug, Clone, Copy)]
struct Class {
    tags: Tags,
    dispatch: u32,
}

/// One cadre's row as derived from the roster (before its texts are interned): what a save
/// reads again for the cadres it touched.
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

/// What the flags read of a cadre.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub id: Id,
    pub grassroots_years: f64,
    pub archived: bool,
}

impl Person {
    fn of(c: &CadreItem) -> Person {
        Person { id: c.id, grassroots_years: c.grassroots_years, archived: c.archived }
    }
}

/// What a row shows of the cadre's current term (its host text is interned apart: `host`).
struct Shown {
    tags: Tags,
    dispatch: u32,
    direction: u8,
    term_end: u32,
}

impl Deriver<'_> {
    fn unit_name(&self, id: Id) -> &str {
        self.roster.unit(id).map_or("?", |u| u.name.as_str())
    }

    /// The roster position of the term the row shows: the domain's "current".
    pub fn current(&self, cadre: Id) -> Option<usize> {
        self.current_and_phase(cadre).0
    }

    /// The current term's position and the cadre's phase (`Term::phase`).
    pub fn current_and_phase(&self, cadre: Id) -> (Option<usize>, Option<SecondmentStatus>) {
        self.with_terms(cadre, |terms, positions| {
            (Term::current(terms, self.today).map(|i| positions[i] as usize), Term::phase(terms, self.today))
        })
    }

    /// `f` of the cadre's terms in start order and their roster positions. A cadre has a few
    /// terms: they are copied onto the stack, not into a new vector for each of a million rows.
    fn with_terms<R>(&self, cadre: Id, f: impl FnOnce(&[Term], &[u32]) -> R) -> R {
        let positions = self.roster.terms_of(cadre);
        let term_at = |p: &u32| self.roster.terms[*p as usize];
        let (mut held, on_heap);
        let terms: &[Term] = match positions {
            [] => &[],
            [first, ..] if positions.len() <= 8 => {
                held = [term_at(first); 8];
                for (slot, p) in held.iter_mut().zip(positions) {
                    *slot = term_at(p);
                }
                &held[..positions.len()]
            }
            _ => {
                on_heap = positions.iter().map(term_at).collect::<Vec<_>>();
                &on_heap
            }
        };
        f(terms, positions)
    }

    /// The Host column's text of the term at `pos`.
    fn host(&self, pos: usize) -> String {
        join(self.unit_name(self.roster.terms[pos].host_unit_id), self.roster.post_of(pos))
    }

    fn shown(&self, pos: usize, archived: bool, phase: Option<SecondmentStatus>) -> Shown {
        let (r, t) = (self.roster, &self.roster.terms[pos]);
        Shown {
            tags: Tags { batch: Some(t.batch_id), district: r.district(t), archived, phase, ..Tags::default() },
            dispatch: r.batch(t.batch_id).map_or(EMPTY, |b| date_key(b.dispatch_date)),
            direction: t.direction as u8,
            term_end: date_key(t.end()),
        }
    }

    /// The Flags cell: the current term's status (ended early, not started), then with `rules`
    /// the policy flags and pair findings naming it, then "archived". `rules` is false for the
    /// first pass of a build, before the pairs and the whole roster are read.
    pub fn flags(&self, c: Person, current: Option<usize>, rules: bool, out: &mut Vec<&'static str>) {
        let (r, lang) = (self.roster, self.lang);
        let label = |rule: Rule| lang.pick(rule.zh(), rule.en());
        match current {
            Some(pos) => {
                let t = &r.terms[pos];
                match t.status(self.today) {
                    SecondmentStatus::EndedEarly => out.push(lang.pick("提前结束", "ended early")),
                    SecondmentStatus::Planned => out.push(lang.pick("未开始", "not started")),
                    _ => {}
                }
                if rules {
                    self.with_terms(c.id, |terms, _| {
                        for (rule, named) in term_rules(c.grassroots_years, terms, r.policy.term_months) {
                            out.extend(named.iter().filter(|&&s| s == t.id).map(|_| label(rule)));
                        }
                    });
                    let mut paired = false;
                    for p in r.pairs_of(pos) {
                        paired = true;
                        let side = |id: Id| r.term(id).map(|i| &r.terms[i]);
                        let (down, up) = (side(p.down_id), side(p.up_id));
                        let home = |s: Option<&Term>| s.and_then(|s| r.home(s.cadre_id)).unwrap_or(0);
                        if let Some(rule) = pair_rule(p.batch_id, down, up, home(down), home(up)) {
                            out.push(label(rule));
                        }
                    }
                    if !paired {
                        out.push(label(Rule::Unpaired));
                    }
                }
            }
            None => out.push(lang.pick("无挂职记录", "no secondment")),
        }
        if c.archived {
            out.push(lang.pick("已归档", "archived"));
        }
    }

    /// The whole row of one cadre (a save's refresh).
    pub fn derive(&self, c: &CadreItem) -> Derived {
        let (current, phase) = self.current_and_phase(c.id);
        let mut flags = Vec::new();
        self.flags(Person::of(c), current, true, &mut flags);
        let shown = current.map(|pos| self.shown(pos, c.archived, phase));
        Derived {
            id: c.id,
            texts: [
                c.name.to_string(),
                join(self.unit_name(c.home_unit_id), c.home_post),
                current.map_or(String::new(), |pos| self.host(pos)),
            ],
            flags: flags.join(self.lang.pick("，", ", ")),
            tags: shown.as_ref().map_or(Tags { archived: c.archived, ..Tags::default() }, |s| s.tags),
            dispatch: shown.as_ref().map_or(EMPTY, |s| s.dispatch),
            age: num_key(age_on(c.birth_date, self.today)),
            term_end: shown.as_ref().map_or(EMPTY, |s| s.term_end),
            next_review: current.and_then(|pos| self.roster.next_due[pos]).map_or(EMPTY, date_key),
            gender: c.gender as u8,
            political: c.political as u8,
            direction: shown.as_ref().map_or(NO_DIRECTION, |s| s.direction),
        }
    }
}

/// What the rules add to every row of a catalog built without them (the build's last pass):
/// each row's Flags cell (an index into `texts`, the few distinct ones) and next review.
#[derive(Debug, Clone, Default)]
pub struct CadreRules {
    pub texts: Vec<String>,
    pub flags: Vec<u32>,
    pub next_review: Vec<u32>,
}

/// The Cadres tab's records; rows are cadres, by id.
#[derive(Debug, Clone)]
pub struct CadreCatalog {
    ids: Vec<Id>,
    /// Rows whose cadre is gone (deleted outside the program).
    dead: BitSet,
    dead_count: usize,
    /// Live rows not archived (the title's total), kept up to date: counting is a pass over
    /// every row, too slow for each keystroke at a million.
    shown_total: usize,
    texts: Texts<3>,
    info: Vec<Info>,
    class: Vec<u32>,
    classes: Vec<Class>,
    class_ids: HashMap<ClassKey, u32>,
    /// Pool ids of the gender, political and direction labels, by their codes' order.
    labels: Labels,
    sorts: Sorts,
    /// Every row's flags and next review are in (see `take_rules`).
    complete: bool,
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
            shown_total: 0,
            texts,
            info: Vec::new(),
            class: Vec::new(),
            classes: Vec::new(),
            class_ids: HashMap::new(),
            labels,
            sorts: Sorts::default(),
            complete: true,
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
        self.shown_total = (0..self.ids.len()).filter(|&r| self.counted(r)).count();
    }

    /// Whether `row` counts in the title's total: live and not archived.
    fn counted(&self, row: usize) -> bool {
        !self.archived(row) && !self.dead.contains(row as u32)
    }

    fn class_of(&mut self, d: &Derived) -> u32 {
        self.class_for(d.tags, d.dispatch)
    }

    fn class_for(&mut self, tags: Tags, dispatch: u32) -> u32 {
        let key = (tags.batch, tags.district, tags.archived, tags.phase);
        if let Some(&c) = self.class_ids.get(&key) {
            return c;
        }
        self.classes.push(Class { tags, dispatch });
        let c = self.classes.len() as u32 - 1;
        self.class_ids.insert(key, c);
        c
    }

    /// Whether every row's flags and next review are in (a build hands the rules over last).
    pub fn complete(&self) -> bool {
        self.complete
    }

    /// The rows' archived flags and ids, for the rules pass.
    pub fn ids(&self) -> &[Id] {
        &self.ids
    }

    pub fn archived(&self, row: usize) -> bool {
        self.classes[self.class[row] as usize].tags.archived
    }

    /// Takes in the rules of every row (the build's last pass, aligned with the rows it built).
    pub fn take_rules(&mut self, rules: CadreRules) {
        let ids: Vec<u32> = rules.texts.iter().map(|t| self.texts.pool.intern(t)).collect();
        for (row, (f, next)) in rules.flags.iter().zip(rules.next_review).enumerate().take(self.info.len()) {
            self.info[row].flags = ids[*f as usize];
            self.info[row].next_review = next;
        }
        self.complete = true;
        let flags = Col::Flags.position();
        let next = Col::NextReview.position();
        self.sorts.forget(|c| c == flags || c == next);
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
            let was = row.is_some_and(|r| self.counted(r));
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
                    self.shown_total = self.shown_total + usize::from(self.counted(row)) - usize::from(was);
                    changed.push(row as u32);
                }
                (None, Some(d)) => {
                    self.push(d);
                    let row = self.ids.len() - 1;
                    self.shown_total += usize::from(self.counted(row));
                    changed.push(row as u32);
                }
                (Some(row), None) if !self.dead.contains(row as u32) => {
                    self.dead.insert(row);
                    self.dead_count += 1;
                    self.shown_total -= usize::from(was);
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
        sorts.patch(&changed, |r| !self.dead.contains(r), |col, row| self.key(col, row), |r| r);
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
        if col == NOW_FIRST {
            return self.now_key(row);
        }
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

    /// The tab's own order: serving cadres first, newest batch first, then the planned ones,
    /// then the rest; ties in row (id) order.
    fn now_key(&self, row: usize) -> u32 {
        let class = &self.classes[self.class[row] as usize];
        let rank = match class.tags.phase {
            Some(SecondmentStatus::Active) => 0,
            Some(SecondmentStatus::Planned) => 1,
            _ => 2,
        };
        // Days since the common era fit in 28 bits; later batches get smaller keys.
        let newest_first = match (rank, class.dispatch) {
            (0, d) if d != EMPTY => LOW_28 - (d.wrapping_sub(1 << 31) & LOW_28),
            _ => 0,
        };
        (rank << 28) | newest_first
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

/// The distinct flag lists one thread met, as the Flags cell's texts, numbered in the order
/// met: a pass over a million rows joins each list once, not once a row.
#[derive(Default)]
struct FlagTexts {
    texts: Vec<String>,
    ids: HashMap<Vec<&'static str>, u32>,
}

impl FlagTexts {
    fn id(&mut self, flags: &[&'static str], lang: Lang) -> u32 {
        // Looked up before inserting: an entry would take a copy of the flags for every row.
        if let Some(&t) = self.ids.get(flags) {
            return t;
        }
        self.texts.push(flags.join(lang.pick("，", ", ")));
        self.ids.insert(flags.to_vec(), self.texts.len() as u32 - 1);
        self.texts.len() as u32 - 1
    }
}

/// A catalog being built from every cadre: the first pass takes the cadres as they stream in
/// (names, homes, the plain columns), the second attaches each one's current term once the
/// roster is in; `finish` ranks the texts. The rules come after (`rules`).
pub struct Bulk {
    cat: CadreCatalog,
    units: HashMap<Id, String>,
    /// Home texts by unit and post, host texts by unit and post index: made once each.
    homes: HashMap<Id, HashMap<Box<str>, u32>>,
    hosts: HashMap<(Id, u32), u32>,
    /// Per row: the cadre's home unit and grassroots years (for the roster and the rules).
    pub home_units: Vec<Id>,
    pub grassroots: Vec<f32>,
    today: NaiveDate,
}

impl Bulk {
    pub fn new(lang: Lang, today: NaiveDate, units: &[Unit]) -> Bulk {
        Bulk {
            cat: CadreCatalog::new(lang),
            units: units.iter().map(|u| (u.id, u.name.clone())).collect(),
            homes: HashMap::new(),
            hosts: HashMap::new(),
            home_units: Vec::new(),
            grassroots: Vec::new(),
            today,
        }
    }

    /// The first pass: one cadre (they come in id order).
    pub fn push(&mut self, c: &CadreItem) {
        let pool = &mut self.cat.texts.pool;
        let name = pool.intern_name(c.name);
        let posts = self.homes.entry(c.home_unit_id).or_default();
        let home = match posts.get(c.home_post) {
            Some(&id) => id,
            None => {
                let unit = self.units.get(&c.home_unit_id).map_or("?", String::as_str);
                let id = pool.intern(&join(unit, c.home_post));
                posts.insert(c.home_post.into(), id);
                id
            }
        };
        self.cat.texts.of.push([name, home, super::pool::NONE]);
        self.cat.ids.push(c.id);
        self.cat.info.push(Info {
            age: num_key(age_on(c.birth_date, self.today)),
            term_end: EMPTY,
            next_review: EMPTY,
            flags: super::pool::NONE,
            gender: c.gender as u8,
            political: c.political as u8,
            direction: NO_DIRECTION,
        });
        let tags = Tags { archived: c.archived, ..Tags::default() };
        let class = self.cat.class_for(tags, EMPTY);
        self.cat.class.push(class);
        self.home_units.push(c.home_unit_id);
        self.grassroots.push(c.grassroots_years as f32);
    }

    /// The cadres' (id, home unit), by id: what the roster's pair checks read.
    pub fn homes(&self) -> Vec<(Id, Id)> {
        self.cat.ids.iter().copied().zip(self.home_units.iter().copied()).collect()
    }

    /// The second pass: each cadre's current term (host, batch, district, direction, term end)
    /// and the flags that need no rule. The rows are derived in two halves on two threads (on one
    /// this pass was 0.19 s of the 1.65 s to searchable at a million cadres), then their texts
    /// interned.
    pub fn attach(&mut self, d: &Deriver) {
        let cat = &self.cat;
        let part = |rows: std::ops::Range<usize>| {
            let mut texts = FlagTexts::default();
            let mut flags: Vec<&'static str> = Vec::new();
            let mut attached = Vec::with_capacity(rows.len());
            for row in rows {
                let id = cat.ids[row];
                let archived = cat.classes[cat.class[row] as usize].tags.archived;
                let (current, phase) = d.current_and_phase(id);
                flags.clear();
                // Without the rules the grassroots years are not read.
                d.flags(Person { id, grassroots_years: 0.0, archived }, current, false, &mut flags);
                // 12 bytes a row: what is shown of the term is looked up again below.
                attached.push((current.map_or(NO_TERM, |pos| pos as u32), phase, texts.id(&flags, d.lang)));
            }
            (texts.texts, attached)
        };
        let n = self.cat.ids.len();
        let cut = n / 2;
        let (left, right) = std::thread::scope(|s| {
            let right = s.spawn(|| part(cut..n));
            (part(0..cut), right.join().expect("attach thread"))
        });
        let mut row = 0;
        for (texts, attached) in [left, right] {
            let texts: Vec<u32> = texts.iter().map(|t| self.cat.texts.pool.intern(t)).collect();
            for (pos, phase, text) in attached {
                if pos != NO_TERM {
                    let pos = pos as usize;
                    let archived = self.cat.classes[self.cat.class[row] as usize].tags.archived;
                    let shown = d.shown(pos, archived, phase);
                    let t = &d.roster.terms[pos];
                    let key = (t.host_unit_id, d.roster.post[pos]);
                    let host = match self.hosts.get(&key) {
                        Some(&h) => h,
                        None => {
                            let h = self.cat.texts.pool.intern(&d.host(pos));
                            self.hosts.insert(key, h);
                            h
                        }
                    };
                    self.cat.texts.of[row][2] = host;
                    let info = &mut self.cat.info[row];
                    info.direction = shown.direction;
                    info.term_end = shown.term_end;
                    self.cat.class[row] = self.cat.class_for(shown.tags, shown.dispatch);
                }
                self.cat.info[row].flags = texts[text as usize];
                row += 1;
            }
        }
    }

    /// Keys and ranks the texts: the catalog is ready, all but the rules.
    pub fn finish(mut self) -> CadreCatalog {
        self.cat.finish();
        self.cat.complete = false;
        self.cat
    }
}

/// The last pass of a build: every row's flags with the rules, and its next review, on two
/// threads. `grassroots` is per row, as the first pass read it.
pub fn rules(d: &Deriver, ids: &[Id], archived: impl Fn(usize) -> bool + Sync, grassroots: &[f32]) -> CadreRules {
    let part = |rows: std::ops::Range<usize>| {
        let mut texts = FlagTexts::default();
        let mut flags = Vec::with_capacity(rows.len());
        let mut next = Vec::with_capacity(rows.len());
        let mut out: Vec<&'static str> = Vec::new();
        for row in rows {
            let current = d.current(ids[row]);
            out.clear();
            let person = Person { id: ids[row], grassroots_years: f64::from(grassroots[row]), archived: archived(row) };
            d.flags(person, current, true, &mut out);
            flags.push(texts.id(&out, d.lang));
            next.push(current.and_then(|pos| d.roster.next_due[pos]).map_or(EMPTY, date_key));
        }
        (texts.texts, flags, next)
    };
    let n = ids.len();
    let cut = n / 2;
    let ((texts_a, flags_a, next_a), (texts_b, flags_b, next_b)) = std::thread::scope(|s| {
        let right = s.spawn(|| part(cut..n));
        (part(0..cut), right.join().expect("rules thread"))
    });
    let mut texts = texts_a;
    let mut remap: Vec<u32> = Vec::with_capacity(texts_b.len());
    for t in texts_b {
        match texts.iter().position(|x| *x == t) {
            Some(i) => remap.push(i as u32),
            None => {
                texts.push(t);
                remap.push(texts.len() as u32 - 1);
            }
        }
    }
    let mut flags = flags_a;
    flags.extend(flags_b.into_iter().map(|f| remap[f as usize]));
    let mut next_review = next_a;
    next_review.extend(next_b);
    CadreRules { texts, flags, next_review }
}

impl Catalog for CadreCatalog {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn total(&self) -> usize {
        self.shown_total
    }

    fn answers(&self, ask: &Ask) -> bool {
        let rules_only = [Col::Flags.position(), Col::NextReview.position()];
        self.complete || ask.sort.is_none_or(|c| !rules_only.contains(&c))
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
        let col = sort.unwrap_or(NOW_FIRST);
        let live = (0..n as u32).filter(|&r| !self.dead.contains(r));
        let order = Some(self.sorts.get(col, live, |r| self.key(col, r)));
        // A search without a sort: the cadres whose name matches first.
        let first = hits.as_ref().filter(|_| sort.is_none()).map(|h| h.names.clone());
        match (keep, order) {
            // Every kept row is live, and so in the order: composed as far as it is read.
            (Some(keep), Some(order)) if !ask.reverse && n >= PARALLEL_ROWS => compose_lazy(order, keep, first),
            (keep, order) => compose(n, order, keep.as_ref(), first.as_deref(), ask.reverse),
        }
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
