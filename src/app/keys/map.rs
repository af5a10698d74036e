//! The keys in effect: the table's, with a settings file's `[keys]` laid over them. The key
//! handling, the footer bar and the `?` help read this map, never the table's keys directly,
//! so a remapped key is shown wherever it works.
//!
//! Rules: a remap names an action (`names.rs`) and gives its keys, which replace the table's in
//! every context that binds the action. Where typing goes into a field (a search, a form, a
//! form's list) a plain character types itself, so there a remap's plain characters are left
//! out, and when nothing else is left the table's keys stay. The Ctrl-C quit and the typing
//! itself cannot be remapped. A key may do one thing in each set of contexts that are active
//! together; a remap that breaks that is refused, naming the other action.

use super::{context_sets, names, Binding, Context, Key, BINDINGS};
use crate::lang::Message;
use ratatui::crossterm::event::KeyCode;
use std::borrow::Cow;

/// The keys of each binding of the table, in the table's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    keys: Vec<Cow<'static, [Key]>>,
}

/// One entry of `[keys]`: an action's name and its keys, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remap {
    pub name: String,
    pub keys: Vec<String>,
}

/// Why a remap (by its index in the list given) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemapError {
    pub remap: usize,
    pub message: Message,
}

impl Default for KeyMap {
    fn default() -> KeyMap {
        KeyMap { keys: BINDINGS.iter().map(|b| Cow::Borrowed(b.keys)).collect() }
    }
}

/// Whether a settings file may change this binding's keys, and by which name.
pub fn remap_name(b: &Binding) -> Option<&'static str> {
    if b.context == Context::Always {
        return None;
    }
    names::name(&b.action)
}

/// Contexts where a plain character may type into a field (a form's, whatever the field
/// focused; the export dialog's file name; a short list's filter line).
fn typing(context: Context) -> bool {
    use Context::*;
    matches!(context, Search | Form | FormChoice | FormPick | Picker | Export | Choose)
}

impl KeyMap {
    /// Every binding with its keys in effect, in the table's order (the help lists them so).
    pub fn bindings(&self) -> impl Iterator<Item = (&'static Binding, &[Key])> {
        BINDINGS.iter().zip(self.keys.iter().map(|k| &**k))
    }

    /// The table's keys with `remaps` laid over them in order (a later one for the same action
    /// wins); every problem found, or the map.
    pub fn remapped(remaps: &[Remap]) -> Result<KeyMap, Vec<RemapError>> {
        let mut map = KeyMap::default();
        // Which remap set each binding's keys.
        let mut set_by: Vec<Option<usize>> = vec![None; BINDINGS.len()];
        let mut errors = Vec::new();
        for (r, remap) in remaps.iter().enumerate() {
            let mut fail = |zh: String, en: String| errors.push(RemapError { remap: r, message: Message::new(zh, en) });
            let name = remap.name.as_str();
            let targets: Vec<usize> = (0..BINDINGS.len()).filter(|&i| remap_name(&BINDINGS[i]) == Some(name)).collect();
            if targets.is_empty() {
                fail(
                    format!("没有名为“{name}”的操作（操作名见 `man guazhi` 的 KEYS 一节）"),
                    format!("no action is named '{name}' (the names: the KEYS section of `man guazhi`)"),
                );
                continue;
            }
            if remap.keys.is_empty() {
                fail(format!("“{name}”没有给出按键"), format!("'{name}' is given no key"));
                continue;
            }
            let mut keys: Vec<Key> = Vec::new();
            let mut unknown = false;
            for text in &remap.keys {
                match parse_key(text) {
                    Some(k) if !keys.contains(&k) => keys.push(k),
                    Some(_) => {}
                    None => {
                        unknown = true;
                        fail(
                            format!("“{text}”不是可用的按键（例如 a、A、?、Ctrl-F、Enter、Esc、Tab、PgDn、F2）"),
                            format!(
                                "'{text}' is not a key guazhi knows (e.g. a, A, ?, Ctrl-F, Enter, Esc, Tab, PgDn, F2)"
                            ),
                        )
                    }
                }
            }
            if unknown {
                continue;
            }
            let mut seen: Vec<Context> = Vec::new();
            for i in targets {
                let context = BINDINGS[i].context;
                let first = !seen.contains(&context);
                seen.push(context);
                let mine: Vec<Key> = keys.iter().filter(|k| !(typing(context) && k.types())).copied().collect();
                if mine.is_empty() {
                    continue;
                }
                // The first binding of the action in a context takes the keys; a second one
                // there (Enter beside `e` on the Units tab) would only repeat them.
                map.keys[i] = Cow::Owned(if first { mine } else { Vec::new() });
                set_by[i] = Some(r);
            }
        }
        if errors.is_empty() {
            errors = map.clashes(&set_by);
        }
        if errors.is_empty() {
            Ok(map)
        } else {
            errors.sort_by_key(|e| e.remap);
            errors.dedup();
            Err(errors)
        }
    }

