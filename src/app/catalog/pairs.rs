//! Tab 2 (互派) as a catalog: one row per pair, then one per secondment nobody is paired with,
//! derived from the [`Roster`] with the domain's pair check (`pair_rule`).

use super::bitset::BitSet;
use super::names::Names;
use super::order::{compose, ordered, replace, rows_where, Natural, Sorts, Texts, EMPTY};
use super::{Ask, Catalog, Visible};
use crate::app::view::pairs::{pair_status, route_text, Col, Mirror};
use crate::app::view::{Columns, Rec, Tags};
use crate::domain::pairing::pair_rule;
use crate::domain::term::Term;
use crate::domain::*;
use crate::lang::Lang;
use crate::store::lists::Roster;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// A row's record: a pair, or a secondment without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Of {
    Pair(Id),
    Single(Id),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Class {
    batch: Id,
    district: Option<District>,
    dispatch: u32,
}

#[derive(Debug, Clone)]
pub struct PairCatalog {
    lang: Lang,
    arrow: &'static str,
    today: NaiveDate,
    of: Vec<Of>,
    /// The secondments a row shows (down, up), for a save to find the rows it touched.
    sides: Vec<[Id; 2]>,
    cadre: Vec<Id>,
    /// Each row's place in natural order: pairs by id, then the others by start date and id.
    natural: Vec<u64>,
    mirror: Vec<u8>,
    status: Vec<u32>,
    class: Vec<u32>,
    classes: Vec<Class>,
    class_ids: HashMap<Class, u32>,
    /// Down name, down route, up name, up route.
    texts: Texts<4>,
    mirror_labels: [u32; 4],
    dead: BitSet,
    dead_count: usize,
    /// Live rows that are a secondment nobody is paired with (the title's "unpaired").
    unpaired: usize,
    /// The natural order once saves have moved rows out of it.
    order: Natural,
    sorts: Sorts,
}

const MIRRORS: [Mirror; 4] = [Mirror::Mirrored, Mirror::NotMirrored, Mirror::Invalid, Mirror::Unpaired];

impl PairCatalog {
    pub fn new(today: NaiveDate, lang: Lang, ascii: bool) -> PairCatalog {
        let mut texts: Texts<4> = Texts::default();
        texts.names = [true, false, true, false];
        let mirror_labels = MIRRORS.map(|m| texts.pool.intern(m.label(lang)));
        PairCatalog {
            lang,
            arrow: if ascii { "->" } else { "→" },
            today,
            of: Vec::new(),
            sides: Vec::new(),
            cadre: Vec::new(),
            natural: Vec::new(),
            mirror: Vec::new(),
            status: Vec::new(),
            class: Vec::new(),
            classes: Vec::new(),
            class_ids: HashMap::new(),
            texts,
            mirror_labels,
            dead: BitSet::new(0),
            dead_count: 0,
            unpaired: 0,
            order: Natural::default(),
            sorts: Sorts::default(),
        }
    }

