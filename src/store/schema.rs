//! The schema, as numbered migrations keyed on `PRAGMA user_version`.
//!
//! Tables are STRICT with CHECK constraints so that rows typed by hand in the sqlite3 shell
//! are held to the same rules as the program's own writes. Dates are `YYYY-MM-DD` text;
//! `date(x) IS x` refuses impossible dates such as 2017-02-30.

/// `PRAGMA application_id`: "GuaZ". A SQLite file without it is another program's.
pub const APPLICATION_ID: i32 = 0x4775_615A;

/// Migration `i` takes the schema from version `i` to `i + 1`. Two also have a step in Rust,
/// run by `open::migrate` right after their SQL: 5 chains the audit rows already stored
/// (`chain::start`), 6 rewrites the CHECK constraints with [`without_in_lists`].
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6];

pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

const V1: &str = r#"
CREATE TABLE policy (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    term_months          INTEGER NOT NULL DEFAULT 24 CHECK (term_months BETWEEN 1 AND 120),
    due_soon_days        INTEGER NOT NULL DEFAULT 14 CHECK (due_soon_days BETWEEN 0 AND 366),
    routine_due_days     INTEGER NOT NULL DEFAULT 15 CHECK (routine_due_days BETWEEN 0 AND 366),
    annual_due_month     INTEGER NOT NULL DEFAULT 1  CHECK (annual_due_month BETWEEN 1 AND 12),
    annual_due_day       INTEGER NOT NULL DEFAULT 31 CHECK (annual_due_day BETWEEN 1 AND 31),
    end_of_term_due_days INTEGER NOT NULL DEFAULT 30 CHECK (end_of_term_due_days BETWEEN 0 AND 366),
    version              INTEGER NOT NULL DEFAULT 1
) STRICT;
INSERT INTO policy (id) VALUES (1);

CREATE TABLE units (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    kind     TEXT NOT NULL CHECK (kind IN ('city_organ','district_organ','town','soe','institution')),
    district TEXT NOT NULL CHECK (district IN ('city','chancheng','nanhai','shunde','sanshui','gaoming')),
    version  INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE batches (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    dispatch_date TEXT NOT NULL CHECK (date(dispatch_date) IS dispatch_date),
    term_months   INTEGER NOT NULL DEFAULT 24 CHECK (term_months BETWEEN 1 AND 120),
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE cadres (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    gender           TEXT NOT NULL CHECK (gender IN ('m','f')),
    birth_date       TEXT NOT NULL CHECK (date(birth_date) IS birth_date),
    political        TEXT NOT NULL CHECK (political IN ('party','democratic','nonparty','masses')),
    education        TEXT NOT NULL DEFAULT '' CHECK (length(education) <= 50),
    speciality       TEXT NOT NULL DEFAULT '' CHECK (length(speciality) <= 100),
    grassroots_years REAL NOT NULL DEFAULT 0 CHECK (grassroots_years >= 0 AND grassroots_years < 60),
    home_unit_id     INTEGER NOT NULL REFERENCES units(id),
    home_post        TEXT NOT NULL DEFAULT '' CHECK (length(home_post) <= 100),
    archived         INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0,1)),
    version          INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX cadres_name ON cadres(name);
CREATE INDEX cadres_home_unit ON cadres(home_unit_id);
-- Import matches an existing cadre by name and birth date.
CREATE INDEX cadres_identity ON cadres(name, birth_date);

CREATE TABLE secondments (
    id           INTEGER PRIMARY KEY,
    cadre_id     INTEGER NOT NULL REFERENCES cadres(id),
    batch_id     INTEGER NOT NULL REFERENCES batches(id),
    direction    TEXT NOT NULL CHECK (direction IN ('down','up')),
    host_unit_id INTEGER NOT NULL REFERENCES units(id),
    host_post    TEXT NOT NULL CHECK (length(host_post) BETWEEN 1 AND 100),
    start_date   TEXT NOT NULL CHECK (date(start_date) IS start_date),
    planned_end  TEXT NOT NULL CHECK (date(planned_end) IS planned_end AND planned_end >= start_date),
    actual_end   TEXT CHECK (actual_end IS NULL
                             OR (date(actual_end) IS actual_end AND actual_end >= start_date)),
    end_reason   TEXT CHECK (end_reason IS NULL OR length(end_reason) BETWEEN 1 AND 500),
    version      INTEGER NOT NULL DEFAULT 1,
    -- An early end must say why.
    CHECK (actual_end IS NULL OR actual_end >= planned_end OR end_reason IS NOT NULL)
) STRICT;
CREATE INDEX secondments_cadre ON secondments(cadre_id, start_date);
CREATE INDEX secondments_batch ON secondments(batch_id, direction);
CREATE INDEX secondments_host ON secondments(host_unit_id);

CREATE TABLE pairs (
    id       INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id),
    down_id  INTEGER NOT NULL UNIQUE REFERENCES secondments(id),
    up_id    INTEGER NOT NULL UNIQUE REFERENCES secondments(id),
    version  INTEGER NOT NULL DEFAULT 1,
    CHECK (down_id <> up_id)
) STRICT;
CREATE INDEX pairs_batch ON pairs(batch_id);
-- The same rule the program checks, for rows written by other tools.
CREATE TRIGGER pairs_valid_insert BEFORE INSERT ON pairs
WHEN (SELECT direction FROM secondments WHERE id = NEW.down_id) IS NOT 'down'
  OR (SELECT direction FROM secondments WHERE id = NEW.up_id) IS NOT 'up'
  OR (SELECT batch_id FROM secondments WHERE id = NEW.down_id) IS NOT NEW.batch_id
  OR (SELECT batch_id FROM secondments WHERE id = NEW.up_id) IS NOT NEW.batch_id
