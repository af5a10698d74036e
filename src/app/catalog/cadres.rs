//! Tab 1 (干部) as a catalog: per cadre, only what ordering, filtering and searching the Cadres
//! tab need, read with a few streaming queries (no `Store::load`). `order` answers exactly what
//! `ListState::refresh` answers over `view::cadres::build`'s rows for the same database, day and
//! language; the rules (current secondment, policy flags, pair findings, labels, joined texts)
//! are the domain's and the view's own functions, run per cadre on small slices.
//!
//! Per cadre, 56 bytes: its id, three text ids into a shared [`TextPool`] (name, home, host)
//! and the rows of each text (postings), the sort keys of the other columns as `u32`s, and a
//! class (its filter tags). Sorted permutations (4 bytes a row) are kept for the last two
//! columns sorted by.
//!
//! `build` streams cadres, secondments, pairs and open reviews (rows that cannot be read are
//! skipped, as `Store::load` skips them). Converting rows is the bulk of the time, and SQLite
//! reads on one thread, so the rest runs beside it: texts are interned on a second thread while
//! cadres are read, and the per-cadre rules run on two threads while open reviews are read.

use super::pool::{BitSet, PoolBuilder, TextPool, NONE};
use super::{Catalog, SearchCache};
use crate::app::list::Filters;
use crate::app::view::cadres::{political_short, NAME, NEXT_REVIEW};
use crate::app::view::{Index, Lookup, Rec, Tags};
use crate::domain::flags::{policy_flags, Finding};
use crate::domain::pairing::check_pairs;
use crate::domain::review::ReviewStatus;
use crate::domain::*;
use crate::lang::Lang;
use crate::search::Query;
use crate::store::rows::{self, *};
use crate::store::{Data, Result};
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The other columns of `view::cadres::build`, in its order.
const GENDER: usize = 1;
const AGE: usize = 2;
const POLITICAL: usize = 3;
const HOME: usize = 4;
const DIRECTION: usize = 5;
const HOST: usize = 6;
const BATCH: usize = 7;
const TERM_END: usize = 8;
const FLAGS: usize = 10;
/// How many columns the Cadres tab has: a sort on another is no sort (as in `refresh`).
pub const COLUMNS: usize = 11;

/// The sort key of an empty cell (`SortKey::Empty` sorts after everything).
const EMPTY: u32 = u32::MAX;
/// `Info::direction` of a cadre without a secondment.
const NO_DIRECTION: u8 = u8::MAX;
/// Sorted permutations kept (the current sort column and the one before it).
const KEEP_SORTED: usize = 2;
/// When at most 1/`FEW` of the rows are left, sorting them beats walking a sorted permutation.
const FEW: usize = 32;
/// A search whose texts are shown in at most 1/`FEW_POSTED` cells collects their rows from the
/// postings instead of testing every row.
const FEW_POSTED: usize = 8;
/// Below this many rows, work stays on one thread.
const PARALLEL_ROWS: usize = 1 << 16;
/// Cadres sent at a time to the interning thread.
const CHUNK: usize = 4096;

/// Everything but the searchable texts and the class, per cadre.
#[derive(Debug, Clone, Copy)]
struct Info {
    /// Sort keys (`EMPTY` for an empty cell).
    age: u32,
    term_end: u32,
    next_review: u32,
    /// The Flags cell's text (pool id).
    flags: u32,
    /// Indices into `Labels`.
    gender: u8,
    political: u8,
    /// 0 down, 1 up, `NO_DIRECTION` without a secondment.
    direction: u8,
}

/// One combination of filter tags, with the Batch column's sort key (the batch's dispatch
/// date, which depends on the batch alone).
#[derive(Debug, Clone)]
struct Class {
    tags: Tags,
    dispatch: u32,
}

/// The label columns' texts by `Info` index: pool ids while building, then their sort keys.
#[derive(Debug, Clone, Default)]
struct Labels {
    gender: [u32; 2],
    political: [u32; 4],
    direction: [u32; 2],
}

/// The Cadres tab's records, compactly; rows are cadres by id (`cadres::build`'s order).
pub struct CadreCatalog {
    ids: Vec<Id>,
    /// Pool ids of the Name, Home and Host cells.
    texts: Vec<[u32; 3]>,
    info: Vec<Info>,
    /// Index into `classes`.
    class: Vec<u32>,
    classes: Vec<Class>,
    labels: Labels,
    pool: TextPool,
    /// The rows showing each text in a searchable cell: `rows_of[starts[t]..starts[t + 1]]`
    /// (a search hitting few rows collects them instead of testing every row).
    starts: Vec<u32>,
    rows_of: Vec<u32>,
    search: SearchCache,
    /// The last query's matching rows, so the next keystroke tests only those again.
    hits: Mutex<Option<(Query, Arc<BitSet>)>>,
    /// Rows stably sorted by a column, ascending (most recently used first).
    sorted: Mutex<Vec<(usize, Arc<Vec<u32>>)>>,
    /// From this many rows on, work is split over two threads.
    split: usize,
}

