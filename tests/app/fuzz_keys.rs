//! docs/RELIABILITY.md #19 and issue 6: random key events across every screen and form at
//! random sizes from 0×0 to 300×100, through the path the terminal loop takes
//! (`keys::map_event`, `driver::step` with a real store, `tui::draw` on ratatui's
//! `TestBackend`): 0 panics. A deterministic seeded generator walks every tab, opens every
//! form (and fills some in validly so that saves, conflicts and reloads happen), types random
//! text (ASCII, CJK, control and bidi characters, emoji), pastes, clicks, resizes and offers
//! tampered drafts. Half the sessions run on a database holding hostile text and rows written
//! by hand against the rules. After every event: the selection and the cursor stay inside the
//! screen; every few events, no cell of the screen holds a control or bidi character.
//!
//! `cargo test --test fuzz_keys` runs 20,000 events (under 20 s in a debug build); the full
//! count is
//! `GUAZHI_FUZZ_EVENTS=1000000 cargo test --release --test fuzz_keys -- --nocapture`
//! (`GUAZHI_FUZZ_SEED` picks another seed). A failure prints the seed, the session, the event
//! number and the events before it.

use crate::edit_support;

use edit_support::today;
use guazhi::app::keys::map_event;
use guazhi::app::{Action, App, Display, DraftAct, Effect};
use guazhi::draft::{Draft, Slot};
use guazhi::lang::Lang;
use guazhi::runner::{step, Session};
use guazhi::store::{Access, Store};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// SplitMix64: small, fast, and the same sequence for the same seed everywhere.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Keys that do things in the lists, the dossier, popups and forms.
const COMMAND_KEYS: &str = "123456jkgGsSrfFtbdxpnNaemMXvwDPuhy?/qc ";
/// Characters typed into fields and searches: ASCII, dates, CJK, and what must be refused.
const TEXT: &[char] = &[
    'a', 'z', 'Q', '0', '1', '2', '9', '-', '.', ' ', '欧', '阳', '明', '远', '镇', '局', '科', '长', '〇', '·', '…',
    '“', '”', '（', '）', '\u{3000}', 'é', 'ß', '😀', '👩', '\u{200d}', '\u{fe0f}', '\u{301}', '\u{1b}', '\u{7}',
    '\u{0}', '\u{9b}', '\u{85}', '\u{202e}', '\u{2066}', '\u{200f}', '\u{7f}', '\t', '\n', '\r',
];
const SPECIAL: &[KeyCode] = &[
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::Backspace,
    KeyCode::Delete,
    KeyCode::Insert,
    KeyCode::Null,
    KeyCode::F(1),
    KeyCode::F(12),
];
/// Key sequences that open each form and popup from anywhere (Esc first).
const OPENERS: &[&str] = &[
    "1a", "1e", "1n", "1m", "1M", "1X", "1v", "2m", "2M", "3e", "4a", "4Ge", "4Gw", "4e", "5a", "5e", "5D", "5P", "6a",
    "6e", "6D", "1\rx", "1\rv", "1\rt", "1\ra", "1\rn", "1\rm", "1\rp", "1\rh", "u", "h", "?", "3f", "3t", "3b", "3d",
    "R",
];
/// Valid fillings, so that saves happen: (keys after Esc, what they do).
const FILLS: &[&str] = &[
    "3e1\r",
    "1a测试员\t1\t1988-08-08\t1\t本科\t规划\t1\t市财政局\t科员\r",
    "6a新设单位\t\t\r",
    "1\ra\t挂职表现良好\r",
    "5a2030年第九批\t2030-04-01\t\r",
    "uy",
];

const SIZES_MAX: (u16, u16) = (300, 100);

#[derive(Debug, Clone)]
enum Input {
    Event(Event),
    Resize(u16, u16),
    /// A draft file as a user (or a disk error) might leave it, restored into its form.
    Draft(u64),
}

fn key(code: KeyCode, mods: KeyModifiers) -> Input {
    Input::Event(Event::Key(KeyEvent::new(code, mods)))
}