    /// Keys that two actions would share in one set of active contexts, blamed on the later
    /// remap involved (the table alone has none).
    fn clashes(&self, set_by: &[Option<usize>]) -> Vec<RemapError> {
        let mut errors = Vec::new();
        for set in context_sets() {
            let members: Vec<usize> = (0..BINDINGS.len()).filter(|&i| set.contains(&BINDINGS[i].context)).collect();
            for (n, &a) in members.iter().enumerate() {
                for &b in &members[n + 1..] {
                    let blame = set_by[a].max(set_by[b]);
                    let (name_a, name_b) = (names::name(&BINDINGS[a].action), names::name(&BINDINGS[b].action));
                    let Some(remap) = blame.filter(|_| name_a != name_b) else { continue };
                    let shared = self.keys[a].iter().find(|k| k.code != KeyCode::Null && self.keys[b].contains(k));
                    let Some(key) = shared else { continue };
                    // Named from the side of the remap blamed: the other action is the one in the way.
                    let other = if set_by[b] == Some(remap) { a } else { b };
                    let label = key.label(true, false);
                    let (what, ctx) = (names::name(&BINDINGS[other].action).unwrap_or("?"), BINDINGS[other].context);
                    errors.push(RemapError {
                        remap,
                        message: Message::new(
                            format!("按键“{label}”已用于 {what}（{}）", ctx.zh()),
                            format!("the key '{label}' already does {what} ({})", ctx.en()),
                        ),
                    });
                }
            }
        }
        errors
    }
}

