//! Tamper evidence, checked: what `guazhi check` reports about changes made outside the
//! program (the sqlite3 shell, a hex editor, a file put back from elsewhere).
//!
//! - the schema is the one the migrations make (no trigger, index or constraint added, changed
//!   or removed);
//! - every audit row links to the one before it (`chain::link`): a row changed, removed or
//!   slipped in breaks its link;
//! - every row of every table equals its last audited image, each image follows from the one
//!   before it, and rows without images of their own (bulk loads, the baseline taken when a
//!   file is first chained) match their digest blocks;
//! - every head in the anchor file (`DB-anchor`) is still in the chain, so cutting off the
//!   newest rows, or putting back an older copy of the file, shows.
//!
//! Everything streams: memory does not grow with the audit trail (one row's history at a time,
//! plus the digest blocks, one per [`chain::BLOCK`] rows of a bulk load), and time is linear.

use super::chain::{self, Block, Feed, Hash};
use super::{Actor, Result, Store, StoreError};
use crate::domain::flags::Severity;
use crate::lang::Message;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use std::io::BufRead;
use std::path::Path;

/// What was done outside the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Changed,
    Deleted,
    Added,
}

impl Operation {
    pub fn code(self) -> &'static str {
        match self {
            Operation::Changed => "changed",
            Operation::Deleted => "deleted",
            Operation::Added => "added",
        }
    }
}

/// One sign of tampering: the table (`audit` for the trail itself, `schema`, `anchor`), the
/// row (or the first of a range), what was done, and the words for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tamper {
    pub severity: Severity,
    pub table: String,
    pub row: Option<i64>,
    pub operation: Operation,
    pub message: Message,
}

/// What the verification covered.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuditSummary {
    /// Audit rows read.
    pub rows: i64,
    /// The `chain_start` row of a file chained after it was written: rows up to it were
    /// chained as they were found.
    pub chained_from: Option<i64>,
    /// Heads in the anchor file, when there is one.
    pub anchored: Option<i64>,
}

/// A digest of rows as they stood at audit row `at`.
struct Set {
    at: i64,
    blocks: Vec<Block>,
    /// The block being filled, its row count and feed.
    next: usize,
    rows: i64,
    feed: Option<Feed>,
}

/// An audit row about one table row: its id and the images' hashes (`None`: no row).
struct Entry {
    id: i64,
    row: i64,
    old: Option<Hash>,
    new: Option<Hash>,
}

fn tamper(table: &str, row: Option<i64>, operation: Operation, zh: String, en: String) -> Tamper {
    Tamper { severity: Severity::Error, table: table.to_string(), row, operation, message: Message::new(zh, en) }
}

impl Store {
    /// Verifies the schema, the audit chain, every row against its audit trail, and the anchor;
    /// `found` gets each finding as it is met.
    pub fn verify_audit<E: From<StoreError>>(
        &self,
        mut found: impl FnMut(Tamper) -> std::result::Result<(), E>,
    ) -> std::result::Result<AuditSummary, E> {
        let conn = self.connection();
        let fresh = fresh_schema()?;
        for t in schema_differences(conn, &fresh)? {
            found(t)?;
        }
        let mut summary = AuditSummary::default();
        let sets = verify_chain(conn, &mut summary, &mut found)?;
        let k0 = summary.chained_from.unwrap_or(0);
        for table in super::write::TABLES {
            let default = if *table == "policy" { first_row_hash(&fresh, table)? } else { None };
            let mut mine: Vec<Set> = sets
                .iter()
                .filter(|(_, t, _)| t == table)
                .map(|(at, _, blocks)| Set { at: *at, blocks: blocks.clone(), next: 0, rows: 0, feed: None })
                .collect();
            verify_table(conn, table, k0, &mut mine, default, &mut found)?;
        }
        verify_anchor(conn, &self.path, &mut summary, &mut found)?;
        Ok(summary)
    }
}

/// The schema as the migrations make it, in memory, with the rows they write.
fn fresh_schema() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    let actor = Actor { uid: 0, user: String::new(), fixed_time: Some(String::new()) };
    super::open::migrate(&conn, Path::new(":memory:"), &actor)?;
    Ok(conn)
}

