//! Invalid input across every form (issue 4, "How we will know"): each case shows its message
//! next to the right field, on screen, and leaves the database exactly as it was.
//!
//! Why the "unchanged" check is honest. The database runs in WAL mode: a committed write goes
//! to the `-wal` file, and the main file changes only when a checkpoint copies pages back. So
//! comparing the main file alone would pass even after a write. Instead, once the setup is done,
//! `PRAGMA wal_checkpoint(TRUNCATE)` moves every committed page into the main file and empties
//! the WAL to 0 bytes; then the main file's bytes are recorded. After each case:
//! - the WAL must still be 0 bytes: any write (committed, or even a rolled-back one whose pages
//!   spilled) appends frames to it, and nothing checkpoints an empty WAL, so the main file
//!   cannot have been written behind our back;
//! - the main file must be byte-identical;
//! - and, independent of file layout, a dump of every table (the audit trail included) must be
//!   identical.
//!
//! The app's own connection stays open throughout (closing the last connection would
//! checkpoint), and it is idle between cases, so the checkpoint is never blocked by a reader.

use crate::edit_support;

use edit_support::check::{baseline, dump, shown, unchanged, wal_len};
use edit_support::invalid::{cases, reset, save};
use edit_support::Rig;

#[test]
fn invalid_input_shows_its_message_by_the_field_and_writes_nothing() {
    let mut rig = Rig::new();
    // Setup (before the baseline): an up secondment in the 2026 batch, so that 解雨桐 (down,
    // unpaired) has a valid partner and the pair form opens.
    rig.keys("a");
    rig.keys("龙小江\t2\t1991-05-06\t4\t\t\t3\t龙江\t副镇长\r");
    rig.keys("n\t\t市商务局\t副科长\r");
    assert!(rig.app.form.is_none(), "setup saved");
    reset(&mut rig);
    let base = baseline(&rig);
    let all = cases();
    assert!(all.len() >= 40, "{} cases", all.len());
    for (name, field, expect, fill) in &all {
        reset(&mut rig);
        eprintln!("case: {name}");
        fill(&mut rig);
        assert!(rig.app.form.is_some(), "{name}: the form is open (status: {})", rig.status());
        let msg = rig.message(field);
        assert!(msg.contains(expect), "{name}: {field} says {msg:?}, want {expect:?}");
        shown(&mut rig, field, &msg, name);
        unchanged(&rig, &base, name);
    }
    eprintln!("{} invalid inputs refused, nothing written", all.len());
}

/// The check above would see a write: a real save leaves frames in the WAL and changes the dump.
#[test]
fn the_unchanged_check_notices_a_real_save() {
    let mut rig = Rig::new();
    let base = baseline(&rig);
    rig.keys("3e1");
    save(&mut rig);
    assert!(rig.app.form.is_none(), "saved");
    assert!(wal_len(&rig) > 0, "a committed write is in the WAL");
    assert_ne!(dump(&rig), base.dump);
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unchanged(&rig, &base, "a save"))).is_err());
}