/// A key as a settings file writes it: one character (`a`, `A`, `?`), `Space`, `Ctrl-` and a
/// letter, or a key's name (`Enter`, `Esc`, `Tab`, `Shift-Tab`, `Backspace`, `Up`, `Down`,
/// `Left`, `Right`, `PgUp`, `PgDn`, `Home`, `End`, `Insert`, `Delete`, `F1`…`F12`). What the bar
/// and the help show (`Key::label`) reads back as the same key.
pub fn parse_key(text: &str) -> Option<Key> {
    let lower = text.to_ascii_lowercase();
    for prefix in ["alt-", "alt+"] {
        if lower.starts_with(prefix) {
            let key = parse_key(&text[prefix.len()..]).filter(|k| !k.ctrl && !k.alt)?;
            return Some(Key { alt: true, ..key });
        }
    }
    let plain = |code| Some(Key { code, ctrl: false, alt: false });
    let mut chars = text.chars();
    if let (Some(ch), None) = (chars.next(), chars.next()) {
        return match ch {
            '↑' => plain(KeyCode::Up),
            '↓' => plain(KeyCode::Down),
            '←' => plain(KeyCode::Left),
            '→' => plain(KeyCode::Right),
            c if c.is_control() || c.is_whitespace() => None,
            c => plain(KeyCode::Char(c)),
        };
    }
    for prefix in ["ctrl-", "ctrl+", "c-"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let mut chars = rest.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_alphabetic() => {
                    Some(Key { code: KeyCode::Char(c), ctrl: true, alt: false })
                }
                _ => None,
            };
        }
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()).filter(|n| (1..=12).contains(n)) {
        return plain(KeyCode::F(n));
    }
    let code = match lower.as_str() {
        "space" => KeyCode::Char(' '),
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "insert" | "ins" => KeyCode::Insert,
        "delete" | "del" => KeyCode::Delete,
        _ => return None,
    };
    plain(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::{Action, Edit};

    fn remap(name: &str, keys: &[&str]) -> Remap {
        Remap { name: name.into(), keys: keys.iter().map(|k| k.to_string()).collect() }
    }

    fn keys_of(map: &KeyMap, context: Context, name: &str) -> Vec<String> {
        let (_, keys) = map
            .bindings()
            .find(|(b, _)| b.context == context && remap_name(b) == Some(name))
            .unwrap_or_else(|| panic!("{name} in {context:?}"));
        keys.iter().map(|k| k.label(true, false)).collect()
    }

    #[test]
    fn every_label_reads_back_as_its_key() {
        for (b, keys) in KeyMap::default().bindings() {
            for k in keys.iter().filter(|k| k.code != KeyCode::Null) {
                for ascii in [true, false] {
                    assert_eq!(parse_key(&k.label(ascii, false)), Some(*k), "{} in {:?}", b.en, b.context);
                }
            }
        }
        assert_eq!(parse_key("ctrl-F"), parse_key("Ctrl-f"));
        assert_eq!(parse_key("F2"), Some(Key { code: KeyCode::F(2), ctrl: false, alt: false }));
        for bad in ["", "Ctrl-", "Ctrl-Shift-X", "Hyper-A", "F13", "ab", "\u{7}", " "] {
            assert_eq!(parse_key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_binding_but_typing_and_ctrl_c_has_a_name() {
        for b in BINDINGS {
            let fixed = b.context == Context::Always || matches!(b.action, Action::Redraw);
            assert_eq!(remap_name(b).is_none(), fixed, "{} in {:?}", b.en, b.context);
        }
    }

    #[test]
    fn the_table_alone_has_no_clash() {
        assert_eq!(KeyMap::remapped(&[]), Ok(KeyMap::default()));
    }

    #[test]
    fn a_remap_replaces_the_keys_in_every_context_but_letters_where_one_types() {
        let map = KeyMap::remapped(&[remap("down", &["J", "Down"]), remap("search", &["Ctrl-S"])]).unwrap();
        assert_eq!(keys_of(&map, Context::List, "down"), ["J", "Down"]);
        assert_eq!(keys_of(&map, Context::Help, "down"), ["J", "Down"]);
        // In the search and a form's list `J` types itself; the arrow stays.
        assert_eq!(keys_of(&map, Context::Search, "down"), ["Down"]);
        assert_eq!(keys_of(&map, Context::Picker, "down"), ["Down"]);
        assert_eq!(keys_of(&map, Context::List, "search"), ["Ctrl-S"]);
        let only_letters = KeyMap::remapped(&[remap("down", &["J"])]).unwrap();
        assert_eq!(keys_of(&only_letters, Context::Search, "down"), ["Down"], "the table's keys stay");
    }

    #[test]
    fn a_second_binding_of_an_action_in_one_context_gives_way() {
        let map = KeyMap::remapped(&[remap("edit_unit", &["F4"])]).unwrap();
        let units: Vec<_> = map
            .bindings()
            .filter(|(b, _)| b.context == Context::Units && matches!(b.action, Action::Edit(Edit::EditUnit)))
            .map(|(_, k)| k.len())
            .collect();
        assert_eq!(units, [1, 0]);
    }

    #[test]
    fn clashes_unknown_names_and_keys_name_their_remap() {
        // `e` edits on every tab (a cadre on the Cadres tab), where the list's keys are active too.
        let e = KeyMap::remapped(&[remap("quit", &["Q"]), remap("search", &["e"])]).unwrap_err();
        assert!(e.iter().all(|e| e.remap == 1), "{e:?}");
        assert_eq!(e[0].message.en, "the key 'e' already does edit_cadre (Cadres tab)");
        assert_eq!(e[0].message.zh, "按键“e”已用于 edit_cadre（干部页）");
        assert!(e.iter().any(|e| e.message.en.contains("record_review (Reviews tab)")), "{e:?}");
        // Ctrl-C always quits.
        assert!(KeyMap::remapped(&[remap("help", &["Ctrl-C"])]).is_err());
        // Moving the other action first makes room.
        assert!(KeyMap::remapped(&[remap("search", &["u"])]).is_err());
        assert!(KeyMap::remapped(&[remap("search", &["u"]), remap("undo", &["Ctrl-Z"])]).is_ok());
        let e = KeyMap::remapped(&[remap("serach", &["f"]), remap("quit", &["Ctrl-Shift-Q", "x"]), remap("help", &[])])
            .unwrap_err();
        let at: Vec<usize> = e.iter().map(|e| e.remap).collect();
        assert_eq!(at, [0, 1, 2]);
        assert!(e[0].message.en.contains("no action is named 'serach'"));
        assert!(e[1].message.en.contains("'Ctrl-Shift-Q' is not a key"));
    }
}
