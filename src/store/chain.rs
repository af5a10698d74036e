//! The audit trail as a hash chain, written side: every audit row carries SHA-256 of the
//! previous row's hash and its own fields, so a row changed, removed or slipped in with the
//! sqlite3 shell no longer links (`tamper` verifies it). Rows written without a row image of
//! their own (a bulk load, or everything already stored when a file is first chained) are
//! covered by digests of their rows in blocks (`audit_digest`), named in their audit row.
//!
//! The chain alone cannot show that its newest rows were cut off: the anchor can. When a file
//! `DB-anchor` exists beside the database, each save appends the new head (`id hash`) to it
//! after committing; `guazhi setup` makes that file append-only (only root can rewrite it).

use super::{Actor, Result};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

pub type Hash = [u8; 32];

/// How many rows one digest block covers: a change outside the program to a row with no image
/// of its own is placed within that many rows.
pub const BLOCK: usize = 256;

/// What a block's digest is fed with first (then each row's hash, in id order).
pub(super) const BLOCK_DOMAIN: &str = "guazhi block v1";

/// The newest audit row: the link the next one is chained to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub id: i64,
    pub hash: Hash,
}

/// An audit row's fields, as hashed and stored.
pub(super) struct AuditRow<'a> {
    pub op: i64,
    pub at: &'a str,
    pub uid: i64,
    pub os_user: &'a str,
    pub action: &'a str,
    pub table: &'a str,
    pub row_id: Option<i64>,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub reverts: Option<i64>,
}

impl<'a> AuditRow<'a> {
    /// The audit row of a digest (`digests`): no row of its own, the digest's JSON as `new`.
    pub fn digest(op: i64, at: &'a str, actor: &'a Actor, action: &'a str, new: &'a str) -> AuditRow<'a> {
        AuditRow {
            op,
            at,
            uid: i64::from(actor.uid),
            os_user: &actor.user,
            action,
            table: "audit",
            row_id: None,
            old: None,
            new: Some(new),
            reverts: None,
        }
    }
}

/// Values fed to SHA-256 each with a tag and (texts) a length, so that no two different
/// sequences of values feed the same bytes.
pub(super) struct Feed(Sha256);

impl Feed {
    pub fn new(domain: &str) -> Feed {
        let mut h = Sha256::new();
        h.update(domain.as_bytes());
        Feed(h)
    }

    pub fn int(&mut self, v: Option<i64>) {
        match v {
            None => self.0.update([0]),
            Some(n) => {
                self.0.update([1]);
                self.0.update(n.to_be_bytes());
            }
        }
    }

    pub fn real(&mut self, x: f64) {
        self.0.update([2]);
        self.0.update(x.to_bits().to_be_bytes());
    }

    pub fn text(&mut self, v: Option<&str>) {
        match v {
            None => self.0.update([0]),
            Some(s) => {
                self.0.update([3]);
                self.0.update((s.len() as u64).to_be_bytes());
                self.0.update(s.as_bytes());
            }
        }
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.0.update([4]);
        self.0.update((b.len() as u64).to_be_bytes());
        self.0.update(b);
    }

    /// A mark no value feeds: a column an image lacks, or has too many of.
    pub fn odd(&mut self, n: u64) {
        self.0.update([0xff]);
        self.0.update(n.to_be_bytes());
    }

    pub fn finish(self) -> Hash {
        self.0.finalize().into()
    }
}

/// The hash of audit row `id` chained to `prev`.
pub(super) fn link(prev: &Hash, id: i64, r: &AuditRow) -> Hash {
    let mut f = Feed::new("guazhi audit v1");
    f.bytes(prev);
    f.int(Some(id));
    f.int(Some(r.op));
    f.text(Some(r.at));
    f.int(Some(r.uid));
    f.text(Some(r.os_user));
    f.text(Some(r.action));
    f.text(Some(r.table));
    f.int(r.row_id);
    f.text(r.old);
    f.text(r.new);
    f.int(r.reverts);
    f.finish()
}

/// A stored value as the row images hold it (a blob, which no table has, as its length).
pub(super) fn feed_value(f: &mut Feed, v: ValueRef) {
    match v {
        ValueRef::Null => f.int(None),
        ValueRef::Integer(n) => f.int(Some(n)),
        ValueRef::Real(x) => f.real(x),
        ValueRef::Text(t) => f.text(Some(&String::from_utf8_lossy(t))),
        ValueRef::Blob(b) => f.int(Some(b.len() as i64)),
    }
}