fn keys_of(text: &str) -> Vec<Input> {
    text.chars()
        .map(|c| match c {
            '\r' => key(KeyCode::Enter, KeyModifiers::NONE),
            '\t' => key(KeyCode::Tab, KeyModifiers::NONE),
            c => key(KeyCode::Char(c), KeyModifiers::NONE),
        })
        .collect()
}

fn random_text(g: &mut Gen, max: usize) -> String {
    let n = g.below(max + 1);
    (0..n).map(|_| *g.pick(TEXT)).collect()
}

/// Characters of ambiguous East-Asian width (some terminals draw them double).
fn ambiguous(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    c.width() != c.width_cjk()
}

/// In an `--ascii` session nothing typed is ambiguous either, so that every ambiguous
/// character on screen comes from the program or the stored data.
fn plain_for_ascii(inputs: Vec<Input>) -> Vec<Input> {
    let clean = |s: &str| s.chars().filter(|c| !ambiguous(*c)).collect::<String>();
    inputs
        .into_iter()
        .filter_map(|i| match i {
            Input::Event(Event::Key(k)) if matches!(k.code, KeyCode::Char(c) if ambiguous(c)) => None,
            Input::Event(Event::Paste(p)) => Some(Input::Event(Event::Paste(clean(&p)))),
            other => Some(other),
        })
        .collect()
}

/// Out of any form, question, picker, popup or dossier (discarding unsaved typing).
fn back_to_a_list() -> Vec<Input> {
    let (esc, yes) = (key(KeyCode::Esc, KeyModifiers::NONE), key(KeyCode::Char('y'), KeyModifiers::NONE));
    vec![esc.clone(), yes.clone(), esc.clone(), yes.clone(), esc.clone(), yes, esc]
}

/// The next few inputs: a single event most of the time, sometimes a whole sequence.
fn next_inputs(g: &mut Gen) -> Vec<Input> {
    let none = KeyModifiers::NONE;
    match g.below(100) {
        0..=29 => vec![key(KeyCode::Char(*g.pick(&COMMAND_KEYS.chars().collect::<Vec<_>>())), none)],
        30..=54 => vec![key(KeyCode::Char(*g.pick(TEXT)), if g.chance(10) { KeyModifiers::SHIFT } else { none })],
        55..=69 => vec![key(*g.pick(SPECIAL), if g.chance(15) { KeyModifiers::SHIFT } else { none })],
        70..=74 => {
            let mods =
                *g.pick(&[KeyModifiers::CONTROL, KeyModifiers::ALT, KeyModifiers::CONTROL | KeyModifiers::SHIFT]);
            vec![key(KeyCode::Char(*g.pick(&['s', 'u', 'w', 'a', 'e', 'k', 'f', 'b', 'c', 'h', 'd'])), mods)]
        }
        75..=78 => {
            let long = g.chance(10);
            vec![Input::Event(Event::Paste(random_text(g, if long { 3000 } else { 40 })))]
        }
        79..=82 => vec![Input::Resize(
            g.below(usize::from(SIZES_MAX.0) + 1) as u16,
            g.below(usize::from(SIZES_MAX.1) + 1) as u16,
        )],
        83..=86 => {
            let kind = *g.pick(&[
                MouseEventKind::Down(MouseButton::Left),
                MouseEventKind::ScrollDown,
                MouseEventKind::ScrollUp,
                MouseEventKind::Down(MouseButton::Right),
                MouseEventKind::Moved,
            ]);
            let (column, row) = (g.below(310) as u16, g.below(110) as u16);
            vec![Input::Event(Event::Mouse(MouseEvent { kind, column, row, modifiers: none }))]
        }
        87..=93 => {
            let mut v = back_to_a_list();
            v.extend(keys_of(g.pick::<&str>(OPENERS)));
            v
        }
        94..=96 => {
            let mut v = back_to_a_list();
            v.extend(keys_of(g.pick::<&str>(FILLS)));
            v
        }
        97 | 98 => vec![Input::Draft(g.next())],
        _ => {
            // A burst of typing into whatever has the focus.
            random_text(g, 12).chars().map(|c| key(KeyCode::Char(c), none)).collect()
        }
    }
}

