//! Helpers for untrusted text on a terminal, in form fields and in written output.
//!
//! Anything read from the database or an import file may contain bytes that a
//! terminal interprets (ESC, CSI, OSC sequences), bidi overrides that make text
//! render differently from what it is, or invisible characters (a zero-width space)
//! that make two different names look the same. Everything shown goes through
//! [`display_safe`]; everything typed or imported is put in one form with
//! [`normalise`] and checked with [`refused_char`] (or cleaned with
//! [`sanitize_paste`]). Widths are terminal cells (CJK = 2), measured by `unicode-width`.
//!
//! Output is safe wherever it goes, by one rule for every output path (reports, export,
//! check, messages):
//! - a CSV cell a spreadsheet would run as a formula is defused ([`defuse_formula`]);
//! - control and bidi characters never reach a terminal raw: escaped by [`display_safe`]
//!   whenever the output is a terminal ([`Destination::shown`]), and in JSON always written
//!   as `\u` escapes ([`json_safe`]), which a JSON reader reads back unchanged.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::lang::Message;
use unicode_normalization::UnicodeNormalization;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The ellipsis that marks a cut; one cell wide.
const ELLIPSIS: char = '…';

/// True for characters that must never reach the terminal raw nor be stored
/// from user input: C0 controls (tab included), DEL, C1 controls (`is_control`
/// is exactly these) and the bidi embedding/override/isolate/mark characters,
/// which can disguise what a name or note really says.
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Invisible characters and the other format characters (Unicode category Cf, the bidi
/// controls among them), and the Hangul fillers that draw as blanks, each with its name in
/// Chinese and English. None of them has a place in a name, a unit or a post: a name with a
/// zero-width space looks like the name without it and is another person to the database.
/// Variation selectors are not here: a rare character in a name may need one.
pub fn hidden_name(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '\u{ad}' => ("软连字符", "soft hyphen"),
        '\u{34f}' => ("组合字形连接符", "combining grapheme joiner"),
        '\u{61c}' => ("阿拉伯字母标记", "Arabic letter mark"),
        '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' => ("韩文填充符", "Hangul filler"),
        '\u{180e}' => ("蒙古文元音分隔符", "Mongolian vowel separator"),
        '\u{200b}' => ("零宽空格", "zero width space"),
        '\u{200c}' => ("零宽不连字", "zero width non-joiner"),
        '\u{200d}' => ("零宽连字", "zero width joiner"),
        '\u{200e}' => ("从左至右标记", "left-to-right mark"),
        '\u{200f}' => ("从右至左标记", "right-to-left mark"),
        '\u{202a}' => ("从左至右嵌入", "left-to-right embedding"),
        '\u{202b}' => ("从右至左嵌入", "right-to-left embedding"),
        '\u{202c}' => ("结束方向格式", "pop directional formatting"),
        '\u{202d}' => ("从左至右覆盖", "left-to-right override"),
        '\u{202e}' => ("从右至左覆盖", "right-to-left override"),
        '\u{2060}' => ("词连接符", "word joiner"),
        '\u{2061}'..='\u{2064}' => ("不可见运算符", "invisible operator"),
        '\u{2066}' => ("从左至右隔离", "left-to-right isolate"),
        '\u{2067}' => ("从右至左隔离", "right-to-left isolate"),
        '\u{2068}' => ("首强字符隔离", "first strong isolate"),
        '\u{2069}' => ("结束方向隔离", "pop directional isolate"),
        '\u{feff}' => ("字节顺序标记（零宽不换行空格）", "byte order mark (zero width no-break space)"),
        '\u{e0001}' | '\u{e0020}'..='\u{e007f}' => ("标签字符", "tag character"),
        '\u{600}'..='\u{605}'
        | '\u{6dd}'
        | '\u{70f}'
        | '\u{890}'..='\u{891}'
        | '\u{8e2}'
        | '\u{206a}'..='\u{206f}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{110bd}'
        | '\u{110cd}'
        | '\u{13430}'..='\u{1344f}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' => ("格式字符", "format character"),
        _ => return None,
    })
}