/// The hash of a stored row, its columns in the table's order.
pub(super) fn row_hash(row: &rusqlite::Row, columns: usize) -> rusqlite::Result<Hash> {
    let mut f = Feed::new("guazhi row v1");
    for i in 0..columns {
        feed_value(&mut f, row.get_ref(i)?);
    }
    Ok(f.finish())
}

/// The hash of a row image (audit JSON) read with `columns`, the table's columns in order: the
/// same as [`row_hash`] of the row it shows, and different when a column is missing or extra.
pub(super) fn image_hash(image: &Value, columns: &[String]) -> Hash {
    let mut f = Feed::new("guazhi row v1");
    let Some(map) = image.as_object() else {
        f.odd(u64::MAX);
        return f.finish();
    };
    for name in columns {
        match map.get(name) {
            None => f.odd(0),
            Some(Value::Null) => f.int(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => f.int(Some(i)),
                None => f.real(n.as_f64().unwrap_or(f64::NAN)),
            },
            Some(Value::String(s)) => f.text(Some(s)),
            Some(Value::Bool(b)) => f.int(Some(i64::from(*b))),
            Some(other) => f.text(Some(&other.to_string())),
        }
    }
    if map.len() != columns.len() {
        f.odd(map.len() as u64);
    }
    f.finish()
}

/// The table's columns in order (what `SELECT *` and the row images hold).
pub(super) fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let stmt = conn.prepare_cached(&format!("SELECT * FROM {table} LIMIT 0"))?;
    Ok(stmt.column_names().iter().map(|s| s.to_string()).collect())
}

/// The newest audit row's id and hash; (0, zeros) before the first.
pub(super) fn head(conn: &Connection) -> Result<Head> {
    let found: Option<(i64, Option<Vec<u8>>)> = conn
        .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match found {
        Some((id, hash)) => Head { id, hash: hash.and_then(|h| h.try_into().ok()).unwrap_or([0; 32]) },
        None => Head { id: 0, hash: [0; 32] },
    })
}

/// Appends `row` after `head` (its id is the next number) and moves `head` to it.
pub(super) fn append(conn: &Connection, head: &mut Head, row: &AuditRow) -> Result<()> {
    let id = head.id + 1;
    let hash = link(&head.hash, id, row);
    conn.prepare_cached(
        "INSERT INTO audit (id, op, at, uid, os_user, action, table_name, row_id, old_values, new_values, reverts, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id,
        row.op,
        row.at,
        row.uid,
        row.os_user,
        row.action,
        row.table,
        row.row_id,
        row.old,
        row.new,
        row.reverts,
        &hash[..]
    ])?;
    *head = Head { id, hash };
    Ok(())
}

/// The next operation number.
pub(super) fn next_op(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT coalesce(max(op), 0) + 1 FROM audit")?.query_row([], |r| r.get(0))?)
}

/// One block of a digest: the rows with ids `first..=last` as they stood, `rows` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub first: i64,
    pub last: i64,
    pub rows: i64,
    pub digest: Hash,
}

/// Builds blocks of [`BLOCK`] rows from row hashes given in id order.
#[derive(Default)]
pub(super) struct Blocks {
    pub done: Vec<Block>,
    open: Option<(i64, i64, i64, Feed)>,
}

impl Blocks {
    pub fn add(&mut self, id: i64, row: &Hash) {
        let (_, last, rows, feed) = self.open.get_or_insert_with(|| (id, id, 0, Feed::new(BLOCK_DOMAIN)));
        *last = id;
        *rows += 1;
        feed.bytes(row);
        if *rows as usize == BLOCK {
            self.close();
        }
    }

    fn close(&mut self) {
        if let Some((first, last, rows, feed)) = self.open.take() {
            self.done.push(Block { first, last, rows, digest: feed.finish() });
        }
    }

    pub fn finish(mut self) -> Vec<Block> {
        self.close();
        self.done
    }
}

