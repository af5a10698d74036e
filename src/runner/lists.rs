//! Reading the lists from the store: every catalog at start (on a background thread, tab by tab
//! as each is done), and after a save the rows the change touched (`refresh`), through the same
//! derivations (`app::catalog`). Each reading is one read transaction and says up to which
//! audit row it saw.

use crate::app::catalog::cadres::{rules, Bulk, Deriver};
use crate::app::catalog::first::{FirstRows, FIRST_ROWS};
use crate::app::catalog::handover::{Built, Handover, Refresh, Shown};
use crate::app::catalog::names::Names;
use crate::app::catalog::pairs::PairCatalog;
use crate::app::catalog::reserve::{ReserveCatalog, Taken, TermGrades};
use crate::app::catalog::reviews::ReviewCatalog;
use crate::app::list::Filters;
use crate::app::view::overview::BatchLine;
use crate::app::view::Rec;
use crate::domain::figures::{DueByMonth, UnitCounts};
use crate::domain::flags::term_rules;
use crate::domain::pairing::pair_rule;
use crate::domain::reserve::Grades;
use crate::domain::term::Term;
use crate::domain::*;
use crate::store::lists::Roster;
use crate::store::{Access, Result, Store};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Builds every list, handing each over as soon as it is done: the cadres first (searchable,
/// then with the rules' flags), then the pairs, the overview, the reserve pool, the open reviews
/// and the units. `send` returns false to stop (nobody is listening any more).
///
/// The cadres stream on this connection while the terms are read on a second one, each on its
/// own core. Every reading of this connection is one read transaction; the second connection's
/// starts just after, so a save committed in between is in the terms and not the cadres: the
/// hand-overs say the earlier audit mark, and the app reads what changed since (`refresh`).
pub fn build_all(store: &Store, shown: Shown, mut send: impl FnMut(Handover) -> bool) -> Result<()> {
    let tx = store.connection().unchecked_transaction()?;
    let mark = store.audit_mark()?;
    let mut go = |built: Built| send(Handover { built, mark });
    let units = store.units(None)?;
    let path = store.path().to_path_buf();
    let mut bulk = Bulk::new(shown.lang, shown.today, &units);
    let mut names = Names::default();
    let mut invalid = Vec::new();
    // The reserve tab's first rows are read on the second connection before its terms, which
    // are done before the cadres are: they cost the cadres, which the user waits for, nothing.
    let (first_out, first_in) = std::sync::mpsc::channel();
    // Hands them over once they have come; `listening` false: nobody wants the lists any more.
    let (mut first_handed, mut listening) = (false, true);
    let mut offer_first = || {
        if !first_handed {
            if let Ok(rows) = first_in.try_recv() {
                first_handed = true;
                if let Some(rows) = rows {
                    listening = go(Built::ReserveFirst(rows));
                }
            }
        }
    };
    let (terms, streamed) = std::thread::scope(|s| {
        let terms = s.spawn(move || -> Result<Roster> {
            let other = Store::open(&path, Access::ReadOnly)?;
            let tx = other.connection().unchecked_transaction()?;
            let _ = first_out.send(first_reserve(&other, shown.today)?);
            let roster = other.roster_terms(None)?;
            tx.commit()?;
            Ok(roster)
        });
        let mut streamed_rows = 0u32;
        let streamed = store.each_cadre_item(None, &mut invalid, |c| {
            names.push(c.id, c.name);
            bulk.push(&c);
            streamed_rows = streamed_rows.wrapping_add(1);
            if streamed_rows.is_multiple_of(4096) {
                offer_first();
            }
        });
        (terms.join().expect("terms thread"), streamed)
    });
    offer_first();
    if !listening {
        return Ok(());
    }
    streamed?;
    let mut roster = terms?;
    invalid.extend(std::mem::take(&mut roster.invalid));
    roster.homes = bulk.homes();
    let grassroots = std::mem::take(&mut bulk.grassroots);
    {
        let deriver = Deriver { roster: &roster, today: shown.today, lang: shown.lang };
        bulk.attach(&deriver);
    }
    let cadres = bulk.finish();
    let ids: Vec<Id> = cadres.ids().to_vec();
    let archived: Vec<bool> = (0..ids.len()).map(|r| cadres.archived(r)).collect();
    if !go(Built::Cadres(Box::new(cadres))) {
        return Ok(());
    }
    store.fill_next_due(&mut roster, false)?;
    let years = |id: Id| ids.binary_search(&id).map_or(0.0, |r| f64::from(grassroots[r]));
    {
        let deriver = Deriver { roster: &roster, today: shown.today, lang: shown.lang };
        let rules = rules(&deriver, &ids, |r| archived[r], &grassroots);
        if !go(Built::CadreRules(Box::new(rules))) {
            return Ok(());
        }
    }
    let mut pairs = PairCatalog::new(shown.today, shown.lang, shown.ascii);
    pairs.add_from(&roster, &names, None);
    pairs.finish();
    if !go(Built::Pairs(Box::new(pairs))) {
        return Ok(());
    }
    let flags = count_flags(&roster, years, None);
    if !go(Built::Overview(batch_lines(store, None, &flags, shown.today)?)) {
        return Ok(());
    }
    roster.keep_terms_only();
    if !go(Built::Reserve(Box::new(reserve(store, &roster, &names, None, shown, &mut invalid)?))) {
        return Ok(());
    }
    let mut reviews = ReviewCatalog::new(true, shown.today, roster.policy.due_soon_days, shown.lang);
    store.each_review(true, None, &mut invalid, |r, period| reviews.push(&r, period, &roster, &names))?;
    reviews.finish();
    reviews.set_all_count(store.review_count()?);
    if !go(Built::Reviews(Box::new(reviews))) {
        return Ok(());
    }
    if !go(Built::Units(unit_lines(store, None)?)) {
        return Ok(());
    }
    invalid.sort();
    invalid.dedup();
    go(Built::Invalid(invalid));
    tx.commit()?;
    Ok(())
}

/// The reserve list's first rows, standing in for its catalog while that is built (the
/// catalog needs every term's grades: seconds at a million). The list begins with the rule's
/// candidates by term, so the terms are read by id in growing chunks, each with its cadres'
/// terms, grades and nominations, until a screen's worth of candidates is found or
/// `READ_AT_MOST` terms were read: what was found is then the list's true beginning and the
/// rest waits for the catalog. The nominations, which follow every candidate, come only when
/// every term was read. `None` when nothing was found before the limit.
pub fn first_reserve(store: &Store, today: chrono::NaiveDate) -> Result<Option<FirstRows>> {
    const READ_AT_MOST: usize = 50_000;
    let mut rows: Vec<(Rec, Option<Id>)> = Vec::new();
    let mut invalid = Vec::new();
    let (mut after, mut chunk, mut read) = (0, 512, 0);
    loop {
        let terms = store.terms_after(after, chunk)?;
        let Some(&(last, _)) = terms.last() else { break };
        let mut cadres: Vec<Id> = terms.iter().map(|t| t.1).collect();
        cadres.sort_unstable();
        cadres.dedup();
        let roster = store.roster_terms(Some(&cadres))?;
        let (grades, nominations) = reserve_inputs(store, &roster, Some(&cadres), today, &mut invalid)?;
        let taken = Taken::of(&nominations);
        // The chunk's cadres' other terms are read in their own chunk.
        for t in roster.terms.iter().filter(|t| t.id > after && t.id <= last) {
            if taken.candidate(t, &grades.of(t.id), today) {
                rows.push((Rec::Candidate(t.id), Some(t.cadre_id)));
            }
        }
        read += terms.len();
        if rows.len() >= FIRST_ROWS || read >= READ_AT_MOST {
            rows.truncate(FIRST_ROWS);
            return Ok((!rows.is_empty()).then(|| FirstRows::new(rows, Filters::default())));
        }
        if terms.len() < chunk {
            break;
        }
        after = last;
        chunk = (chunk * 2).min(8192);
    }
    store.each_nomination(None, &mut invalid, |n| {
        if rows.len() < FIRST_ROWS {
            rows.push((Rec::Nomination(n.id), Some(n.cadre_id)));
        }
    })?;
    Ok(Some(FirstRows::new(rows, Filters::default())))
}

/// Every review, done and cancelled ones too (asked for by the Reviews tab's status filter).
pub fn build_all_reviews(store: &Store, shown: Shown) -> Result<Handover> {
    let tx = store.connection().unchecked_transaction()?;
    let mark = store.audit_mark()?;
    let mut roster = store.roster_terms(None)?;
    roster.keep_terms_only();
    roster.homes = store.homes(None)?;
    let mut names = Names::default();
    let mut invalid = Vec::new();
    store.each_cadre_item(None, &mut invalid, |c| names.push(c.id, c.name))?;
    let mut reviews = ReviewCatalog::new(false, shown.today, roster.policy.due_soon_days, shown.lang);
    reviews.reserve(store.review_count()?);
    store.each_review(false, None, &mut invalid, |r, period| reviews.push(&r, period, &roster, &names))?;
    reviews.finish();
    tx.commit()?;
    Ok(Handover { built: Built::Reviews(Box::new(reviews)), mark })
}

fn reserve(
    store: &Store,
    roster: &Roster,
    names: &Names,
    cadres: Option<&[Id]>,
    shown: Shown,
    invalid: &mut Vec<String>,
) -> Result<ReserveCatalog> {
    let (grades, nominations) = reserve_inputs(store, roster, cadres, shown.today, invalid)?;
    let mut reserve = ReserveCatalog::new(shown.today, shown.lang);
    reserve.add_from(roster, names, &grades, &nominations, None);
    reserve.finish();
    Ok(reserve)
}

/// The nominations, and the grades of the terms the reserve list shows them for: the rule's
/// candidates and the nominated terms (of the roster's terms; all of them when `cadres` is
/// `None`).
fn reserve_inputs(
    store: &Store,
    roster: &Roster,
    cadres: Option<&[Id]>,
    today: chrono::NaiveDate,
    invalid: &mut Vec<String>,
) -> Result<(TermGrades, Vec<ReserveNomination>)> {
    let mut nominations = Vec::new();
    store.each_nomination(cadres, invalid, |n| nominations.push(n))?;
    let taken = Taken::of(&nominations);
    // A nomination without a term shows the cadre's current one.
    let mut shown: HashSet<Id> = nominations.iter().filter_map(|n| n.secondment_id).collect();
    for n in nominations.iter().filter(|n| n.secondment_id.is_none()) {
        let own: Vec<Term> = roster.terms_of(n.cadre_id).iter().map(|&p| roster.terms[p as usize]).collect();
        shown.extend(Term::current(&own, today).map(|i| own[i].id));
    }
    let terms: Option<Vec<Id>> = cadres.map(|_| roster.terms.iter().map(|t| t.id).collect());
    let mut err = None;
    let keep = |term: Id, g: &Grades| {
        shown.contains(&term) || roster.term(term).is_some_and(|i| taken.candidate(&roster.terms[i], g, today))
    };
    let grades = TermGrades::collect(
        |f| {
            if let Err(e) = store.each_graded(terms.as_deref(), invalid, f) {
                err = Some(e);
            }
        },
        keep,
    );
    if let Some(e) = err {
        return Err(e);
    }
    Ok((grades, nominations))
}

/// The overview's lines: the batches (`only` these) with their figures, flag counts and reviews
/// due in the months from `today`'s.
fn batch_lines(
    store: &Store,
    only: Option<&[Id]>,
    flags: &HashMap<Id, usize>,
    today: chrono::NaiveDate,
) -> Result<Vec<BatchLine>> {
    let batches = store.batches(only)?;
    let figures = store.batch_figures(only)?;
    let due = store.due_by_month(today, only)?;
    Ok(batches
        .into_iter()
        .zip(figures.into_iter().map(Some))
        .map(|(batch, figures)| {
            let flags = Some(flags.get(&batch.id).copied().unwrap_or(0));
            let due = Some(due.get(&batch.id).copied().unwrap_or(DueByMonth::new(today)));
            BatchLine { batch, figures, flags, due }
        })
        .collect())
}

/// Every unit (`only` these) with what depends on it.
fn unit_lines(store: &Store, only: Option<&[Id]>) -> Result<Vec<(Unit, Option<UnitCounts>)>> {
    let units = store.units(only)?;
    let counts: HashMap<Id, UnitCounts> = store.unit_counts(only)?.into_iter().map(|c| (c.unit_id, c)).collect();
    Ok(units.into_iter().map(|u| (u.clone(), counts.get(&u.id).copied())).collect())
}

/// How many findings (policy flags and pair findings) name a secondment of each batch (of the
/// batches `only`, when given): what the overview's Flags column counts. Each finding counts
/// once for each batch its secondments belong to.
pub fn count_flags(roster: &Roster, grassroots: impl Fn(Id) -> f64, only: Option<&HashSet<Id>>) -> HashMap<Id, usize> {
    let mut out: HashMap<Id, usize> = HashMap::new();
    let batch_of = |id: Id| roster.term(id).map(|i| roster.terms[i].batch_id);
    let mut count = |batches: BTreeSet<Id>| {
        for b in batches.into_iter().filter(|b| only.is_none_or(|o| o.contains(b))) {
            *out.entry(b).or_default() += 1;
        }
    };
    let mut from = 0;
    while from < roster.by_cadre.len() {
        let cadre = roster.terms[roster.by_cadre[from] as usize].cadre_id;
        let n = roster.by_cadre[from..].iter().take_while(|&&t| roster.terms[t as usize].cadre_id == cadre).count();
        let terms: Vec<Term> = roster.by_cadre[from..from + n].iter().map(|&t| roster.terms[t as usize]).collect();
        from += n;
        let years = grassroots(cadre);
        for (_, named) in term_rules(years, &terms, roster.policy.term_months) {
            count(named.iter().filter_map(|&s| batch_of(s)).collect());
        }
    }
    for p in &roster.pairs {
        let side = |id: Id| roster.term(id).map(|i| &roster.terms[i]);
        let (down, up) = (side(p.down_id), side(p.up_id));
        let home = |t: Option<&Term>| t.and_then(|t| roster.home(t.cadre_id)).unwrap_or(0);
        if pair_rule(p.batch_id, down, up, home(down), home(up)).is_some() {
            count([p.down_id, p.up_id].into_iter().filter_map(batch_of).collect());
        }
    }
    for (i, t) in roster.terms.iter().enumerate() {
        if roster.pairs_of(i).next().is_none() {
            count(BTreeSet::from([t.batch_id]));
        }
    }
    out
}

/// Reads what the changes after audit row `mark` touched (everything changed `affected.all`:
/// the caller builds every list again instead).
pub fn refresh(store: &Store, mark: i64, shown: Shown, all_reviews: bool) -> Result<Refresh> {
    let tx = store.connection().unchecked_transaction()?;
    let affected = store.affected_since(mark)?;
    let mut invalid = Vec::new();
    let roster = if affected.all { Roster::default() } else { store.roster(Some(&affected.cadres))? };
    let mut names = Names::default();
    let mut cadres = Vec::new();
    let people: Vec<Id> = roster
        .terms
        .iter()
        .map(|t| t.cadre_id)
        .chain(affected.cadres.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !affected.all {
        let own: HashSet<Id> = affected.cadres.iter().copied().collect();
        let deriver = Deriver { roster: &roster, today: shown.today, lang: shown.lang };
        store.each_cadre_item(Some(&people), &mut invalid, |c| {
            names.push(c.id, c.name);
            if own.contains(&c.id) {
                cadres.push(deriver.derive(&c));
            }
        })?;
    }
    let mut reviews_open = Vec::new();
    let mut reviews_all = all_reviews.then(Vec::new);
    if !affected.all && !affected.secondments.is_empty() {
        store.each_review(false, Some(&affected.secondments), &mut invalid, |r, period| {
            if r.done.is_none() && !r.cancelled {
                reviews_open.push((r, period.to_string()));
            }
            if let Some(all) = &mut reviews_all {
                all.push((r, period.to_string()));
            }
        })?;
    }
    let (grades, nominations) = if affected.all || affected.cadres.is_empty() {
        (TermGrades::default(), Vec::new())
    } else {
        reserve_inputs(store, &roster, Some(&affected.cadres), shown.today, &mut invalid)?
    };
    let (batches, units) = if affected.all {
        (Vec::new(), Vec::new())
    } else {
        let flags = batch_flags(store, &affected.batches)?;
        (batch_lines(store, Some(&affected.batches), &flags, shown.today)?, unit_lines(store, Some(&affected.units))?)
    };
    let counts = store.attention_counts(shown.today)?;
    tx.commit()?;
    Ok(Refresh {
        affected,
        cadres,
        roster,
        names,
        reviews_open,
        reviews_all,
        grades,
        nominations,
        batches,
        units,
        counts,
    })
}

/// The flag counts of `batches`, from every cadre with a secondment in them.
fn batch_flags(store: &Store, batches: &[Id]) -> Result<HashMap<Id, usize>> {
    if batches.is_empty() {
        return Ok(HashMap::new());
    }
    let people = store.cadres_in_batches(batches)?;
    let roster = store.roster(Some(&people))?;
    let mut grassroots = HashMap::new();
    let mut invalid = Vec::new();
    store.each_cadre_item(Some(&people), &mut invalid, |c| {
        grassroots.insert(c.id, c.grassroots_years);
    })?;
    let only: HashSet<Id> = batches.iter().copied().collect();
    Ok(count_flags(&roster, |id| grassroots.get(&id).copied().unwrap_or(0.0), Some(&only)))
}