/// What `build` keeps of a secondment (its host post as an index into the distinct posts).
#[derive(Debug, Clone, Copy)]
struct Sec {
    id: Id,
    cadre: Id,
    batch: Id,
    host: Id,
    start: NaiveDate,
    planned_end: NaiveDate,
    actual_end: Option<NaiveDate>,
    post: u32,
    direction: Direction,
}

impl Sec {
    /// As the rules see it (they do not read the host post or the reason for an early end).
    fn domain(&self) -> Secondment {
        Secondment {
            id: self.id,
            cadre_id: self.cadre,
            batch_id: self.batch,
            direction: self.direction,
            host_unit_id: self.host,
            host_post: String::new(),
            start: self.start,
            planned_end: self.planned_end,
            actual_end: self.actual_end,
            end_reason: None,
            version: 0,
        }
    }
}

/// A cadre as the rules see it: only what `policy_flags` and `check_pairs` decide on (the
/// name and the rest appear in their details only, which the Flags column does not show).
fn rule_cadre(id: Id, grassroots_years: f64, home_unit_id: Id) -> Cadre {
    Cadre {
        id,
        name: String::new(),
        gender: Gender::Male,
        birth_date: NaiveDate::MIN,
        political: Political::Party,
        education: String::new(),
        speciality: String::new(),
        grassroots_years,
        home_unit_id,
        home_post: String::new(),
        archived: false,
        version: 0,
    }
}

/// Streams `sql`'s rows through `convert`; rows that do not convert are skipped, as
/// `Store::load` skips them (it also lists them; the catalog has no use for the list).
fn each<T>(
    conn: &Connection,
    sql: &str,
    convert: fn(&rusqlite::Row) -> rusqlite::Result<T>,
    mut f: impl FnMut(T),
) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        if let Ok(v) = convert(row) {
            f(v);
        }
    }
    Ok(())
}

/// The position of `id` in `items` sorted by `key`: ids are usually dense, so the first guess
/// is `id - first id`; else a binary search.
fn position<T>(items: &[T], id: Id, key: impl Fn(&T) -> Id) -> Option<usize> {
    let first = key(items.first()?);
    let guess = usize::try_from(id.wrapping_sub(first)).ok().filter(|&g| g < items.len());
    if let Some(g) = guess.filter(|&g| key(&items[g]) == id) {
        return Some(g);
    }
    items.binary_search_by_key(&id, key).ok()
}

/// A date's sort key: order-preserving, never `EMPTY`.
fn date_key(d: NaiveDate) -> u32 {
    (i64::from(d.num_days_from_ce()) - i64::from(i32::MIN)) as u32
}

fn num_key(n: i32) -> u32 {
    (i64::from(n) - i64::from(i32::MIN)) as u32
}

/// The grassroots district a secondment involves, as `Lookup::district` finds it (the host's
/// for down, the cadre's home unit's for up), given the cadre's home unit.
fn district(lk: &Lookup, s: &Secondment, home_unit_id: Id) -> Option<District> {
    let unit = match s.direction {
        Direction::Down => s.host_unit_id,
        Direction::Up => home_unit_id,
    };
    lk.unit(unit).map(|u| u.district).filter(|d| *d != District::City)
}

/// Labels of the findings in `found` that name `secondment`, once per naming (as
/// `Lookup::findings_of` lists them).
fn finding_labels(lk: &Lookup, found: &[Finding], secondment: Id, out: &mut Vec<&'static str>) {
    for f in found {
        for _ in f.secondments.iter().filter(|&&s| s == secondment) {
            out.push(lk.t(f.rule.zh(), f.rule.en()));
        }
    }
}

/// The cadres as read, with the texts interned (built on the interning thread).
#[derive(Default)]
struct Cadres {
    ids: Vec<Id>,
    texts: Vec<[u32; 3]>,
    info: Vec<Info>,
    homes: Vec<Id>,
    grassroots: Vec<f64>,
    archived: Vec<bool>,
}