/// The hash over a table's blocks, kept in the audit row that names them.
pub fn blocks_hash(blocks: &[Block]) -> Hash {
    let mut f = Feed::new("guazhi blocks v1");
    for b in blocks {
        f.int(Some(b.first));
        f.int(Some(b.last));
        f.int(Some(b.rows));
        f.bytes(&b.digest);
    }
    f.finish()
}

pub fn hex(h: &[u8]) -> String {
    h.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Hash> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

/// The blocks of `table`'s rows with ids above `after`, as they are now.
pub(super) fn digest_rows(conn: &Connection, table: &str, after: i64) -> Result<Vec<Block>> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE id > ?1 ORDER BY id"))?;
    let n = stmt.column_count();
    let mut rows = stmt.query([after])?;
    let mut blocks = Blocks::default();
    while let Some(r) = rows.next()? {
        blocks.add(r.get(0)?, &row_hash(r, n)?);
    }
    Ok(blocks.finish())
}

/// Stores the blocks of each table under audit row `audit_id`.
pub(super) fn store_blocks(conn: &Connection, audit_id: i64, tables: &[(&str, Vec<Block>)]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO audit_digest (audit_id, table_name, first_id, last_id, rows, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (table, blocks) in tables {
        for b in blocks {
            stmt.execute(params![audit_id, table, b.first, b.last, b.rows, &b.digest[..]])?;
        }
    }
    Ok(())
}

/// Each table with the blocks of its rows.
pub(super) type Digested<'t> = Vec<(&'t str, Vec<Block>)>;

/// The digests of rows without images of their own: each of `tables` with the id its digest
/// starts after. Returns the blocks, to store with [`store_blocks`] under the audit row, and
/// that row's JSON: `detail` with each table's [`blocks_hash`] under `digests`.
pub(super) fn digests<'t>(
    conn: &Connection,
    tables: &[(&'t str, i64)],
    detail: Value,
) -> Result<(Digested<'t>, String)> {
    let mut digested = Vec::new();
    let mut hashes = serde_json::Map::new();
    for (table, after) in tables {
        let blocks = digest_rows(conn, table, *after)?;
        hashes.insert(table.to_string(), Value::from(hex(&blocks_hash(&blocks))));
        digested.push((*table, blocks));
    }
    let mut json = match detail {
        Value::Object(m) => m,
        other => serde_json::Map::from_iter([("detail".to_string(), other)]),
    };
    json.insert("digests".into(), Value::Object(hashes));
    Ok((digested, Value::Object(json).to_string()))
}

/// Writes a digest of rows without images of their own as one audit row (`action`, row id
/// NULL, `detail` and each table's [`blocks_hash`] in its JSON) with its blocks: `tables` with
/// the id each digest starts after. Returns the new head.
pub(super) fn write_digest(
    conn: &Connection,
    actor: &Actor,
    action: &str,
    tables: &[(&str, i64)],
    detail: Value,
) -> Result<Head> {
    let (digested, new) = digests(conn, tables, detail)?;
    let (at, op) = (actor.now(), next_op(conn)?);
    let row = AuditRow::digest(op, &at, actor, action, &new);
    let mut head = head(conn)?;
    append(conn, &mut head, &row)?;
    store_blocks(conn, head.id, &digested)?;
    Ok(head)
}

/// Chains a file written before the chain existed (migration 5): every audit row already
/// there gets its hash in id order, a `chain_start` row says so, and a `baseline` digest
/// covers every row as it stands, since not every row has an image of its own (the policy's
/// first row, bulk loads, rows typed with the sqlite3 shell). Changes made before this point
/// cannot be told from the program's own; from here on they can.
pub(super) fn start(conn: &Connection, actor: &Actor, tables: &[&str]) -> Result<Option<Head>> {
    let rows: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?;
    let data: i64 = tables
        .iter()
        .map(|t| conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0)))
        .sum::<rusqlite::Result<i64>>()?;
    // A new file holds only the policy row the schema wrote: nothing to chain or cover (the
    // check knows the schema's own rows).
    if rows == 0 && data <= 1 {
        return Ok(None);
    }
    let mut prev: Hash = [0; 32];
    {
        let mut read = conn.prepare(
            "SELECT id, op, at, uid, os_user, action, table_name, row_id, old_values, new_values, reverts
             FROM audit ORDER BY id",
        )?;
        let mut update = conn.prepare("UPDATE audit SET hash = ?2 WHERE id = ?1")?;
        let mut found = read.query([])?;
        while let Some(r) = found.next()? {
            let id: i64 = r.get(0)?;
            let (at, os_user, action, table): (String, String, String, String) =
                (r.get(2)?, r.get(4)?, r.get(5)?, r.get(6)?);
            let (old, new): (Option<String>, Option<String>) = (r.get(8)?, r.get(9)?);
            let row = AuditRow {
                op: r.get(1)?,
                at: &at,
                uid: r.get(3)?,
                os_user: &os_user,
                action: &action,
                table: &table,
                row_id: r.get(7)?,
                old: old.as_deref(),
                new: new.as_deref(),
                reverts: r.get(10)?,
            };
            prev = link(&prev, id, &row);
            update.execute(params![id, &prev[..]])?;
        }
    }
    let mut head = head(conn)?;
    let (at, op) = (actor.now(), next_op(conn)?);
    let new = serde_json::json!({ "chained_rows": rows, "schema_version": 5 }).to_string();
    let row = AuditRow {
        op,
        at: &at,
        uid: i64::from(actor.uid),
        os_user: &actor.user,
        action: "chain_start",
        table: "audit",
        row_id: None,
        old: None,
        new: Some(&new),
        reverts: None,
    };
    append(conn, &mut head, &row)?;
    let all: Vec<(&str, i64)> = tables.iter().map(|t| (*t, i64::MIN)).collect();
    Ok(Some(write_digest(conn, actor, "baseline", &all, serde_json::json!({ "what": "baseline" }))?))
}