BEGIN SELECT RAISE(ABORT, 'a pair needs one down and one up secondment of its batch'); END;
CREATE TRIGGER pairs_valid_update BEFORE UPDATE ON pairs
WHEN (SELECT direction FROM secondments WHERE id = NEW.down_id) IS NOT 'down'
  OR (SELECT direction FROM secondments WHERE id = NEW.up_id) IS NOT 'up'
  OR (SELECT batch_id FROM secondments WHERE id = NEW.down_id) IS NOT NEW.batch_id
  OR (SELECT batch_id FROM secondments WHERE id = NEW.up_id) IS NOT NEW.batch_id
BEGIN SELECT RAISE(ABORT, 'a pair needs one down and one up secondment of its batch'); END;

CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    secondment_id INTEGER NOT NULL REFERENCES secondments(id),
    kind          TEXT NOT NULL CHECK (kind IN ('routine','annual','end_of_term')),
    period        TEXT NOT NULL CHECK (length(period) BETWEEN 1 AND 20),
    due_date      TEXT NOT NULL CHECK (date(due_date) IS due_date),
    done_date     TEXT CHECK (done_date IS NULL OR date(done_date) IS done_date),
    grade         TEXT CHECK (grade IS NULL OR grade IN ('excellent','competent','basic','incompetent')),
    assessor      TEXT NOT NULL DEFAULT '' CHECK (length(assessor) <= 100),
    note          TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    cancelled     INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0,1)),
    version       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (secondment_id, kind, period),
    -- A result is a date and a grade together.
    CHECK ((done_date IS NULL) = (grade IS NULL))
) STRICT;
CREATE INDEX reviews_due ON reviews(due_date);
-- The overdue / due-soon query reads only open reviews.
CREATE INDEX reviews_open_due ON reviews(due_date) WHERE done_date IS NULL AND cancelled = 0;