/// Hostile text in stored fields, and rows written by hand against the rules.
fn make_hostile(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "UPDATE cadres SET name = '梁' || char(27) || ']0;PWN' || char(7) || '文博' WHERE name = '梁文博';
         UPDATE units SET name = name || char(27) || '[2J' WHERE id = 3;
         UPDATE secondments SET host_post = host_post || char(155) || '31m' || char(8238) WHERE id % 5 = 0;
         UPDATE batches SET name = name || char(8294) WHERE id = 1;
         UPDATE reviews SET assessor = char(27) || '[31m红' WHERE done_date IS NOT NULL AND id % 7 = 0;
         INSERT INTO dossier_notes (cadre_id, note_date, author, body)
             SELECT id, '2026-11-01', char(27) || 'x', '备注' || char(10) || char(13) || char(9) || char(8238) FROM cadres WHERE id % 9 = 0;
         UPDATE cadres SET home_post = '很长的职务名称' || char(27) || '重复重复重复重复重复重复重复重复重复重复重复重复重复重复' WHERE id = 7;
         PRAGMA ignore_check_constraints = ON;
         UPDATE cadres SET birth_date = '2017-02-30' WHERE id = 11;
         UPDATE cadres SET gender = '?' WHERE id = 12;
         UPDATE secondments SET start_date = 'soon' WHERE id = 13;
         UPDATE reviews SET due_date = '2026-02-30' WHERE id = 20;
         UPDATE reviews SET kind = 'monthly' WHERE id = 21;
         UPDATE batches SET term_months = 0 WHERE id = 2;
         UPDATE units SET kind = 'ministry' WHERE id = 5;
         UPDATE reserve_nominations SET status = 'limbo' WHERE id = (SELECT min(id) FROM reserve_nominations);",
    )
    .unwrap();
}

/// The demo database (plain, or hostile), made once and copied for each session.
fn template(dir: &Path, hostile: bool) -> PathBuf {
    let path = dir.join(if hostile { "hostile.db" } else { "plain.db" });
    guazhi::sample::generate(Store::init(&path).unwrap(), 0).unwrap();
    if hostile {
        make_hostile(&path);
    }
    path
}

struct Fuzzed {
    /// In an `--ascii` session, the characters of the stored data: the only ambiguous-width
    /// ones allowed on screen.
    data_chars: Option<std::collections::HashSet<char>>,
    _dir: tempfile::TempDir,
    store: Store,
    slot: Slot,
    app: App,
    terminal: Terminal<TestBackend>,
}

fn session(template: &Path, g: &mut Gen) -> Fuzzed {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    std::fs::copy(template, &path).unwrap();
    let mut store = Store::open(&path, Access::Auto).unwrap();
    // No fsync per save: the fuzz is about the screens, and a throw-away copy.
    store.connection().pragma_update(None, "synchronous", "OFF").unwrap();
    let lang = if g.chance(50) { Lang::Zh } else { Lang::En };
    let ascii = g.chance(25);
    let opts = Display {
        ascii,
        color: !g.chance(20),
        db_name: "demo.db".into(),
        world_readable: g.chance(10),
        ..Display::new(lang)
    };
    let data_chars = ascii.then(|| format!("{:?}", store.load().unwrap()).chars().collect());
    let app = guazhi::runner::open(&mut store, today(), opts).unwrap();
    let slot = Slot::in_dir(&dir.path().join("state"), &path);
    let (w, h) = (g.below(301) as u16, g.below(101) as u16);
    let terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    Fuzzed { data_chars, _dir: dir, store, slot, app, terminal }
}