fn first_row_hash(conn: &Connection, table: &str) -> Result<Option<Hash>> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id LIMIT 1"))?;
    let n = stmt.column_count();
    Ok(stmt.query_row([], |r| chain::row_hash(r, n)).optional()?)
}

type SchemaObject = (String, String, Option<String>);

fn objects(conn: &Connection) -> Result<Vec<SchemaObject>> {
    Ok(conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

fn schema_differences(conn: &Connection, fresh: &Connection) -> Result<Vec<Tamper>> {
    let (have, want) = (objects(conn)?, objects(fresh)?);
    let mut out = Vec::new();
    for (kind, name, sql) in &have {
        let (operation, zh, en) = match want.iter().find(|(_, n, _)| n == name) {
            None => (Operation::Added, "在程序之外被添加", "was added outside the program"),
            Some((_, _, expected)) if !same_sql(expected.as_deref(), sql.as_deref()) => {
                (Operation::Changed, "在程序之外被修改", "was changed outside the program")
            }
            Some(_) => continue,
        };
        out.push(tamper(
            "schema",
            None,
            operation,
            format!("数据库结构：{}{name} {zh}", kind_zh(kind)),
            format!("schema: {kind} {name} {en}"),
        ));
    }
    for (kind, name, _) in want.iter().filter(|(_, n, _)| !have.iter().any(|(_, h, _)| h == n)) {
        out.push(tamper(
            "schema",
            None,
            Operation::Deleted,
            format!("数据库结构：{}{name} 在程序之外被删除", kind_zh(kind)),
            format!("schema: {kind} {name} was removed outside the program"),
        ));
    }
    Ok(out)
}

/// Whether two schema texts are the same statement. SQLite keeps a statement's text as it was
/// run, so a file made before the migrations' text was re-wrapped differs in line breaks and
/// indentation only: that is not tampering.
fn same_sql(a: Option<&str>, b: Option<&str>) -> bool {
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match (a, b) {
        (Some(a), Some(b)) => words(a) == words(b),
        (a, b) => a == b,
    }
}

/// A schema object's kind in Chinese (SQLite names it in English).
fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "table" => "表 ",
        "index" => "索引 ",
        "trigger" => "触发器 ",
        "view" => "视图 ",
        _ => "对象 ",
    }
}