CREATE TABLE vettings (
    id                      INTEGER PRIMARY KEY,
    secondment_id           INTEGER NOT NULL UNIQUE REFERENCES secondments(id),
    vet_date                TEXT NOT NULL CHECK (date(vet_date) IS vet_date),
    political               TEXT NOT NULL CHECK (political IN ('good','fair','concern')),
    moral                   TEXT NOT NULL CHECK (moral IN ('good','fair','concern')),
    performance             TEXT NOT NULL CHECK (performance IN ('good','fair','concern')),
    duty                    TEXT NOT NULL CHECK (duty IN ('good','fair','concern')),
    integrity               TEXT NOT NULL CHECK (integrity IN ('good','fair','concern')),
    discipline_opinion      TEXT NOT NULL DEFAULT '' CHECK (length(discipline_opinion) <= 500),
    family_planning_opinion TEXT NOT NULL DEFAULT '' CHECK (length(family_planning_opinion) <= 500),
    conclusion              TEXT NOT NULL DEFAULT '' CHECK (length(conclusion) <= 2000),
    version                 INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE term_evaluations (
    id            INTEGER PRIMARY KEY,
    secondment_id INTEGER NOT NULL UNIQUE REFERENCES secondments(id),
    inspectors    TEXT NOT NULL DEFAULT '' CHECK (length(inspectors) <= 200),
    talks         INTEGER NOT NULL DEFAULT 0 CHECK (talks BETWEEN 0 AND 10000),
    summary       TEXT NOT NULL DEFAULT '' CHECK (length(summary) <= 4000),
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE dossier_notes (
    id        INTEGER PRIMARY KEY,
    cadre_id  INTEGER NOT NULL REFERENCES cadres(id),
    note_date TEXT NOT NULL CHECK (date(note_date) IS note_date),
    author    TEXT NOT NULL CHECK (length(author) <= 100),
    body      TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000)
) STRICT;
CREATE INDEX dossier_notes_cadre ON dossier_notes(cadre_id, note_date);

CREATE TABLE reserve_nominations (
    id            INTEGER PRIMARY KEY,
    cadre_id      INTEGER NOT NULL REFERENCES cadres(id),
    secondment_id INTEGER REFERENCES secondments(id),
    origin        TEXT NOT NULL CHECK (origin IN ('rule','unit','department')),
    status        TEXT NOT NULL CHECK (status IN ('proposed','admitted','inspecting','appointed','withdrawn')),
    proposed_on   TEXT NOT NULL CHECK (date(proposed_on) IS proposed_on),
    status_on     TEXT NOT NULL CHECK (date(status_on) IS status_on AND status_on >= proposed_on),
    reason        TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    version       INTEGER NOT NULL DEFAULT 1
) STRICT;
-- A cadre has at most one open nomination.
CREATE UNIQUE INDEX reserve_open_per_cadre ON reserve_nominations(cadre_id)
    WHERE status NOT IN ('appointed','withdrawn');

CREATE TABLE reserve_events (
    id            INTEGER PRIMARY KEY,
    nomination_id INTEGER NOT NULL REFERENCES reserve_nominations(id),
    event_date    TEXT NOT NULL CHECK (date(event_date) IS event_date),
    from_status   TEXT CHECK (from_status IS NULL
                              OR from_status IN ('proposed','admitted','inspecting','appointed','withdrawn')),
    to_status     TEXT NOT NULL CHECK (to_status IN ('proposed','admitted','inspecting','appointed','withdrawn')),
    reason        TEXT NOT NULL DEFAULT '',
    by_user       TEXT NOT NULL
) STRICT;
CREATE INDEX reserve_events_nomination ON reserve_events(nomination_id, id);

-- Who changed what: written in the same transaction as the change itself.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    -- One number per saved operation (one transaction); undo puts back a whole operation.
    op         INTEGER NOT NULL,
    at         TEXT NOT NULL,
    uid        INTEGER NOT NULL,
    os_user    TEXT NOT NULL,
    action     TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id     INTEGER,
    old_values TEXT,
    new_values TEXT,
    -- Set on the rows of an undo: the operation it reverted.
    reverts    INTEGER
) STRICT;
CREATE INDEX audit_row ON audit(table_name, row_id);
CREATE INDEX audit_user_op ON audit(uid, op);
CREATE INDEX audit_op ON audit(op);
CREATE INDEX audit_reverts ON audit(reverts) WHERE reverts IS NOT NULL;
"#;

/// A cadre's nominations by index: the dossier of a large database reads them per cadre
/// (`reserve_open_per_cadre` covers open nominations only).
const V2: &str = "CREATE INDEX reserve_nominations_cadre ON reserve_nominations(cadre_id);";

/// The ages a cadre may have on the day a secondment starts (issue 12: a 9-year-old was
/// accepted). Policy, so the department can change them; the CHECK keeps the sqlite3 shell honest.
const V3: &str = "
ALTER TABLE policy ADD COLUMN min_age INTEGER NOT NULL DEFAULT 18 CHECK (min_age BETWEEN 16 AND 80);
ALTER TABLE policy ADD COLUMN max_age INTEGER NOT NULL DEFAULT 60
    CHECK (max_age BETWEEN 16 AND 80 AND max_age > min_age);