impl Cadres {
    fn add(&mut self, c: Cadre, pool: &mut PoolBuilder, homes: &mut HomeTexts, lk: &Lookup) {
        self.ids.push(c.id);
        let home = homes.id(pool, lk, &c);
        self.texts.push([pool.intern(&c.name), home, NONE]);
        self.info.push(Info {
            age: num_key(c.age_on(lk.today)),
            term_end: EMPTY,
            next_review: EMPTY,
            flags: NONE,
            gender: match c.gender {
                Gender::Male => 0,
                Gender::Female => 1,
            },
            political: match c.political {
                Political::Party => 0,
                Political::Democratic => 1,
                Political::NonParty => 2,
                Political::Masses => 3,
            },
            direction: NO_DIRECTION,
        });
        self.homes.push(c.home_unit_id);
        self.grassroots.push(c.grassroots_years);
        self.archived.push(c.archived);
    }
}

/// Home texts (`Lookup::home`) by unit and post: far fewer than cadres, so each is joined and
/// interned once.
#[derive(Default)]
struct HomeTexts(HashMap<Id, HashMap<Box<str>, u32>>);

impl HomeTexts {
    fn id(&mut self, pool: &mut PoolBuilder, lk: &Lookup, c: &Cadre) -> u32 {
        let posts = self.0.entry(c.home_unit_id).or_default();
        if let Some(&id) = posts.get(c.home_post.as_str()) {
            return id;
        }
        let id = pool.intern(&lk.home(c));
        posts.insert(c.home_post.as_str().into(), id);
        id
    }
}

/// What the per-cadre pass reads.
struct Rules<'a> {
    lk: Lookup<'a>,
    term_months: u32,
    cadres: &'a Cadres,
    /// Secondments by id, and each cadre's in start order (positions in `secs`).
    secs: &'a [Sec],
    by_cadre: &'a [u32],
    pairs: &'a [Pair],
    /// The pairs naming each secondment (positions in `pairs`, by `secs` position): the
    /// first, and the others of the few named by more than one (sorted).
    pair_of: &'a [u32],
    more_pairs: &'a [(u32, u32)],
}

/// The per-cadre pass's texts and classes, numbered per thread (interned after).
#[derive(Default)]
struct Local {
    /// (host unit, host post) of each host text.
    hosts: Vec<(Id, u32)>,
    flags: Vec<Vec<&'static str>>,
    classes: Vec<(Tags, u32)>,
}