/// Walks the chain in id order. Returns the digest sets it names: (audit id, table, blocks).
fn verify_chain<E: From<StoreError>>(
    conn: &Connection,
    summary: &mut AuditSummary,
    found: &mut impl FnMut(Tamper) -> std::result::Result<(), E>,
) -> std::result::Result<Vec<(i64, String, Vec<Block>)>, E> {
    let mut digests: Vec<(i64, Value)> = Vec::new();
    {
        let mut stmt = conn
            .prepare(
                "SELECT id, op, at, uid, os_user, action, table_name, row_id, old_values, new_values, reverts, hash
                 FROM audit ORDER BY id",
            )
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        // The previous row's id, its stored hash, and its hash as recomputed.
        let (mut prev_id, mut prev_stored, mut prev_computed): (i64, Hash, Hash) = (0, [0; 32], [0; 32]);
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let read = |r: &rusqlite::Row| -> rusqlite::Result<_> {
                let fields: (i64, i64, String, i64, String, String, String, Option<i64>) =
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
                let images: (Option<String>, Option<String>, Option<i64>, Option<Vec<u8>>) =
                    (r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?);
                Ok((fields, images))
            };
            let Ok(((id, op, at, uid, os_user, action, table, row_id), (old, new, reverts, hash))) = read(r) else {
                let id: i64 = r.get(0).unwrap_or(prev_id + 1);
                found(tamper(
                    "audit",
                    Some(id),
                    Operation::Changed,
                    format!("修改记录 #{id} 无法读取：在程序之外被修改"),
                    format!("audit row #{id} cannot be read: changed outside the program"),
                ))?;
                prev_id = id;
                continue;
            };
            summary.rows += 1;
            let fields = chain::AuditRow {
                op,
                at: &at,
                uid,
                os_user: &os_user,
                action: &action,
                table: &table,
                row_id,
                old: old.as_deref(),
                new: new.as_deref(),
                reverts,
            };
            let stored: Option<Hash> = hash.and_then(|h| h.try_into().ok());
            let computed = chain::link(&prev_stored, id, &fields);
            if id != prev_id + 1 {
                let (a, b) = (prev_id + 1, id - 1);
                let (zh, en) = if a == b {
                    (format!("修改记录 #{a}"), format!("audit row #{a} was"))
                } else {
                    (format!("修改记录 #{a}–#{b}"), format!("audit rows #{a}–#{b} were"))
                };
                found(tamper(
                    "audit",
                    Some(a),
                    Operation::Deleted,
                    format!("{zh} 在程序之外被删除（#{prev_id} 之后是 #{id}）"),
                    format!("{en} deleted outside the program (#{prev_id} is followed by #{id})"),
                ))?;
            } else if stored.is_none() {
                found(tamper(
                    "audit",
                    Some(id),
                    Operation::Added,
                    format!("修改记录 #{id} 没有哈希：在程序之外写入"),
                    format!("audit row #{id} has no hash: written outside the program"),
                ))?;
            } else if stored != Some(computed) {
                // A row whose own hash was altered breaks the next link too: say it once.
                let after_altered =
                    prev_stored != prev_computed && stored == Some(chain::link(&prev_computed, id, &fields));
                if !after_altered {
                    found(tamper(
                        "audit",
                        Some(id),
                        Operation::Changed,
                        format!("修改记录 #{id}（{table}，{action}，{os_user}）与哈希链不符：在程序之外被修改或写入"),
                        format!(
                            "audit row #{id} ({table}, {action}, by {os_user}) does not match the hash chain: \
                             changed or written outside the program"
                        ),
                    ))?;
                }
            }
            if action == "chain_start" && summary.chained_from.is_none() {
                summary.chained_from = Some(id);
            }
            if row_id.is_none() {
                if let Some(map) = new.as_deref().and_then(|s| serde_json::from_str::<Value>(s).ok()) {
                    if let Some(d) = map.get("digests") {
                        digests.push((id, d.clone()));
                    }
                }
            }
            prev_id = id;
            prev_stored = stored.unwrap_or([0; 32]);
            prev_computed = computed;
        }
    }
    let mut sets = Vec::new();
    for (at, named) in &digests {
        let Some(named) = named.as_object() else { continue };
        for (table, expected) in named {
            let blocks = read_blocks(conn, *at, table)?;
            if Some(chain::blocks_hash(&blocks)) != expected.as_str().and_then(chain::unhex) {
                found(tamper(
                    "audit",
                    Some(*at),
                    Operation::Changed,
                    format!("修改记录 #{at} 记下的 {table} 摘要在程序之外被修改"),
                    format!("the digest of {table} that audit row #{at} names was changed outside the program"),
                ))?;
            }
            sets.push((*at, table.clone(), blocks));
        }
    }
    // Blocks no digest row names were slipped in.
    let mut stmt = conn
        .prepare("SELECT DISTINCT audit_id, table_name FROM audit_digest ORDER BY 1, 2")
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([]).map_err(StoreError::from)?;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let (at, table): (i64, String) = (r.get(0).map_err(StoreError::from)?, r.get(1).map_err(StoreError::from)?);
        if !sets.iter().any(|(a, t, _)| *a == at && *t == table) {
            found(tamper(
                "audit",
                Some(at),
                Operation::Added,
                format!("{table} 的摘要（修改记录 #{at}）在程序之外写入"),
                format!("a digest of {table} under audit row #{at} was written outside the program"),
            ))?;
        }
    }
    Ok(sets)
}