/// A draft made from the open form (or a fresh one), its values scrambled.
fn tampered_draft(app: &App, seed: u64) -> Option<Draft> {
    let form = app.form.as_ref()?;
    let mut g = Gen(seed);
    let mut d = Draft::of(form);
    for (_, v) in d.values.iter_mut() {
        match g.below(5) {
            0 => *v = random_text(&mut g, 30),
            1 => *v = String::new(),
            2 => *v = "9".repeat(g.below(40)),
            3 => *v = "2017-02-30".into(),
            _ => {}
        }
    }
    if g.chance(30) {
        d.version = Some(g.next() as i64);
    }
    if app.opts.ascii {
        // As with typing: nothing ambiguous comes in from outside in an `--ascii` session.
        for (_, v) in d.values.iter_mut() {
            v.retain(|c| !ambiguous(c));
        }
    }
    Some(d)
}

/// Applies one input the way the terminal loop does; whether the loop would draw now (it
/// does not when nothing changed).
fn apply(s: &mut Fuzzed, input: &Input) -> bool {
    let mut session = Session { store: &mut s.store, today: today(), drafts: Some(&s.slot), builder: None };
    match input {
        Input::Resize(w, h) => {
            s.terminal.backend_mut().resize(*w, *h);
            if let Some(action) = map_event(&s.app, &Event::Resize(*w, *h)) {
                step(&mut s.app, &mut session, action).expect("step");
            }
            true
        }
        Input::Event(ev) => match map_event(&s.app, ev) {
            // Quit ends nothing here: the session goes on with the next event.
            Some(action) => step(&mut s.app, &mut session, action).expect("step") != Effect::None,
            None => false,
        },
        Input::Draft(seed) => {
            // Offered as at the next start; the keys that follow restore, discard or defer it.
            if let Some(d) = tampered_draft(&s.app, *seed) {
                s.app.form = None;
                s.app.popup = None;
                step(&mut s.app, &mut session, Action::OfferDraft(Box::new(d))).expect("offer");
                if *seed % 2 == 0 {
                    step(&mut s.app, &mut session, Action::DraftChoice(DraftAct::Restore)).expect("restore");
                }
            }
            true
        }
    }
}

/// After each event: the frame draws, the selection and the cursor stay inside; with `cells`,
/// no cell holds a control or bidi character, nor (with `--ascii`) an ambiguous-width one the
/// program wrote itself.
fn check(s: &mut Fuzzed, cells: bool) {
    guazhi::tui::draw(&mut s.terminal, &mut s.app).expect("draw");
    let list = s.app.list();
    assert!(list.visible.is_empty() || list.selected < list.visible.len(), "selection outside the list");
    let area = s.terminal.backend().buffer().area;
    let backend = s.terminal.backend();
    if backend.cursor_visible() {
        let p = backend.cursor_position();
        assert!(p.x < area.width.max(1) && p.y < area.height.max(1), "cursor {p:?} off {area:?}");
    }
    if cells {
        let buf = backend.buffer();
        for y in 0..area.height {
            for x in 0..area.width {
                let sym = buf[(x, y)].symbol();
                if let Some(c) = sym.chars().find(|c| guazhi::text::is_forbidden(*c)) {
                    panic!("cell ({x},{y}) holds U+{:04X}", c as u32);
                }
                if let Some(allowed) = &s.data_chars {
                    if let Some(c) = sym.chars().find(|c| ambiguous(*c) && !allowed.contains(c)) {
                        let row: String = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
                        panic!("--ascii: cell ({x},{y}) holds {c:?}, of ambiguous width: {row:?}");
                    }
                }
            }
        }
    }
}

/// Which screens and forms the walk reached, by name.
fn note_coverage(app: &App, seen: &mut BTreeMap<String, usize>) {
    let mut add = |k: String| *seen.entry(k).or_default() += 1;
    if let Some(f) = &app.form {
        let kind = format!("{:?}", f.kind);
        add(format!("form {}", kind.split([' ', '{', '(']).next().unwrap_or_default()));
        if f.picker.is_some() {
            add("picker".into());
        }
    }
    if let Some(p) = &app.popup {
        let name = format!("{p:?}");
        add(format!("popup {}", name.split(['(', ' ', '{']).next().unwrap_or_default()));
    }
    if app.help.is_some() {
        add("help".into());
    }
    add(format!("tab {:?} {:?}", app.tab, app.mode));
}