impl Rules<'_> {
    /// The current secondment's columns, flags and tags of rows `from..from + info.len()`:
    /// host texts, flags and classes as ids into the returned `Local`, and each row's current
    /// secondment (position in `secs`, `NONE` without one) in `current`.
    fn derive(
        &self,
        from: usize,
        texts: &mut [[u32; 3]],
        info: &mut [Info],
        class: &mut [u32],
        current: &mut [u32],
    ) -> Local {
        let (lk, today) = (&self.lk, self.lk.today);
        let t = |zh, en| lk.t(zh, en);
        let mut local = Local::default();
        let mut host_ids: HashMap<(Id, u32), u32> = HashMap::new();
        let mut flag_ids: HashMap<Vec<&'static str>, u32> = HashMap::new();
        let mut class_ids: HashMap<(Option<Id>, Option<District>, bool), u32> = HashMap::new();
        let secs = self.secs;
        let c = self.cadres;
        let mut next = match c.ids.get(from) {
            Some(&id) => self.by_cadre.partition_point(|&i| secs[i as usize].cadre < id),
            None => self.by_cadre.len(),
        };
        let mut flags: Vec<&'static str> = Vec::new();
        for k in 0..info.len() {
            let (row, id) = (from + k, c.ids[from + k]);
            while next < self.by_cadre.len() && secs[self.by_cadre[next] as usize].cadre < id {
                next += 1;
            }
            let first = next;
            while next < self.by_cadre.len() && secs[self.by_cadre[next] as usize].cadre == id {
                next += 1;
            }
            let mine = &self.by_cadre[first..next];
            let group: Vec<Secondment> = mine.iter().map(|&i| secs[i as usize].domain()).collect();
            let refs: Vec<&Secondment> = group.iter().collect();
            let mut tags = Tags::default();
            let mut dispatch = EMPTY;
            flags.clear();
            match Secondment::current(&refs, today) {
                Some(s) => {
                    let at = mine[refs.iter().position(|x| std::ptr::eq(*x, s)).unwrap_or_default()];
                    current[k] = at;
                    let sec = &secs[at as usize];
                    tags.batch = Some(s.batch_id);
                    tags.district = district(lk, s, c.homes[row]);
                    dispatch = lk.batch(s.batch_id).map_or(EMPTY, |b| date_key(b.dispatch_date));
                    texts[k][2] = *host_ids.entry((s.host_unit_id, sec.post)).or_insert_with(|| {
                        local.hosts.push((s.host_unit_id, sec.post));
                        local.hosts.len() as u32 - 1
                    });
                    info[k].direction = match s.direction {
                        Direction::Down => 0,
                        Direction::Up => 1,
                    };
                    info[k].term_end = date_key(s.end());
                    match s.status(today) {
                        SecondmentStatus::EndedEarly => flags.push(t("提前结束", "ended early")),
                        SecondmentStatus::Planned => flags.push(t("未开始", "not started")),
                        _ => {}
                    }
                    // The policy flags over the cadre's secondments, then the pair findings over
                    // the secondment's pairs, partners and partner cadres: `Index::new`'s order.
                    let cadre = rule_cadre(id, c.grassroots[row], c.homes[row]);
                    let found = policy_flags(std::slice::from_ref(&cadre), &group, self.term_months);
                    finding_labels(lk, &found, s.id, &mut flags);
                    let first = self.pair_of[at as usize];
                    let more = self.more_pairs.iter().skip_while(|m| m.0 < at).take_while(|m| m.0 == at);
                    let mut mine: Vec<u32> = more.map(|m| m.1).collect();
                    if first != NONE {
                        mine.push(first);
                    }
                    // In `pairs`' order (by id), as `check_pairs` meets them over all pairs.
                    mine.sort_unstable();
                    let pairs: Vec<Pair> = mine.iter().map(|&p| self.pairs[p as usize].clone()).collect();
                    let mut involved = vec![s.clone()];
                    let mut cadres = vec![cadre];
                    for other in pairs.iter().flat_map(|p| [p.down_id, p.up_id]) {
                        if involved.iter().any(|x| x.id == other) {
                            continue;
                        }
                        let Some(o) = position(secs, other, |x| x.id) else { continue };
                        let o = secs[o].domain();
                        if !cadres.iter().any(|x| x.id == o.cadre_id) {
                            if let Some(p) = position(&c.ids, o.cadre_id, |&x| x) {
                                cadres.push(rule_cadre(o.cadre_id, c.grassroots[p], c.homes[p]));
                            }
                        }
                        involved.push(o);
                    }
                    finding_labels(lk, &check_pairs(&pairs, &involved, &cadres), s.id, &mut flags);
                }
                None => flags.push(t("无挂职记录", "no secondment")),
            }
            if c.archived[row] {
                flags.push(t("已归档", "archived"));
                tags.archived = true;
            }
            class[k] = *class_ids.entry((tags.batch, tags.district, tags.archived)).or_insert_with(|| {
                local.classes.push((tags, dispatch));
                local.classes.len() as u32 - 1
            });
            info[k].flags = match flag_ids.get(&flags) {
                Some(&f) => f,
                None => {
                    local.flags.push(flags.clone());
                    let f = local.flags.len() as u32 - 1;
                    flag_ids.insert(flags.clone(), f);
                    f
                }
            };
        }
        local
    }
}

impl CadreCatalog {
    /// Reads the Cadres tab's records for `today` in `lang`. Call it inside a read transaction
    /// for a consistent picture (it runs several queries).
    pub fn build(conn: &Connection, today: NaiveDate, lang: Lang) -> Result<CadreCatalog> {
        Self::build_split(conn, today, lang, PARALLEL_ROWS)
    }