/// A character that is never stored from user input: a control or bidi character, or an
/// invisible one.
pub fn is_refused(c: char) -> bool {
    // Below U+00A0 only controls are refused, and nothing from the Hangul filler U+3164 to the
    // variation selectors: those ranges are most text (CJK included) and every redraw.
    if c < '\u{a0}' {
        return c.is_control();
    }
    if ('\u{3165}'..'\u{fe00}').contains(&c) {
        return false;
    }
    is_forbidden(c) || hidden_name(c).is_some()
}

/// The first character [`normalise`]d text may not hold, as a message naming it and where it
/// is: "第 2 个字符是不可见字符 U+200B（零宽空格）".
pub fn refused_char(s: &str) -> Option<Message> {
    let (pos, c) = s.chars().enumerate().find(|&(_, c)| is_refused(c))?;
    Some(refused_message(pos, c))
}

fn refused_message(pos: usize, c: char) -> Message {
    let code = format!("U+{:04X}", c as u32);
    match hidden_name(c) {
        Some((zh, en)) if !is_forbidden(c) => Message::new(
            format!("第 {} 个字符是不可见字符 {code}（{zh}），请删去", pos + 1),
            format!("invisible character {code} ({en}) at position {}; delete it", pos + 1),
        ),
        Some((zh, en)) => Message::new(
            format!("第 {} 个字符是双向控制字符 {code}（{zh}）", pos + 1),
            format!("control or bidi character {code} ({en}) at position {}", pos + 1),
        ),
        None => Message::new(
            format!("第 {} 个字符是控制字符 {code}", pos + 1),
            format!("control or bidi character {code} at position {}", pos + 1),
        ),
    }
}

/// What a typed, pasted or imported text is stored as: Unicode NFC (one code point per
/// character where one exists, so that the same name typed two ways is one name), without
/// leading and trailing white space (the ideographic space U+3000 included).
pub fn normalise(s: &str) -> String {
    let trimmed = s.trim();
    if trimmed.is_ascii() {
        return trimmed.to_string();
    }
    trimmed.nfc().collect::<String>().trim().to_string()
}

/// Whether `s` is already as [`normalise`] would store it.
pub fn is_normalised(s: &str) -> bool {
    s.len() == s.trim().len() && (s.is_ascii() || unicode_normalization::is_nfc(s))
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x20000..=0x3134f) || c == '·'
}

/// The middle dots of transliterated names as people type them (bullet, katakana middle dot,
/// hyphenation point): stored as the one the standard writes, U+00B7, so that 阿依古丽•买买提
/// and 阿依古丽·买买提 are one person.
const MIDDLE_DOTS: &[char] = &['•', '・', '‧', '∙', '⋅'];

/// A person's name as stored: normalised; spaces between Chinese characters (rosters pad
/// two-character names to line up with three-character ones: "张  三", and some .lrmx files
/// write "张 三") dropped; other runs of spaces (ideographic ones included) made one; middle
/// dots made one kind.
pub fn normalise_name(s: &str) -> String {
    let chars: Vec<char> = normalise(s).chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            if !(before.is_some_and(is_cjk) && after.is_some_and(is_cjk)) {
                out.push(' ');
            }
        } else {
            out.push(if MIDDLE_DOTS.contains(&chars[i]) { '·' } else { chars[i] });
            i += 1;
        }
    }
    out
}

/// Who a name says a person is, for finding the same person twice: the stored form of the
/// name with invisible characters dropped and Latin letters in lower case, so that
/// "邱\u{200b}志远" and "邱志远" are one identity.
pub fn identity(name: &str) -> String {
    let visible: String = name.chars().filter(|c| hidden_name(*c).is_none()).collect();
    normalise_name(&visible).to_lowercase()
}