#[test]
fn random_keys_on_every_screen_and_form_at_random_sizes_never_panic() {
    let total: usize = std::env::var("GUAZHI_FUZZ_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let seed: u64 = std::env::var("GUAZHI_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x6775_617a_6869);
    const PER_SESSION: usize = 2_500;
    let templates = tempfile::tempdir().unwrap();
    let plain = template(templates.path(), false);
    let hostile = template(templates.path(), true);
    let mut g = Gen(seed);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut recent: VecDeque<Input> = VecDeque::new();
    let (mut done, mut sessions, mut saves, mut draws) = (0usize, 0usize, 0i64, 0usize);
    let t0 = Instant::now();
    while done < total {
        let hostile_session = sessions % 2 == 1;
        let mut s = session(if hostile_session { &hostile } else { &plain }, &mut g);
        let audit_before: i64 = s.store.connection().query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
        let mut in_session = 0;
        while in_session < PER_SESSION && done < total {
            let mut inputs = next_inputs(&mut g);
            if s.data_chars.is_some() {
                inputs = plain_for_ascii(inputs);
            }
            for input in inputs {
                recent.push_back(input.clone());
                if recent.len() > 40 {
                    recent.pop_front();
                }
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    if apply(&mut s, &input) {
                        check(&mut s, draws % 8 == 0);
                        draws += 1;
                    }
                }));
                if let Err(e) = outcome {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    panic!(
                        "panic at event {done} (seed {seed}, session {sessions}, hostile {hostile_session}, size {:?}): \
                         {msg}\nlast events:\n{recent:#?}",
                        s.terminal.backend().buffer().area
                    );
                }
                note_coverage(&s.app, &mut seen);
                done += 1;
                in_session += 1;
                if done % 100_000 == 0 {
                    eprintln!("{done} events, {:.0?}", t0.elapsed());
                }
            }
        }
        let audit_after: i64 = s.store.connection().query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
        saves += audit_after - audit_before;
        // The file's structure is sound; in a hostile session the rows written by hand past
        // the CHECK constraints are reported too, and nothing else.
        let problems: Vec<String> = s
            .store
            .connection()
            .prepare("PRAGMA integrity_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let sound = problems == ["ok"]
            || (hostile_session && problems.iter().all(|p| p.starts_with("CHECK constraint failed")));
        assert!(sound, "session {sessions}: {problems:?}");
        sessions += 1;
    }
    let took = t0.elapsed();
    let forms: Vec<&String> = seen.keys().filter(|k| k.starts_with("form ")).collect();
    eprintln!(
        "{done} events ({draws} frames drawn) in {sessions} sessions, 0 panics, {took:.1?} ({:.0} events/s), \
         {saves} audit rows written by saves; \
         reached {} screens/forms/popups: {:?}",
        done as f64 / took.as_secs_f64(),
        seen.len(),
        seen.keys().collect::<Vec<_>>()
    );
    if total >= 20_000 {
        // Every kind of form was opened (Pair needs a valid partner, which saves may create).
        for kind in [
            "AddCadre",
            "EditCadre",
            "AddSecondment",
            "EndEarly",
            "Review",
            "Vetting",
            "Evaluation",
            "Note",
            "Admit",
            "Move",
            "AddUnit",
            "EditUnit",
            "AddBatch",
            "EditBatch",
            "Policy",
        ] {
            assert!(forms.iter().any(|f| f.as_str() == format!("form {kind}")), "form {kind} never opened: {forms:?}");
        }
        for popup in ["popup Confirm", "popup History", "popup Draft", "help", "picker"] {
            assert!(seen.contains_key(popup), "{popup} never shown: {:?}", seen.keys());
        }
        assert!(saves > 0, "some saves happened");
    }
}