    /// `build`, splitting work over two threads from `split` rows on instead of from 65,536:
    /// lets tests run the two-thread paths on small databases.
    #[doc(hidden)]
    pub fn build_split(conn: &Connection, today: NaiveDate, lang: Lang, split: usize) -> Result<CadreCatalog> {
        // The small tables, as `load` reads them, behind a `Lookup` for the view's helpers.
        let mut base = Data {
            policy: conn.query_row(&format!("SELECT {POLICY_COLS} FROM policy WHERE id = 1"), [], rows::policy)?,
            ..Data::default()
        };
        each(conn, &format!("SELECT {UNIT_COLS} FROM units ORDER BY name"), rows::unit, |u| base.units.push(u))?;
        let batches = format!("SELECT {BATCH_COLS} FROM batches ORDER BY dispatch_date, id");
        each(conn, &batches, rows::batch, |b| base.batches.push(b))?;
        let ix = Index::new(&base);
        let lk = Lookup { data: &base, ix: &ix, today, lang, ascii: false };

        let mut pool = PoolBuilder::default();
        // The Host cell of a cadre without a secondment: empty (it sorts last and matches no
        // search), so that every row's text ids are in the pool.
        let no_host = pool.intern("");
        let labels = Labels {
            gender: [pool.intern(lk.t("男", "M")), pool.intern(lk.t("女", "F"))],
            political: [Political::Party, Political::Democratic, Political::NonParty, Political::Masses]
                .map(|p| pool.intern(political_short(&lk, p))),
            direction: [Direction::Down, Direction::Up].map(|d| pool.intern(lk.t(d.zh(), d.en()))),
        };

        // Cadres by id, their texts interned on a second thread; then secondments and pairs.
        let mut secs: Vec<Sec> = Vec::new();
        let mut posts: Vec<String> = Vec::new();
        let mut pairs: Vec<Pair> = Vec::new();
        let (mut cadres, mut pool) = std::thread::scope(|s| -> Result<(Cadres, PoolBuilder)> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Cadre>>(4);
            let interning = s.spawn(move || {
                let (mut cadres, mut homes) = (Cadres::default(), HomeTexts::default());
                for chunk in rx {
                    for c in chunk {
                        cadres.add(c, &mut pool, &mut homes, &lk);
                    }
                }
                (cadres, pool)
            });
            let mut chunk = Vec::with_capacity(CHUNK);
            each(conn, &format!("SELECT {CADRE_COLS} FROM cadres ORDER BY id"), rows::cadre, |c| {
                chunk.push(c);
                if chunk.len() == CHUNK {
                    // Fails only when the thread has panicked, which `join` reports.
                    let _ = tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)));
                }
            })?;
            let _ = tx.send(chunk);
            drop(tx);
            let mut post_ids: HashMap<String, u32> = HashMap::new();
            let sql = format!("SELECT {SECONDMENT_COLS} FROM secondments ORDER BY id");
            each(conn, &sql, rows::secondment, |s| {
                let post = match post_ids.get(&s.host_post) {
                    Some(&p) => p,
                    None => {
                        posts.push(s.host_post.clone());
                        post_ids.insert(s.host_post, posts.len() as u32 - 1);
                        posts.len() as u32 - 1
                    }
                };
                let (start, planned_end, actual_end) = (s.start, s.planned_end, s.actual_end);
                let (id, cadre, batch, host, direction) = (s.id, s.cadre_id, s.batch_id, s.host_unit_id, s.direction);
                secs.push(Sec { id, cadre, batch, host, start, planned_end, actual_end, post, direction });
            })?;
            each(conn, &format!("SELECT {PAIR_COLS} FROM pairs ORDER BY id"), rows::pair, |p| pairs.push(p))?;
            Ok(interning.join().expect("interning thread"))
        })?;

        // Which pairs name each secondment, and each cadre's secondments in start order (as
        // `Lookup::secondments_of` lists them).
        let mut pair_of = vec![NONE; secs.len()];
        let mut more_pairs: Vec<(u32, u32)> = Vec::new();
        for (i, p) in pairs.iter().enumerate() {
            for at in [p.down_id, p.up_id].into_iter().filter_map(|s| position(&secs, s, |x| x.id)) {
                let first = &mut pair_of[at];
                if *first == NONE {
                    *first = i as u32;
                } else if *first != i as u32 {
                    more_pairs.push((at as u32, i as u32));
                }
            }
        }
        more_pairs.sort_unstable();
        more_pairs.dedup();
        let mut by_cadre: Vec<u32> = (0..secs.len() as u32).collect();
        by_cadre.sort_unstable_by_key(|&i| {
            let s = &secs[i as usize];
            (s.cadre, s.start, s.id)
        });

        // The rules per cadre, on two threads, while the open reviews are read.
        let n = cadres.ids.len();
        let mut texts = std::mem::take(&mut cadres.texts);
        let mut info = std::mem::take(&mut cadres.info);
        let mut class = vec![0u32; n];
        let mut current = vec![NONE; n];
        let rules = Rules {
            lk,
            term_months: base.policy.term_months,
            cadres: &cadres,
            secs: &secs,
            by_cadre: &by_cadre,
            pairs: &pairs,
            pair_of: &pair_of,
            more_pairs: &more_pairs,
        };
        let cut = if n < split { n } else { n / 2 };
        let (locals, open) = std::thread::scope(|s| -> Result<_> {
            let (texts_a, texts_b) = texts.split_at_mut(cut);
            let (info_a, info_b) = info.split_at_mut(cut);
            let (class_a, class_b) = class.split_at_mut(cut);
            let (current_a, current_b) = current.split_at_mut(cut);
            let rules = &rules;
            let right = s.spawn(move || rules.derive(cut, texts_b, info_b, class_b, current_b));
            let left = s.spawn(move || rules.derive(0, texts_a, info_a, class_a, current_a));
            // Open reviews: (secondment, due). The first by (due, kind, id) has the least due
            // date, which is all the Next review column sorts by.
            let mut open: Vec<(Id, u32)> = Vec::new();
            let sql = format!("SELECT {REVIEW_COLS} FROM reviews WHERE done_date IS NULL AND cancelled = 0");
            each(conn, &sql, rows::review, |r| {
                if !matches!(lk.review_status(&r), ReviewStatus::Done | ReviewStatus::Cancelled) {
                    open.push((r.secondment_id, date_key(r.due)));
                }
            })?;
            let left = left.join().expect("rules thread");
            Ok(([(0..cut, left), (cut..n, right.join().expect("rules thread"))], open))
        })?;
        drop((pair_of, more_pairs, by_cadre, pairs));

        // The threads' texts and classes, numbered once.
        let mut classes: Vec<Class> = Vec::new();
        let mut class_ids: HashMap<(Option<Id>, Option<District>, bool), u32> = HashMap::new();
        let mut host_ids: HashMap<(Id, u32), u32> = HashMap::new();
        let mut flag_ids: HashMap<Vec<&'static str>, u32> = HashMap::new();
        for (rows, local) in locals {
            let hosts: Vec<u32> = local
                .hosts
                .iter()
                .map(|&(unit, post)| {
                    *host_ids.entry((unit, post)).or_insert_with(|| {
                        let mut s = secs[0].domain();
                        s.host_unit_id = unit;
                        s.host_post.clone_from(&posts[post as usize]);
                        pool.intern(&lk.host(&s))
                    })
                })
                .collect();
            let flags: Vec<u32> = local
                .flags
                .into_iter()
                .map(|f| {
                    let text = f.join(lk.t("，", ", "));
                    *flag_ids.entry(f).or_insert_with(|| pool.intern(&text))
                })
                .collect();
            let local_classes: Vec<u32> = local
                .classes
                .into_iter()
                .map(|(tags, dispatch)| {
                    *class_ids.entry((tags.batch, tags.district, tags.archived)).or_insert_with(|| {
                        classes.push(Class { tags, dispatch });
                        classes.len() as u32 - 1
                    })
                })
                .collect();
            for row in rows {
                texts[row][2] = hosts.get(texts[row][2] as usize).copied().unwrap_or(no_host);
                info[row].flags = flags[info[row].flags as usize];
                class[row] = local_classes[class[row] as usize];
            }
        }

        // The next review's due date, by each row's current secondment.
        let mut row_of_sec = vec![NONE; secs.len()];
        for (row, &at) in current.iter().enumerate() {
            if let Some(slot) = row_of_sec.get_mut(at as usize) {
                *slot = row as u32;
            }
        }
        for (secondment, due) in open {
            let Some(at) = position(&secs, secondment, |s| s.id) else { continue };
            if let Some(i) = info.get_mut(row_of_sec[at] as usize) {
                i.next_review = i.next_review.min(due);
            }
        }
        drop((secs, posts, row_of_sec, current));

        let pool = pool.finish();
        let (starts, rows_of) = postings(&texts, pool.len());
        let rank = |id: u32| pool.rank(id).unwrap_or(EMPTY);
        let labels = Labels {
            gender: labels.gender.map(rank),
            political: labels.political.map(rank),
            direction: labels.direction.map(rank),
        };
        Ok(CadreCatalog {
            ids: cadres.ids,
            texts,
            info,
            class,
            classes,
            labels,
            pool,
            starts,
            rows_of,
            search: SearchCache::default(),
            hits: Mutex::new(None),
            sorted: Mutex::new(Vec::new()),
            split: split.max(1),
        })
    }

    /// Heap bytes held: the rows, the text pool and the caches (for the memory budget).
    pub fn heap_bytes(&self) -> usize {
        let sorted = lock(&self.sorted).iter().map(|(_, p)| p.capacity() * 4).sum::<usize>();
        let hits = lock(&self.hits).as_ref().map_or(0, |(_, h)| h.heap_bytes());
        self.ids.capacity() * std::mem::size_of::<Id>()
            + self.texts.capacity() * std::mem::size_of::<[u32; 3]>()
            + self.info.capacity() * std::mem::size_of::<Info>()
            + self.class.capacity() * 4
            + self.classes.capacity() * std::mem::size_of::<Class>()
            + self.pool.heap_bytes()
            + (self.starts.capacity() + self.rows_of.capacity()) * 4
            + sorted
            + hits
    }

    /// The sort key of `row`'s cell in column `col` (< `COLUMNS`): one `u32` per column,
    /// ordered as the cells' `SortKey::compare` orders them, `EMPTY` last. Text columns sort
    /// by pinyin rank; numbers and dates by value.
    fn key(&self, col: usize, row: usize) -> u32 {
        let rank = |id: u32| self.pool.rank(id).unwrap_or(EMPTY);
        let i = &self.info[row];
        match col {
            NAME => rank(self.texts[row][0]),
            GENDER => self.labels.gender[usize::from(i.gender)],
            AGE => i.age,
            POLITICAL => self.labels.political[usize::from(i.political)],
            HOME => rank(self.texts[row][1]),
            DIRECTION => self.labels.direction.get(usize::from(i.direction)).copied().unwrap_or(EMPTY),
            HOST => rank(self.texts[row][2]),
            BATCH => self.classes[self.class[row] as usize].dispatch,
            TERM_END => i.term_end,
            NEXT_REVIEW => i.next_review,
            FLAGS => rank(i.flags),
            _ => EMPTY,
        }
    }

    /// Every row stably sorted by column `col`, ascending; kept for the next calls.
    fn sorted_by(&self, col: usize) -> Arc<Vec<u32>> {
        let mut cache = lock(&self.sorted);
        if let Some(at) = cache.iter().position(|(c, _)| *c == col) {
            let hit = cache.remove(at);
            let perm = hit.1.clone();
            cache.insert(0, hit);
            return perm;
        }
        let mut keyed: Vec<u64> = (0..self.len()).map(|r| (u64::from(self.key(col, r)) << 32) | r as u64).collect();
        sort_u64(&mut keyed, self.len() >= self.split);
        let perm: Arc<Vec<u32>> = Arc::new(keyed.into_iter().map(|k| k as u32).collect());
        cache.insert(0, (col, perm.clone()));
        cache.truncate(KEEP_SORTED);
        perm
    }

    /// The rows whose name, home or host matches `query` (not empty). A query narrowing the
    /// last one tests only the last one's hits.
    fn row_hits(&self, query: &Query) -> Arc<BitSet> {
        let texts = self.search.hits(&self.pool, query);
        let mut last = lock(&self.hits);
        let previous = last.as_ref().filter(|(q, _)| query.narrows(q));
        let hits = match previous {
            // The same query again (another sort or filter): the same rows.
            Some((q, hits)) if q.narrows(query) => hits.clone(),
            previous => {
                let within = previous.map(|(_, h)| h.as_ref());
                // The matching texts' rows when they are few, else every row (or every row of
                // the last hits) tested.
                let limit = self.len() / FEW_POSTED;
                let mut posted = 0;
                for t in texts.iter() {
                    posted += (self.starts[t + 1] - self.starts[t]) as usize;
                    if posted > limit {
                        break;
                    }
                }
                if posted <= limit {
                    let mut hits = BitSet::new(self.len());
                    for t in texts.iter() {
                        for &r in &self.rows_of[self.starts[t] as usize..self.starts[t + 1] as usize] {
                            hits.insert(r as usize);
                        }
                    }
                    Arc::new(hits)
                } else {
                    // Branch-free, a word of rows at a time: every text id is in the pool.
                    let hit = texts.words();
                    let test = |w: usize| {
                        let rows = &self.texts[w * 64..(w * 64 + 64).min(self.len())];
                        rows.iter().enumerate().fold(0u64, |bits, (i, ids)| {
                            let m = ids.iter().fold(0, |m, &t| m | (hit[t as usize / 64] >> (t % 64)));
                            bits | ((m & 1) << i)
                        })
                    };
                    Arc::new(BitSet::select(self.len(), within, test))
                }
            }
        };
        *last = Some((query.clone(), hits.clone()));
        hits
    }
}