    /// Every pair of the roster, then every term nobody is paired with (of `only`, sorted, when
    /// given).
    pub fn add_from(&mut self, roster: &Roster, names: &Names, only: Option<&[Id]>) {
        for p in &roster.pairs {
            let side = |id: Id| roster.term(id).map(|i| &roster.terms[i]);
            let (down, up) = (side(p.down_id), side(p.up_id));
            let home = |t: Option<&Term>| t.and_then(|t| roster.home(t.cadre_id)).unwrap_or(0);
            let mirror = Mirror::of(pair_rule(p.batch_id, down, up, home(down), home(up)));
            let cadre = down.or(up).map_or(0, |t| t.cadre_id);
            self.push(roster, names, Of::Pair(p.id), p.batch_id, [down, up], [p.down_id, p.up_id], mirror, cadre);
        }
        let mut singles: Vec<&Term> = (0..roster.terms.len())
            .filter(|&i| roster.pairs_of(i).next().is_none())
            .map(|i| &roster.terms[i])
            .filter(|t| only.is_none_or(|o| o.binary_search(&t.id).is_ok()))
            .collect();
        singles.sort_by_key(|t| (t.start, t.id));
        for t in singles {
            let sides = match t.direction {
                Direction::Down => [Some(t), None],
                Direction::Up => [None, Some(t)],
            };
            self.push(roster, names, Of::Single(t.id), t.batch_id, sides, [t.id, t.id], Mirror::Unpaired, t.cadre_id);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        roster: &Roster,
        names: &Names,
        of: Of,
        batch: Id,
        [down, up]: [Option<&Term>; 2],
        ids: [Id; 2],
        mirror: Mirror,
        cadre: Id,
    ) {
        let unit = |id: Id| roster.unit(id).map_or("?", |u| u.name.as_str());
        let name = |t: Option<&Term>| t.map_or("", |t| names.get(t.cadre_id));
        let route = |t: Option<&Term>| {
            t.map_or(String::new(), |t| {
                let home = roster.home(t.cadre_id).map_or("?", unit);
                route_text(home, unit(t.host_unit_id), self.arrow)
            })
        };
        let (down_route, up_route) = (route(down), route(up));
        self.texts.push([name(down), &down_route, name(up), &up_route]);
        let status = pair_status(self.lang, self.today, down, up);
        let status = self.texts.pool.intern(&status);
        let class = Class {
            batch,
            district: down.and_then(|d| roster.district(d)).or_else(|| {
                // A secondment without a pair: its own district.
                up.filter(|_| matches!(of, Of::Single(_))).and_then(|u| roster.district(u))
            }),
            dispatch: roster.batch(batch).map_or(EMPTY, |b| super::cadres::date_key(b.dispatch_date)),
        };
        let class = *self.class_ids.entry(class).or_insert_with(|| {
            self.classes.push(class);
            self.classes.len() as u32 - 1
        });
        let natural = match of {
            Of::Pair(id) => id as u64 & ((1 << 62) - 1),
            Of::Single(id) => {
                let start = down.or(up).map_or(0, |t| t.start.num_days_from_ce().max(0) as u64);
                (1 << 63) | (start << 32) | (id as u64 & 0xFFFF_FFFF)
            }
        };
        if matches!(of, Of::Single(_)) {
            self.unpaired += 1;
        }
        self.of.push(of);
        self.sides.push(ids);
        self.cadre.push(cadre);
        self.natural.push(natural);
        self.mirror.push(MIRRORS.iter().position(|m| *m == mirror).unwrap_or(0) as u8);
        self.status.push(status);
        self.class.push(class);
    }

    pub fn finish(&mut self) {
        self.texts.pool.finish();
        self.dead = BitSet::new(self.of.len());
    }

    /// Takes in what a save changed: the rows showing any of `secondments` made again from a
    /// roster of their cadres read after the save.
    pub fn apply(&mut self, secondments: &[Id], roster: &Roster, names: &Names) {
        let epoch = self.texts.pool.epoch();
        // Searched once per row: a sorted few beat a hash (at a million rows the hashing was
        // a quarter of a save's refresh).
        let mut sorted = secondments.to_vec();
        sorted.sort_unstable();
        let mut changed: Vec<u32> = Vec::new();
        for r in 0..self.of.len() {
            let shows = |s: &Id| sorted.binary_search(s).is_ok();
            if !self.dead.contains(r as u32) && self.sides[r].iter().any(shows) {
                self.dead.insert(r);
                self.dead_count += 1;
                if matches!(self.of[r], Of::Single(_)) {
                    self.unpaired -= 1;
                }
                self.texts.clear(r);
                changed.push(r as u32);
            }
        }
        let first_new = self.of.len();
        self.add_from(roster, names, Some(&sorted));
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
        let Some(col) = Col::at(col) else { return EMPTY };
        match col {
            Col::Batch => self.classes[self.class[r] as usize].dispatch,
            Col::DownName => pool.sort_key(self.texts.of[r][0]),
            Col::DownRoute => pool.sort_key(self.texts.of[r][1]),
            Col::UpName => pool.sort_key(self.texts.of[r][2]),
            Col::UpRoute => pool.sort_key(self.texts.of[r][3]),
            Col::Mirror => pool.sort_key(self.mirror_labels[usize::from(self.mirror[r]) % 4]),
            Col::Status => pool.sort_key(self.status[r]),
        }
    }

    /// Live rows that are pairs, and secondments nobody is paired with.
    pub fn counts(&self) -> (usize, usize) {
        (self.total() - self.unpaired, self.unpaired)
    }

    pub fn heap_bytes(&self) -> usize {
        self.of.capacity() * 16
            + self.sides.capacity() * 16
            + self.cadre.capacity() * 8
            + self.texts.heap_bytes()
            + self.of.capacity() * 13
            + self.sorts.heap_bytes()
    }
}

impl Catalog for PairCatalog {
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
            .map(|c| ask.filters.accepts_tags(&Tags { batch: Some(c.batch), district: c.district, ..Tags::default() }))
            .collect();
        let hits = (!ask.query.is_empty()).then(|| self.texts.search(ask.query));
        let all = accept.iter().all(|&a| a) && self.dead_count == 0;
        let keep = match (&hits, all) {
            (None, true) => None,
            (Some(h), true) => Some(h.rows.as_ref().clone()),
            (within, false) => {
                let within = within.as_ref().map(|h| h.rows.as_ref());
                Some(rows_where(n, within, |r| accept[self.class[r] as usize] && !self.dead.contains(r as u32)))
            }
        };
        let sort = ask.sort.filter(|&c| c < Col::ALL.len());
        let order = ordered(&self.sorts, &self.order, n, &self.dead, sort, |c, r| self.key(c, r));
        let first = hits.as_ref().filter(|_| sort.is_none()).map(|h| h.names.as_ref());
        compose(n, order, keep.as_ref(), first, ask.reverse)
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.of.get(row).map(|of| match *of {
            Of::Pair(id) => Rec::Pair(id),
            Of::Single(id) => Rec::Secondment(id),
        })
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.cadre.get(row).copied()
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        let want = match rec {
            Rec::Pair(id) => Of::Pair(id),
            Rec::Secondment(id) => Of::Single(id),
            _ => return None,
        };
        (0..self.of.len()).rev().find(|&r| self.of[r] == want && !self.dead.contains(r as u32))
    }
}