fn read_blocks(conn: &Connection, at: i64, table: &str) -> Result<Vec<Block>> {
    let mut stmt = conn.prepare_cached(
        "SELECT first_id, last_id, rows, digest FROM audit_digest WHERE audit_id = ?1 AND table_name = ?2
         ORDER BY first_id",
    )?;
    let rows = stmt.query_map(params![at, table], |r| {
        let digest: Vec<u8> = r.get(3)?;
        Ok(Block { first: r.get(0)?, last: r.get(1)?, rows: r.get(2)?, digest: digest.try_into().unwrap_or([0; 32]) })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The image an audit row holds, hashed as the table's row would be.
fn image(json: Option<String>, columns: &[String]) -> Option<Hash> {
    json.map(|s| match serde_json::from_str::<Value>(&s) {
        Ok(v) => chain::image_hash(&v, columns),
        Err(_) => [0xff; 32],
    })
}

/// One table, merged by row id with its audit rows after the chain's start (`k0`).
fn verify_table<E: From<StoreError>>(
    conn: &Connection,
    table: &str,
    k0: i64,
    sets: &mut [Set],
    default_row: Option<Hash>,
    found: &mut impl FnMut(Tamper) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let columns = chain::columns(conn, table)?;
    let n = columns.len();
    let mut row_stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id")).map_err(StoreError::from)?;
    let mut rows = row_stmt.query([]).map_err(StoreError::from)?;
    let mut next_row = || -> Result<Option<(i64, Hash)>> {
        match rows.next()? {
            Some(r) => Ok(Some((r.get(0)?, chain::row_hash(r, n)?))),
            None => Ok(None),
        }
    };
    let mut audit_stmt = conn
        .prepare(
            "SELECT id, row_id, old_values, new_values FROM audit
             WHERE table_name = ?1 AND row_id IS NOT NULL AND id > ?2 ORDER BY row_id, id",
        )
        .map_err(StoreError::from)?;
    let mut entries = audit_stmt.query(params![table, k0]).map_err(StoreError::from)?;
    let mut next_entry = || -> Result<Option<Entry>> {
        match entries.next()? {
            Some(r) => Ok(Some(Entry {
                id: r.get(0)?,
                row: r.get(1)?,
                old: image(r.get(2)?, &columns),
                new: image(r.get(3)?, &columns),
            })),
            None => Ok(None),
        }
    };
    let mut row = next_row()?;
    let mut entry = next_entry()?;
    let mut history: Vec<Entry> = Vec::new();
    loop {
        let id = match (&row, &entry) {
            (None, None) => break,
            (Some((r, _)), None) => *r,
            (None, Some(e)) => e.row,
            (Some((r, _)), Some(e)) => (*r).min(e.row),
        };
        let current = match row {
            Some((r, h)) if r == id => {
                row = next_row()?;
                Some(h)
            }
            _ => None,
        };
        history.clear();
        while let Some(e) = entry.take() {
            if e.row != id {
                entry = Some(e);
                break;
            }
            history.push(e);
            entry = next_entry()?;
        }
        let mut covered = None;
        for set in sets.iter_mut() {
            if feed_set(set, table, id, current, &history, found)? {
                covered = covered.max(Some(set.at));
            }
        }
        for t in judge_row(table, id, current, &history, covered, &SchemaRow { id: 1, hash: default_row }) {
            found(t)?;
        }
    }
    for set in sets.iter_mut() {
        while set.next < set.blocks.len() {
            close_block(set, table, found)?;
        }
    }
    Ok(())
}

/// Feeds row `id`'s image as of the set's audit row into the set's block holding `id`, closing
/// the blocks before it; returns whether a block holds `id`.
fn feed_set<E: From<StoreError>>(
    set: &mut Set,
    table: &str,
    id: i64,
    current: Option<Hash>,
    history: &[Entry],
    found: &mut impl FnMut(Tamper) -> std::result::Result<(), E>,
) -> std::result::Result<bool, E> {
    while set.next < set.blocks.len() && set.blocks[set.next].last < id {
        close_block(set, table, found)?;
    }
    let Some(block) = set.blocks.get(set.next) else { return Ok(false) };
    if id < block.first {
        return Ok(false);
    }
    // As it stood then: the image before its first audited change since, else as it is now.
    let then = match history.iter().find(|e| e.id > set.at) {
        Some(e) => e.old,
        None => current,
    };
    if let Some(h) = then {
        set.feed.get_or_insert_with(|| Feed::new(chain::BLOCK_DOMAIN)).bytes(&h);
        set.rows += 1;
    }
    Ok(true)
}

fn close_block<E: From<StoreError>>(
    set: &mut Set,
    table: &str,
    found: &mut impl FnMut(Tamper) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let block = &set.blocks[set.next];
    let digest = set.feed.take().unwrap_or_else(|| Feed::new(chain::BLOCK_DOMAIN)).finish();
    let rows = std::mem::take(&mut set.rows);
    if rows != block.rows || digest != block.digest {
        let (first, last, at) = (block.first, block.last, set.at);
        let operation = match rows.cmp(&block.rows) {
            std::cmp::Ordering::Less => Operation::Deleted,
            std::cmp::Ordering::Greater => Operation::Added,
            std::cmp::Ordering::Equal => Operation::Changed,
        };
        let (zh, en) = match operation {
            Operation::Deleted => ("删除", "deleted"),
            Operation::Added => ("添加", "added"),
            Operation::Changed => ("修改", "changed"),
        };
        let label = super::table_label(table);
        found(tamper(
            table,
            Some(first),
            operation,
            format!(
                "{} #{first}–#{last} 中有记录在程序之外被{zh}（与修改记录 #{at} 记下的摘要不符，这些记录没有各自的修改记录）",
                label.zh
            ),
            format!(
                "{} #{first}–#{last}: a row was {en} outside the program (they no longer match the digest audit row \
                 #{at} took of them; they have no audit images of their own)",
                label.en
            ),
        ))?;
    }
    set.next += 1;
    Ok(())
}

/// The row the schema itself writes (the policy's), which no audit row shows being added.
struct SchemaRow {
    id: i64,
    hash: Option<Hash>,
}

impl SchemaRow {
    fn wrote(&self, id: i64) -> bool {
        self.hash.is_some() && id == self.id
    }

    fn is(&self, h: Option<Hash>) -> bool {
        h.is_some() && h == self.hash
    }
}

/// Row `id` (`current`: its hash, `None` when there is none) against its audit rows since the
/// chain's start. `covered_at`: the newest audit row whose digest holds it (the digest checks it
/// as it stood then); `schema_made`: the row the schema itself wrote.
fn judge_row(
    table: &str,
    id: i64,
    current: Option<Hash>,
    history: &[Entry],
    covered_at: Option<i64>,
    schema_made: &SchemaRow,
) -> Vec<Tamper> {
    let covered = covered_at.is_some();
    let label = super::table_label(table);
    let (zh, en) = (&label.zh, &label.en);
    let mut out = Vec::new();
    let Some(first) = history.first() else {
        if current.is_some() && !covered && schema_made.wrote(id) {
            if !schema_made.is(current) {
                out.push(tamper(
                    table,
                    Some(id),
                    Operation::Changed,
                    format!("{zh} #{id} 在程序之外被修改（与数据库结构写入的不同，也没有修改记录）"),
                    format!("{en} #{id} was changed outside the program (it differs from the row the schema wrote, and no audit row shows a change)"),
                ));
            }
        } else if current.is_some() && !covered {
            out.push(tamper(
                table,
                Some(id),
                Operation::Added,
                format!("{zh} #{id} 在程序之外被添加（没有修改记录）"),
                format!("{en} #{id} was added outside the program (it has no audit row)"),
            ));
        }
        return out;
    };
    if first.old.is_some() && !covered && !schema_made.is(first.old) {
        let at = first.id;
        out.push(tamper(
            table,
            Some(id),
            Operation::Added,
            format!("{zh} #{id} 在程序之外被添加（修改记录 #{at} 之前它没有记录）"),
            format!("{en} #{id} was added outside the program (no audit row shows it before audit row #{at})"),
        ));
    }
    for pair in history.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.new == b.old {
            continue;
        }
        let (operation, zh_what, en_what) = match (a.new, b.old) {
            (Some(_), None) => (Operation::Deleted, "删除", "deleted"),
            (None, Some(_)) => (Operation::Added, "添加", "added"),
            _ => (Operation::Changed, "修改", "changed"),
        };
        let (x, y) = (a.id, b.id);
        out.push(tamper(
            table,
            Some(id),
            operation,
            format!("{zh} #{id} 在修改记录 #{x} 与 #{y} 之间在程序之外被{zh_what}"),
            format!("{en} #{id} was {en_what} outside the program between audit rows #{x} and #{y}"),
        ));
    }
    let last = history.last().expect("a first entry");
    // A row an import wrote later under this id (after an undo deleted the row the audit shows)
    // is accounted for by that import's digest.
    if last.new != current && covered_at.is_none_or(|at| at < last.id) {
        let at = last.id;
        let (operation, zh_what, en_what) = match (last.new, current) {
            (Some(_), None) => (Operation::Deleted, "删除", "deleted"),
            (None, Some(_)) => (Operation::Added, "添加", "added"),
            _ => (Operation::Changed, "修改", "changed"),
        };
        out.push(tamper(
            table,
            Some(id),
            operation,
            format!("{zh} #{id} 在程序之外被{zh_what}（与修改记录 #{at} 记下的不同）"),
            format!("{en} #{id} was {en_what} outside the program (it differs from audit row #{at})"),
        ));
    }
    out
}

/// Every head the anchor file holds must still be in the chain, with the same hash.
fn verify_anchor<E: From<StoreError>>(
    conn: &Connection,
    db: &Path,
    summary: &mut AuditSummary,
    found: &mut impl FnMut(Tamper) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let path = chain::anchor_path(db);
    let Ok(file) = std::fs::File::open(&path) else { return Ok(()) };
    let mut stmt = conn.prepare("SELECT hash FROM audit WHERE id = ?1").map_err(StoreError::from)?;
    let (mut lines, mut newest) = (0i64, 0i64);
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(StoreError::from)?;
        lines += 1;
        let mut words = line.split(' ');
        let parsed = match (words.next().and_then(|w| w.parse::<i64>().ok()), words.next().and_then(chain::unhex)) {
            (Some(id), Some(hash)) if words.next().is_none() => Some((id, hash)),
            _ => None,
        };
        let Some((id, hash)) = parsed else {
            let n = n + 1;
            found(tamper(
                "anchor",
                None,
                Operation::Changed,
                format!("锚文件第 {n} 行无法读取：被修改过"),
                format!("line {n} of the anchor file cannot be read: it was altered"),
            ))?;
            continue;
        };
        newest = newest.max(id);
        let stored: Option<Option<Vec<u8>>> =
            stmt.query_row([id], |r| r.get(0)).optional().map_err(StoreError::from)?;
        match stored {
            None => found(tamper(
                "audit",
                Some(id),
                Operation::Deleted,
                format!("修改记录 #{id} 已记入锚文件，现在不见了：最新的修改记录被删除，或文件被换成了较旧的副本"),
                format!(
                    "audit row #{id}, recorded in the anchor file, is gone: the newest audit rows were deleted, or \
                     the file was replaced by an older copy"
                ),
            ))?,
            Some(h) if h.as_deref() != Some(&hash[..]) => found(tamper(
                "audit",
                Some(id),
                Operation::Changed,
                format!("修改记录 #{id} 与锚文件记下的哈希不同：哈希链在程序之外被重写"),
                format!("audit row #{id} differs from the hash the anchor file holds: the chain was rewritten"),
            ))?,
            Some(_) => {}
        }
    }
    summary.anchored = Some(lines);
    let last: i64 =
        conn.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0)).map_err(StoreError::from)?;
    if last > newest {
        let first = newest + 1;
        found(Tamper {
            severity: Severity::Warning,
            table: "audit".into(),
            row: Some(first),
            operation: Operation::Added,
            message: Message::new(
                format!("修改记录 #{first}–#{last} 不在锚文件里：保存在写锚之前中断，或这些记录是在程序之外写入的"),
                format!(
                    "audit rows #{first}–#{last} are not in the anchor file: a save was interrupted before \
                     anchoring, or they were written outside the program"
                ),
            ),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_text_differing_only_in_line_breaks_is_the_same() {
        assert!(same_sql(Some("CREATE INDEX i ON t(a)\n    WHERE b = 0"), Some("CREATE INDEX i ON t(a) WHERE b = 0")));
        assert!(!same_sql(Some("CREATE INDEX i ON t(a) WHERE b = 0"), Some("CREATE INDEX i ON t(a) WHERE b = 1")));
        assert!(!same_sql(Some("x"), None));
    }
}