/// For each text, the rows showing it in a searchable cell, as offsets into one array of rows
/// (each text's rows ascending).
fn postings(texts: &[[u32; 3]], len: usize) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; len + 1];
    for &t in texts.iter().flatten() {
        starts[t as usize + 1] += 1;
    }
    for i in 0..len {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut rows_of = vec![0u32; starts[len] as usize];
    for (row, ids) in texts.iter().enumerate() {
        for &t in ids {
            rows_of[fill[t as usize] as usize] = row as u32;
            fill[t as usize] += 1;
        }
    }
    (starts, rows_of)
}

/// Sorts, on two threads (halves, then a merge) when asked.
fn sort_u64(v: &mut Vec<u64>, parallel: bool) {
    if !parallel || v.len() < 2 {
        v.sort_unstable();
        return;
    }
    let cut = v.len() / 2;
    let (a, b) = v.split_at_mut(cut);
    std::thread::scope(|s| {
        s.spawn(|| b.sort_unstable());
        a.sort_unstable();
    });
    let mut out = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, cut);
    while i < cut && j < v.len() {
        if v[i] <= v[j] {
            out.push(v[i]);
            i += 1;
        } else {
            out.push(v[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&v[i..cut]);
    out.extend_from_slice(&v[j..]);
    *v = out;
}

/// `part(0..len)`, as two halves on two threads when asked, concatenated in order.
fn in_two<T: Send>(len: usize, parallel: bool, part: impl Fn(std::ops::Range<usize>) -> Vec<T> + Sync) -> Vec<T> {
    if !parallel || len < 2 {
        return part(0..len);
    }
    let cut = len / 2;
    let (mut left, right) = std::thread::scope(|s| {
        let right = s.spawn(|| part(cut..len));
        (part(0..cut), right.join().expect("order thread"))
    });
    left.extend(right);
    left
}

/// A summary: the rows themselves would be a million lines.
impl std::fmt::Debug for CadreCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CadreCatalog")
            .field("rows", &self.len())
            .field("texts", &self.pool.len())
            .field("classes", &self.classes.len())
            .field("heap_bytes", &self.heap_bytes())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Catalog for CadreCatalog {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn order(&self, sort: Option<usize>, reverse: bool, filters: &Filters, query: &Query) -> Vec<usize> {
        let n = self.len();
        // The filters look at tags only: decided once per class.
        let accept: Vec<bool> = self.classes.iter().map(|c| filters.accepts_tags(&c.tags)).collect();
        let hits = (!query.is_empty()).then(|| self.row_hits(query));
        // The rows to show, as a set (`None`: all of them).
        let keep: Option<Arc<BitSet>> = if accept.iter().all(|&a| a) {
            hits
        } else if !accept.iter().any(|&a| a) {
            Some(Arc::new(BitSet::new(n)))
        } else {
            let test = |w: usize| {
                let rows = &self.class[w * 64..(w * 64 + 64).min(n)];
                rows.iter().enumerate().fold(0u64, |bits, (i, &c)| bits | (u64::from(accept[c as usize]) << i))
            };
            Some(Arc::new(BitSet::select(n, hits.as_deref(), test)))
        };
        let mut out: Vec<usize> = match (sort.filter(|&c| c < COLUMNS), keep.as_deref()) {
            (None, None) => (0..n).collect(),
            (None, Some(keep)) => {
                let words = keep.words();
                in_two(words.len(), n >= self.split, |part| {
                    let mut out = Vec::new();
                    for (w, &bits) in part.clone().zip(&words[part]) {
                        let mut bits = bits;
                        while bits != 0 {
                            out.push(w * 64 + bits.trailing_zeros() as usize);
                            bits &= bits - 1;
                        }
                    }
                    out
                })
            }
            (Some(col), Some(keep)) if keep.count() <= n / FEW => {
                // Few rows: sort them by (key, row), which is the stable sort's order.
                let mut keyed: Vec<u64> = keep.iter().map(|r| (u64::from(self.key(col, r)) << 32) | r as u64).collect();
                keyed.sort_unstable();
                keyed.into_iter().map(|k| k as u32 as usize).collect()
            }
            (Some(col), keep) => {
                let perm = self.sorted_by(col);
                // Reversed while collecting (part `a..b` of the reversed order is
                // `perm[n - b..n - a]` backwards): no second pass.
                return in_two(n, n >= self.split, |part| {
                    let rows = if reverse { n - part.end..n - part.start } else { part };
                    let rows = &perm[rows];
                    let Some(keep) = keep else {
                        return match reverse {
                            false => rows.iter().map(|&r| r as usize).collect(),
                            true => rows.iter().rev().map(|&r| r as usize).collect(),
                        };
                    };
                    // Branch-free: every row is written, and kept when its bit is set.
                    let words = keep.words();
                    let mut out = vec![0usize; rows.len()];
                    let mut len = 0;
                    let mut put = |r: u32| {
                        out[len] = r as usize;
                        len += ((words[r as usize / 64] >> (r % 64)) & 1) as usize;
                    };
                    match reverse {
                        false => rows.iter().for_each(|&r| put(r)),
                        true => rows.iter().rev().for_each(|&r| put(r)),
                    }
                    out.truncate(len);
                    out
                });
            }
        };
        if reverse {
            out.reverse();
        }
        out
    }

    fn rec(&self, row: usize) -> Option<Rec> {
        self.ids.get(row).map(|&id| Rec::Cadre(id))
    }

    fn cadre(&self, row: usize) -> Option<Id> {
        self.ids.get(row).copied()
    }

    fn find(&self, rec: Rec) -> Option<usize> {
        match rec {
            Rec::Cadre(id) => self.ids.binary_search(&id).ok(),
            _ => None,
        }
    }
}