/// The anchor file of the database at `db`: `DB-anchor`.
pub fn anchor_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-anchor");
    PathBuf::from(name)
}

/// Appends `head` to the anchor file, when there is one. A failure is not the save's (it is
/// committed): `check` lists the audit rows no anchor line covers.
pub(super) fn anchor(db: &Path, head: Head) {
    let Ok(mut file) = std::fs::OpenOptions::new().append(true).open(anchor_path(db)) else { return };
    // One write, so that two savers' lines never interleave.
    let _ = file.write_all(format!("{} {}\n", head.id, hex(&head.hash)).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_other_lengths() {
        let h: Hash = std::array::from_fn(|i| i as u8 * 7);
        assert_eq!(unhex(&hex(&h)), Some(h));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex(&"zz".repeat(32)), None);
    }

    #[test]
    fn an_image_hashes_like_the_row_it_shows() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, x REAL, n INTEGER);
             INSERT INTO t VALUES (1, '张三', 1.5, NULL), (2, 'b', 0.1, 7);",
        )
        .unwrap();
        let cols = columns(&conn, "t").unwrap();
        let mut stmt = conn.prepare("SELECT * FROM t ORDER BY id").unwrap();
        let stored: Vec<Hash> = stmt.query_map([], |r| row_hash(r, 4)).unwrap().map(Result::unwrap).collect();
        let images = [
            serde_json::json!({"id": 1, "name": "张三", "x": 1.5, "n": null}),
            serde_json::json!({"id": 2, "name": "b", "x": 0.1, "n": 7}),
        ];
        for (image, hash) in images.iter().zip(&stored) {
            let text = image.to_string();
            let back: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(image_hash(&back, &cols), *hash);
        }
        let missing = serde_json::json!({"id": 1, "name": "张三", "x": 1.5});
        assert_ne!(image_hash(&missing, &cols), stored[0]);
        let extra = serde_json::json!({"id": 1, "name": "张三", "x": 1.5, "n": null, "y": 1});
        assert_ne!(image_hash(&extra, &cols), stored[0]);
        let text_not_number = serde_json::json!({"id": 2, "name": "b", "x": 0.1, "n": "7"});
        assert_ne!(image_hash(&text_not_number, &cols), stored[1]);
    }

    #[test]
    fn blocks_hold_at_most_block_rows_in_id_order() {
        let mut b = Blocks::default();
        for id in 1..=(BLOCK as i64 * 2 + 3) {
            b.add(id * 2, &[id as u8; 32]);
        }
        let blocks = b.finish();
        assert_eq!(blocks.len(), 3);
        assert_eq!((blocks[0].first, blocks[0].last, blocks[0].rows), (2, BLOCK as i64 * 2, BLOCK as i64));
        assert_eq!(blocks[2].rows, 3);
    }
}