";

/// What the lists read of the reviews, index-only: each term's annual and end-of-term grades
/// and evaluation day, by term and due date (the reserve rule), and each term's open reviews (its next review). At
/// a million cadres each reads a few million index entries instead of every review's row.
const V4: &str = "
CREATE INDEX reviews_graded ON reviews(secondment_id, kind, due_date, grade, done_date)
    WHERE kind <> 'routine' AND cancelled = 0;
CREATE INDEX reviews_open_secondment ON reviews(secondment_id, due_date, done_date, cancelled)
    WHERE done_date IS NULL AND cancelled = 0;
";

/// Tamper evidence (issue 14): each audit row's hash, chained to the previous row's, and the
/// digests of rows that have no image of their own in the audit trail (a bulk load's, or
/// everything stored when an older file is first chained), in blocks named by their audit row.
/// A migration that adds a column to a table must also take a new baseline digest, since the
/// images written before it lack the column.
const V5: &str = "
ALTER TABLE audit ADD COLUMN hash BLOB;
CREATE TABLE audit_digest (
    audit_id   INTEGER NOT NULL REFERENCES audit(id),
    table_name TEXT NOT NULL,
    first_id   INTEGER NOT NULL,
    last_id    INTEGER NOT NULL,
    rows       INTEGER NOT NULL,
    digest     BLOB NOT NULL,
    PRIMARY KEY (audit_id, table_name, first_id)
) STRICT, WITHOUT ROWID;
";

/// The CHECK constraints without `col IN (...)` lists: SQLite builds a temporary b-tree for
/// such a list on every row it checks, two thirds of a bulk write's time. The rewrite is done
/// in place (`open::rewrite_checks`, through `writable_schema`, which SQLite allows for a
/// CHECK changed to an equivalent one): no table is copied, whatever its size.
const V6: &str = "-- CHECK constraints rewritten by open::rewrite_checks";

/// `col IN ('a', 'b')` as `(col = 'a' OR col = 'b')`, wherever the list holds only literals;
/// the rest of `sql` is kept as it is.
pub fn without_in_lists(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 256);
    let mut rest = sql;
    while let Some(at) = rest.find(" IN (") {
        let before = &rest[..at];
        let column_start = before.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
        let column = &before[column_start..];
        let after = &rest[at + 5..];
        let list = after.find(')').map(|end| (&after[..end], end));
        let literals: Option<Vec<&str>> =
            list.and_then(|(inside, _)| inside.split(',').map(str::trim).map(|v| is_literal(v).then_some(v)).collect());
        match (literals, list) {
            (Some(values), Some((_, end))) if !column.is_empty() && !before.ends_with("NOT") => {
                out.push_str(&before[..column_start]);
                let tests: Vec<String> = values.iter().map(|v| format!("{column} = {v}")).collect();
                out.push('(');
                out.push_str(&tests.join(" OR "));
                out.push(')');
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str(&rest[..at + 5]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A quoted text without quotes inside, or a whole number.
fn is_literal(v: &str) -> bool {
    let quoted = v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') && !v[1..v.len() - 1].contains('\'');
    quoted || (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::without_in_lists;

    #[test]
    fn in_lists_of_literals_become_equalities() {
        assert_eq!(
            without_in_lists("kind TEXT NOT NULL CHECK (kind IN ('a','b')),"),
            "kind TEXT NOT NULL CHECK ((kind = 'a' OR kind = 'b')),"
        );
        assert_eq!(without_in_lists("CHECK (archived IN (0,1))"), "CHECK ((archived = 0 OR archived = 1))");
        assert_eq!(
            without_in_lists("CHECK (grade IS NULL OR grade IN ('x', 'y'))"),
            "CHECK (grade IS NULL OR (grade = 'x' OR grade = 'y'))"
        );
        // Anything else is left alone.
        for kept in ["WHERE id IN (SELECT value FROM json_each(?1))", "status NOT IN ('a','b')", "x IN (a, 'b')"] {
            assert_eq!(without_in_lists(kept), kept);
        }
    }
}