/// Replaces every forbidden or invisible character with a visible escape (`\n`, `\t`, `\r`,
/// `\x1b`, `\u{9b}`, `\u{202e}`, `\u{200b}`), so no byte of the result can start a terminal
/// escape sequence or reorder text, and a name with a hidden character does not pass for
/// the name without it. Borrows when there is nothing to replace, which is the common case
/// on every redraw. Backslashes are not escaped: this is for showing, not for round-tripping.
pub fn display_safe(s: &str) -> Cow<'_, str> {
    let Some(first) = s.find(is_refused) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_refused(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The first forbidden character and its 0-based *char* index (not byte
/// offset), for messages such as "name: control character U+001B at position 3".
pub fn forbidden_char(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|&(_, c)| is_forbidden(c))
}

/// Cleans text pasted into a single-line field: each run of line breaks and tabs
/// (together with spaces around it) becomes one space, other forbidden and
/// invisible characters are dropped, and the ends are trimmed. VT, FF, NEL, U+2028 and
/// U+2029 count as line breaks too, so pasted paragraphs don't run together.
pub fn sanitize_paste(s: &str) -> String {
    let is_break = |c: char| matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}');
    let mut out = String::with_capacity(s.len());
    let mut in_break = false;
    for c in s.chars() {
        if is_break(c) {
            in_break = true;
        } else if is_refused(c) || (in_break && c == ' ') {
            // dropped; neither ends a break run
        } else {
            if in_break {
                out.truncate(out.trim_end_matches(' ').len());
                out.push(' ');
                in_break = false;
            }
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// The line breaks a paste or a file may hold (CR LF, CR, LF, NEL, U+2028, U+2029).
fn split_lines(s: &str) -> impl Iterator<Item = &str> {
    s.split("\r\n").flat_map(|l| l.split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']))
}

/// Cleans text pasted into a multi-line field (notes, summaries): the line breaks stay (as
/// `\n`), each line is cleaned like a single-line paste, and blank lines at the ends go.
pub fn sanitize_paste_lines(s: &str) -> String {
    let lines: Vec<String> = split_lines(s).map(sanitize_paste).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// [`normalise`] for multi-line text: each line's trailing spaces go, line breaks become
/// `\n`, and blank lines at either end go.
pub fn normalise_lines(s: &str) -> String {
    let lines: Vec<String> = split_lines(s)
        .map(|l| l.trim_end())
        .map(|l| if l.is_ascii() { l.to_string() } else { l.nfc().collect() })
        .collect();
    lines.join("\n").trim_matches(|c: char| c == '\n' || c.is_whitespace()).to_string()
}

/// The first character of `s` that is refused in multi-line text (a line break is not).
pub fn refused_in_lines(s: &str) -> Option<Message> {
    let (pos, c) = s.chars().enumerate().find(|&(_, c)| c != '\n' && is_refused(c))?;
    Some(refused_message(pos, c))
}

/// Whether a spreadsheet would run `s` as a formula, the defusing `'`s taken off: it starts
/// with `=`, `+`, `-` or `@`, or with a tab or carriage return (which spreadsheets skip before
/// a formula).
pub fn looks_like_formula(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Text for a CSV cell: formula-like text gets a leading `'`, which a spreadsheet shows as
/// text and the import takes off again ([`undo_defuse`]). Text that already looks defused
/// gets a second `'`, so that the import gives it back as it was. Only for text: a number
/// written as a number (`-3`) is not a formula.
pub fn defuse_formula(s: &str) -> Cow<'_, str> {
    if looks_like_formula(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The import's side of [`defuse_formula`]: the `'` it added, taken off.
pub fn undo_defuse(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => s,
    }
}

/// Serialised JSON with every forbidden character that JSON allows raw in a string (DEL, C1
/// controls, bidi characters) written as a `\uXXXX` escape: the same JSON to a reader, and
/// nothing a terminal would act on. (serde_json escapes the C0 controls in strings, so a C0
/// character left is the layout's line break; all of these are in the Basic Multilingual
/// Plane, so one escape each.)
pub fn json_safe(json: &str) -> Cow<'_, str> {
    let raw = |c: char| is_forbidden(c) && c >= '\u{7f}';
    if !json.contains(raw) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Where output goes: a terminal shows it (and acts on control sequences), anything else
/// (a file, a pipe) keeps the data as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    Terminal,
    Other,
}

impl Destination {
    pub fn of(stream: &impl std::io::IsTerminal) -> Destination {
        if stream.is_terminal() {
            Destination::Terminal
        } else {
            Destination::Other
        }
    }

    /// `s` as it may be written here: control and bidi characters escaped on a terminal.
    pub fn shown(self, s: &str) -> Cow<'_, str> {
        match self {
            Destination::Terminal => display_safe(s),
            Destination::Other => Cow::Borrowed(s),
        }
    }
}

/// Display width in terminal cells (CJK = 2). Meant for display-safe text.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Fits `s` into `max` cells. When cut, the result ends with `…` and never
/// exceeds `max`: a double-width character that would straddle the limit is
/// dropped rather than split, so a cut result may fall a cell short of `max`
/// (more for emoji ZWJ sequences, which are cut per character).
pub fn truncate_to_width(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    // Fill max - 1 cells by per-char width, then re-measure the whole result:
    // sequences (emoji + VS16, ZWJ) can measure wider than their chars' sum.
    let mut out = String::with_capacity(max * 3 + 3);
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    loop {
        // A trailing joiner would glue the ellipsis onto the previous character.
        out.truncate(out.trim_end_matches('\u{200d}').len());
        out.push(ELLIPSIS);
        if width(&out) <= max {
            return Cow::Owned(out);
        }
        out.pop();
        out.pop();
    }
}

/// `truncate_to_width`, the cut marked with `~` instead of `…` when `ascii` (`--ascii`: `…` has
/// an ambiguous width, which some terminals draw double).
pub fn truncate_marked(s: &str, max: usize, ascii: bool) -> Cow<'_, str> {
    match truncate_to_width(s, max) {
        Cow::Owned(t) if ascii => match t.strip_suffix(ELLIPSIS) {
            Some(kept) => Cow::Owned(format!("{kept}~")),
            None => Cow::Owned(t),
        },
        other => other,
    }
}

/// `pad_to_width` with the cut marked as `truncate_marked` does.
pub fn pad_marked(s: &str, w: usize, ascii: bool) -> String {
    let t = truncate_marked(s, w, ascii);
    let pad = w - width(&t);
    let mut out = String::with_capacity(t.len() + pad);
    out.push_str(&t);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Truncates to `w` cells, then right-pads with spaces to exactly `w` cells,
/// so table columns line up with CJK text.
pub fn pad_to_width(s: &str, w: usize) -> String {
    let t = truncate_to_width(s, w);
    let pad = w - width(&t);
    let mut out = String::with_capacity(t.len() + pad);
    out.push_str(&t);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// True when nothing visible would be entered: only whitespace (including the
/// ideographic space U+3000) and zero-width spaces/joiners. For "required" fields.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "欧阳明远市国土规划局";

    #[test]
    fn middle_dots_typed_any_way_are_one_name() {
        for typed in ["阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽‧买买提", "阿依古丽·买买提"]
        {
            assert_eq!(normalise_name(typed), "阿依古丽·买买提", "{typed}");
            assert_eq!(identity(typed), identity("阿依古丽·买买提"), "{typed}");
        }
    }

    #[test]
    fn osc_sequence_becomes_visible() {
        let out = display_safe("a\x1b]0;x\x07b");
        assert_eq!(out, "a\\x1b]0;x\\x07b");
        assert!(!out.bytes().any(|b| b == 0x1b || b == 0x07));
    }

    #[test]
    fn bidi_c1_and_whitespace_controls_escaped() {
        assert_eq!(display_safe("ab\u{202e}cd"), "ab\\u{202e}cd");
        assert_eq!(display_safe("x\u{9b}31m"), "x\\u{9b}31m");
        assert_eq!(display_safe("a\nb\tc\r\x7f"), "a\\nb\\tc\\r\\x7f");
        assert_eq!(display_safe("\u{200e}\u{2066}\u{061c}"), "\\u{200e}\\u{2066}\\u{61c}");
        for c in (0u32..0x20).chain(0x7f..0xa0) {
            let s = char::from_u32(c).unwrap().to_string();
            assert!(display_safe(&s).bytes().all(|b| (0x20..0x7f).contains(&b)));
        }
    }

    #[test]
    fn fast_path_borrows() {
        assert!(matches!(display_safe("张三 Zhang"), Cow::Borrowed(_)));
        assert!(matches!(display_safe(""), Cow::Borrowed(_)));
        assert!(matches!(display_safe("a\n"), Cow::Owned(_)));
    }

    #[test]
    fn forbidden_char_positions() {
        assert_eq!(forbidden_char("abc\x1b[0m"), Some((3, '\x1b')));
        assert_eq!(forbidden_char("欧阳\u{202e}x"), Some((2, '\u{202e}')));
        assert_eq!(forbidden_char("\ta"), Some((0, '\t')));
        assert_eq!(forbidden_char("名\u{85}"), Some((1, '\u{85}')));
        assert_eq!(forbidden_char("欧阳 明远"), None);
        assert_eq!(forbidden_char(""), None);
    }

    #[test]
    fn paste_is_single_line() {
        assert_eq!(sanitize_paste("  欧阳\r\n明远 \r\n\r\n "), "欧阳 明远");
        assert_eq!(sanitize_paste("a\tb\t\tc"), "a b c");
        assert_eq!(sanitize_paste("a \n  b"), "a b");
        assert_eq!(sanitize_paste("a  b"), "a  b");
        assert_eq!(sanitize_paste("a\x1b[31mb\u{202e}c"), "a[31mbc");
        assert_eq!(sanitize_paste("\r\n\t"), "");
        assert_eq!(forbidden_char(&sanitize_paste("x\u{9b}\u{2066}\ny\u{2029}z")), None);
    }

    #[test]
    fn cjk_truncation() {
        let cases = [
            (0, ""),
            (1, "…"),
            (2, "…"),
            (3, "欧…"),
            (4, "欧…"),
            (5, "欧阳…"),
            (19, "欧阳明远市国土规划…"),
            (20, NAME),
        ];
        for (max, want) in cases {
            let got = truncate_to_width(NAME, max);
            assert_eq!(got, want, "max {max}");
            assert!(width(&got) <= max);
        }
        assert!(matches!(truncate_to_width(NAME, 20), Cow::Borrowed(_)));
    }

    #[test]
    fn ascii_marks_a_cut_with_a_tilde_and_leaves_the_rest_alone() {
        assert_eq!(truncate_marked("欧阳明远", 5, true), "欧阳~");
        assert_eq!(truncate_marked("欧阳明远", 5, false), "欧阳…");
        assert_eq!(truncate_marked("省略号…在中间", 40, true), "省略号…在中间", "stored text is shown as stored");
        assert_eq!(pad_marked("欧阳明远", 6, true), "欧阳~ ");
    }

    #[test]
    fn mixed_truncation_never_exceeds() {
        let s = "abc欧阳d";
        assert_eq!(width(s), 8);
        assert_eq!(truncate_to_width(s, 5), "abc…");
        assert_eq!(truncate_to_width(s, 6), "abc欧…");
        assert_eq!(truncate_to_width(s, 7), "abc欧…");
        assert_eq!(truncate_to_width(s, 8), s);
        assert_eq!(truncate_to_width("ab", 1), "…");
        assert_eq!(truncate_to_width("a", 1), "a");
        for s in [s, "e\u{301}x欧", "👨\u{200d}👩\u{200d}👧 家", "❤\u{fe0f}❤\u{fe0f}a"] {
            for max in 0..=width(s) + 1 {
                assert!(width(&truncate_to_width(s, max)) <= max, "{s:?} {max}");
            }
        }
    }

    #[test]
    fn pad_exact_widths() {
        assert_eq!(pad_to_width("欧阳", 5), "欧阳 ");
        assert_eq!(pad_to_width("欧阳明", 5), "欧阳…");
        assert_eq!(pad_to_width("欧阳明", 4), "欧… ");
        assert_eq!(pad_to_width("ab", 0), "");
        for w in 0..=22 {
            assert_eq!(width(&pad_to_width(NAME, w)), w);
            assert_eq!(width(&pad_to_width("a欧b", w)), w);
        }
    }

    #[test]
    fn invisible_characters_are_named_and_refused() {
        for (c, zh, en) in [
            ('\u{200b}', "零宽空格", "zero width space"),
            ('\u{200c}', "零宽不连字", "zero width non-joiner"),
            ('\u{200d}', "零宽连字", "zero width joiner"),
            ('\u{2060}', "词连接符", "word joiner"),
            ('\u{feff}', "字节顺序标记", "byte order mark"),
            ('\u{ad}', "软连字符", "soft hyphen"),
            ('\u{e0041}', "标签字符", "tag character"),
            ('\u{202e}', "从右至左覆盖", "right-to-left override"),
            ('\u{2066}', "从左至右隔离", "left-to-right isolate"),
        ] {
            let m = refused_char(&format!("邱{c}志远")).unwrap_or_else(|| panic!("{c:?} refused"));
            let code = format!("U+{:04X}", c as u32);
            assert!(m.zh.contains(zh) && m.zh.contains(&code) && m.zh.contains("第 2 个"), "{}", m.zh);
            assert!(m.en.contains(en) && m.en.contains(&code) && m.en.contains("position 2"), "{}", m.en);
            assert!(display_safe(&format!("邱{c}志远")).contains("\\u{"), "shown visibly");
        }
        assert_eq!(refused_char("邱志远 Zhang-Wei 葛\u{e0100}"), None, "variation selectors stay");
        assert!(refused_char("a\x1b").unwrap().en.contains("U+001B"));
    }

    #[test]
    fn normalised_text_is_nfc_and_trimmed_of_every_space() {
        assert_eq!(normalise("\u{3000} 张三\u{3000}\u{a0}"), "张三");
        assert_eq!(normalise("Jose\u{301}"), "José");
        assert!(is_normalised("José") && !is_normalised("Jose\u{301}") && !is_normalised(" 张三"));
        assert_eq!(normalise_name(" 张 三 "), "张三");
        assert_eq!(normalise_name("张\u{3000}\u{3000}三"), "张三");
        assert_eq!(normalise_name("Li   Ming"), "Li Ming");
        assert_eq!(normalise_name("阿依古丽 · 买买提"), "阿依古丽·买买提");
    }

    #[test]
    fn one_identity_whatever_hides_in_the_name() {
        assert_eq!(identity("邱\u{200b}志远"), identity("邱志远"));
        assert_eq!(identity("邱 志远\u{3000}"), identity("邱志远"));
        assert_eq!(identity("Li MING"), identity("li ming"));
        assert_ne!(identity("邱志远"), identity("邱志违"));
    }

    #[test]
    fn paste_drops_invisible_characters() {
        assert_eq!(sanitize_paste("邱\u{200b}志\u{feff}远"), "邱志远");
    }

    #[test]
    fn formula_like_text_is_defused_and_comes_back() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''@x"] {
            let defused = defuse_formula(s);
            assert_eq!(defused, format!("'{s}"), "{s:?}");
            assert_eq!(undo_defuse(&defused), s, "{s:?}");
        }
        for s in ["张三", "1+1", "a=b", "'quoted", ""] {
            assert_eq!(defuse_formula(s), s, "{s:?}");
            assert_eq!(undo_defuse(s), s, "{s:?}");
        }
    }

    #[test]
    fn json_keeps_its_meaning_and_loses_raw_controls() {
        let value = "a\u{202e}b\u{9b}c\u{7f}\x1b";
        let json = serde_json::to_string_pretty(&[value]).unwrap();
        let safe = json_safe(&json);
        assert!(!safe.contains(|c| is_forbidden(c) && c != '\n'), "{safe}");
        assert_eq!(safe.lines().count(), 3, "the layout's line breaks stay");
        let value = &[value];
        assert_eq!(serde_json::from_str::<[String; 1]>(&safe).unwrap(), *value);
        assert!(matches!(json_safe("[\"张三\"]"), Cow::Borrowed(_)));
    }

    #[test]
    fn only_a_terminal_gets_escapes() {
        assert_eq!(Destination::Terminal.shown("a\x1b[2J"), "a\\x1b[2J");
        assert_eq!(Destination::Other.shown("a\x1b[2J"), "a\x1b[2J");
    }

    #[test]
    fn blank() {
        assert!(is_blank(""));
        assert!(is_blank(" \u{3000}\t\u{200b}"));
        assert!(!is_blank(" 欧 "));
    }
}
