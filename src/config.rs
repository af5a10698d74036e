//! The settings files: the user's `$XDG_CONFIG_HOME/guazhi/config.toml` (else
//! `~/.config/guazhi/config.toml`) over the server's `/etc/guazhi/config.toml`, setting by
//! setting. They hold `database`, `lang`, `ascii` and a `[keys]` table of remapped keys.
//!
//! The files are read as a spanned TOML document (the `toml` crate) and checked here, key by
//! key, rather than through serde: every problem then gets its own message in both languages
//! and the line it is on, and an unknown key is refused like a bad value.

use crate::app::keys::{KeyMap, Remap};
use crate::lang::{Lang, Message};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The server's settings file, for every account.
pub const SYSTEM_FILE: &str = "/etc/guazhi/config.toml";

/// Where the settings files are looked for. The binary always uses the environment's and
/// `/etc`'s; tests give their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// `None` when neither `XDG_CONFIG_HOME` nor `HOME` says where it is.
    pub user: Option<PathBuf>,
    pub system: PathBuf,
    /// For a `database` written `~/…`.
    pub home: Option<PathBuf>,
}

impl Places {
    /// `$XDG_CONFIG_HOME/guazhi/config.toml` when that is an absolute path (the XDG rule),
    /// else `$HOME/.config/guazhi/config.toml`; and `/etc/guazhi/config.toml`.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Places {
        let absolute = |name: &str| get(name).map(PathBuf::from).filter(|p| p.is_absolute());
        let home = absolute("HOME");
        let config = absolute("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config")));
        Places { user: config.map(|c| c.join("guazhi").join("config.toml")), system: SYSTEM_FILE.into(), home }
    }
}

/// A setting and the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub file: PathBuf,
    pub line: usize,
}

/// What became of one settings file, for the message that says where the database was looked
/// for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Missing,
    NoDatabase,
    Database,
}

/// What the files set: the user's file over the server's.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub database: Option<Setting<PathBuf>>,
    pub lang: Option<Lang>,
    pub ascii: Option<bool>,
    pub keys: KeyMap,
    /// Each file looked at, in the order the database is taken from them (the user's first).
    pub looked: Vec<(PathBuf, Found)>,
}

/// One thing wrong with a settings file: where, and why in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    pub file: PathBuf,
    /// 0 when it is about the whole file (it cannot be read).
    pub line: usize,
    pub message: Message,
}

impl SettingsError {
    /// `FILE, line N: why` or `FILE 第 N 行：why`; display-safe.
    pub fn text(&self, lang: Lang) -> String {
        let file = self.file.display();
        let why = self.message.get(lang);
        let text = match (self.line, lang) {
            (0, Lang::Zh) => format!("{file}：{why}"),
            (0, Lang::En) => format!("{file}: {why}"),
            (n, Lang::Zh) => format!("{file} 第 {n} 行：{why}"),
            (n, Lang::En) => format!("{file}, line {n}: {why}"),
        };
        crate::text::display_safe(&text).into_owned()
    }
}

/// What one file says, before the two are put together.
#[derive(Debug, Default)]
struct FileSettings {
    database: Option<Setting<PathBuf>>,
    lang: Option<Lang>,
    ascii: Option<bool>,
    /// `[keys]` entries in the order they are written, with their lines.
    keys: Vec<(Remap, usize)>,
}

/// Settings files with problems: every one, and the language they set (when the line that
/// sets it is good), so that the problems are told in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub problems: Vec<SettingsError>,
    pub lang: Option<Lang>,
}

/// Reads both files; every problem in them, or the settings. A file that does not exist is
/// no problem.
pub fn load(places: &Places) -> Result<Settings, Broken> {
    let mut settings = Settings::default();
    let mut problems = Vec::new();
    let mut remaps: Vec<Remap> = Vec::new();
    let mut written: Vec<(PathBuf, usize)> = Vec::new();
    // The server's first, so that the user's settings land on top.
    for path in [Some(&places.system), places.user.as_ref()].into_iter().flatten() {
        let (file, mut trouble) = read(path, places.home.as_deref());
        problems.append(&mut trouble);
        let Some(file) = file else {
            settings.looked.push((path.clone(), Found::Missing));
            continue;
        };
        let found = if file.database.is_some() { Found::Database } else { Found::NoDatabase };
        settings.looked.push((path.clone(), found));
        settings.database = file.database.or(settings.database);
        settings.lang = file.lang.or(settings.lang);
        settings.ascii = file.ascii.or(settings.ascii);
        for (remap, line) in file.keys {
            remaps.push(remap);
            written.push((path.clone(), line));
        }
    }
    // The user's file first, as the database is looked for.
    settings.looked.reverse();
    match KeyMap::remapped(&remaps) {
        Ok(keys) => settings.keys = keys,
        Err(errors) => problems.extend(errors.into_iter().map(|e| {
            let (file, line) = written[e.remap].clone();
            SettingsError { file, line, message: e.message }
        })),
    }
    if problems.is_empty() {
        Ok(settings)
    } else {
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(Broken { problems, lang: settings.lang })
    }
}

fn say(zh: impl Into<String>, en: impl Into<String>) -> Message {
    Message::new(zh, en)
}

/// What one file sets (`None` when it does not exist or cannot be read) and its problems;
/// the settings that are good are kept, so that the remaps are checked too.
fn read(path: &Path, home: Option<&Path>) -> (Option<FileSettings>, Vec<SettingsError>) {
    let whole = |message| (None, vec![SettingsError { file: path.to_path_buf(), line: 0, message }]);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (None, Vec::new()),
        Err(e) => return whole(say(format!("无法读取（{e}）"), format!("cannot be read ({e})"))),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return whole(say("不是 UTF-8 文本", "not UTF-8 text"));
    };
    let (settings, problems) = parse(path, &text, home);
    (Some(settings), problems)
}

/// The line a byte offset is on, from 1.
fn line_of(text: &str, span: Range<usize>) -> usize {
    text.as_bytes()[..span.start.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// What kind of TOML value it is, for messages.
fn kind(value: &DeValue) -> (&'static str, &'static str) {
    match value {
        DeValue::String(_) => ("文本", "a string"),
        DeValue::Integer(_) => ("整数", "an integer"),
        DeValue::Float(_) => ("小数", "a number"),
        DeValue::Boolean(_) => ("true/false", "true or false"),
        DeValue::Datetime(_) => ("日期时间", "a date"),
        DeValue::Array(_) => ("列表", "a list"),
        DeValue::Table(_) => ("表", "a table"),
    }
}

/// The settings of one file's text that are good, and the problems; `path` names it in them.
fn parse(path: &Path, text: &str, home: Option<&Path>) -> (FileSettings, Vec<SettingsError>) {
    let mut problems = Vec::new();
    let mut problem = |span: Range<usize>, message| {
        problems.push(SettingsError { file: path.to_path_buf(), line: line_of(text, span), message })
    };
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            // The parser explains in English only: the Chinese message gives the line alone.
            let detail = e.message().trim().to_string();
            problem(e.span().unwrap_or(0..0), say("不是有效的 TOML", format!("not valid TOML ({detail})")));
            return (FileSettings::default(), problems);
        }
    };
    let mut out = FileSettings::default();
    let expected = |key: &str, want: (&str, &str), got: &DeValue| {
        let (got_zh, got_en) = kind(got);
        say(format!("{key} 应为{}，不是{got_zh}", want.0), format!("{key} must be {}, not {got_en}", want.1))
    };
    for (key, value) in doc.get_ref().iter() {
        let (name, span) = (key.get_ref().as_ref(), key.span());
        match (name, value.get_ref()) {
            ("database", DeValue::String(s)) if !s.trim().is_empty() => {
                out.database = Some(Setting {
                    value: database_path(path, s, home),
                    file: path.to_path_buf(),
                    line: line_of(text, span),
                })
            }
            ("database", DeValue::String(_)) => problem(span, say("database 为空", "database is empty")),
            ("database", other) => problem(span, expected("database", ("数据库文件的路径（文本）", "a path"), other)),
            ("lang", DeValue::String(s)) => match <Lang as clap::ValueEnum>::from_str(s, true) {
                Ok(lang) => out.lang = Some(lang),
                Err(_) => problem(
                    span,
                    say(
                        format!("lang 应为 \"zh\" 或 \"en\"，不是“{s}”"),
                        format!("lang must be \"zh\" or \"en\", not '{s}'"),
                    ),
                ),
            },
            ("lang", other) => problem(span, expected("lang", ("\"zh\" 或 \"en\"", "\"zh\" or \"en\""), other)),
            ("ascii", DeValue::Boolean(b)) => out.ascii = Some(*b),
            ("ascii", other) => problem(span, expected("ascii", ("true 或 false", "true or false"), other)),
            ("keys", DeValue::Table(table)) => {
                for (action, keys) in table.iter() {
                    match remap_keys(keys) {
                        Some(list) => out.keys.push((
                            Remap { name: action.get_ref().to_string(), keys: list },
                            line_of(text, action.span()),
                        )),
                        None => problem(
                            action.span(),
                            say(
                                format!(
                                    "{} 的按键应为文本或文本列表（如 \"j\" 或 [\"j\", \"Down\"]）",
                                    action.get_ref()
                                ),
                                format!(
                                    "the keys of {} must be a string or a list of strings (\"j\" or [\"j\", \"Down\"])",
                                    action.get_ref()
                                ),
                            ),
                        ),
                    }
                }
            }
            ("keys", other) => problem(span, expected("keys", ("表 [keys]", "a table [keys]"), other)),
            (other, _) => problem(
                span,
                say(
                    format!("未知的设置“{other}”（可用的设置：database、lang、ascii、[keys]）"),
                    format!("unknown setting '{other}' (the settings: database, lang, ascii, [keys])"),
                ),
            ),
        }
    }
    out.keys.sort_by_key(|(_, line)| *line);
    problems.sort_by_key(|p| p.line);
    (out, problems)
}

/// `"j"` or `["j", "Down"]`.
fn remap_keys(value: &Spanned<DeValue>) -> Option<Vec<String>> {
    match value.get_ref() {
        DeValue::String(s) => Some(vec![s.to_string()]),
        DeValue::Array(items) => items
            .iter()
            .map(|v| match v.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// A `database` as written: `~/` is the home folder, and a relative path is taken from the
/// settings file's folder (not from wherever guazhi happens to be started).
fn database_path(file: &Path, written: &str, home: Option<&Path>) -> PathBuf {
    let written = written.trim();
    if let (Some(rest), Some(home)) = (written.strip_prefix("~/"), home) {
        return home.join(rest);
    }
    let path = PathBuf::from(written);
    if path.is_absolute() {
        return path;
    }
    file.parent().map_or(path.clone(), |dir| dir.join(&path))
}

/// Where the database to open came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    CommandLine,
    Environment,
    File { file: PathBuf, line: usize },
}

impl Source {
    /// `(from GUAZHI_DB)` and the like, for a database that cannot be opened.
    pub fn note(&self) -> Message {
        match self {
            Source::CommandLine => say("", ""),
            Source::Environment => say("（数据库由 GUAZHI_DB 指定）", " (the database GUAZHI_DB names)"),
            Source::File { file, line } => {
                let file = file.display();
                say(
                    format!("（数据库由 {file} 第 {line} 行指定）"),
                    format!(" (the database {file} names on line {line})"),
                )
            }
        }
    }
}

/// The database to open: the command line's, else `GUAZHI_DB` (when not empty), else the
/// settings files' (the user's over the server's). With none, the message says where it
/// looked, in order.
pub fn database(
    arg: Option<PathBuf>,
    env: Option<String>,
    settings: &Settings,
    places: &Places,
) -> Result<(PathBuf, Source), Message> {
    if let Some(path) = arg {
        return Ok((path, Source::CommandLine));
    }
    if let Some(path) = env.filter(|v| !v.is_empty()) {
        return Ok((PathBuf::from(path), Source::Environment));
    }
    if let Some(s) = &settings.database {
        return Ok((s.value.clone(), Source::File { file: s.file.clone(), line: s.line }));
    }
    let (mut zh, mut en) = (
        "没有给出数据库。依次查找了：\n  命令行：没有\n  GUAZHI_DB：未设置\n".to_string(),
        "no database given. Looked, in order, at:\n  the command line: none\n  GUAZHI_DB: not set\n".to_string(),
    );
    if places.user.is_none() {
        zh.push_str("  ~/.config/guazhi/config.toml：XDG_CONFIG_HOME 和 HOME 都未设置\n");
        en.push_str("  ~/.config/guazhi/config.toml: neither XDG_CONFIG_HOME nor HOME is set\n");
    }
    for (path, found) in &settings.looked {
        let path = crate::text::display_safe(&path.display().to_string()).into_owned();
        let (z, e) = match found {
            Found::Missing => ("没有这个文件", "no such file"),
            Found::NoDatabase | Found::Database => ("没有 database 设置", "no database setting"),
        };
        zh.push_str(&format!("  {path}：{z}\n"));
        en.push_str(&format!("  {path}: {e}\n"));
    }
    zh.push_str("请给出数据库：`guazhi 数据库文件`、GUAZHI_DB=数据库文件，或在设置文件里写 database = \"数据库文件\"（见 `man guazhi` 的 FILES 一节）");
    en.push_str("Give one: `guazhi DB`, GUAZHI_DB=DB, or database = \"DB\" in a settings file (`man guazhi`, FILES)");
    Err(Message::new(zh, en))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<FileSettings, Vec<SettingsError>> {
        let (settings, problems) = parse(Path::new("/cfg/config.toml"), text, Some(Path::new("/home/u")));
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(problems)
        }
    }

    #[test]
    fn the_settings_and_their_paths() {
        let f = parsed(
            "database = \"data/g.db\"\nlang = \"zh\"\nascii = true\n[keys]\ndown = [\"n\", \"Down\"]\nquit = \"Q\"\n",
        )
        .unwrap();
        assert_eq!(f.database.unwrap().value, PathBuf::from("/cfg/data/g.db"));
        assert_eq!((f.lang, f.ascii), (Some(Lang::Zh), Some(true)));
        let keys: Vec<(String, usize)> = f.keys.iter().map(|(r, l)| (r.name.clone(), *l)).collect();
        assert_eq!(keys, [("down".to_string(), 5), ("quit".to_string(), 6)]);
        assert_eq!(parsed("database = \"~/g.db\"").unwrap().database.unwrap().value, PathBuf::from("/home/u/g.db"));
        assert_eq!(parsed("database = \"/srv/g.db\"").unwrap().database.unwrap().line, 1);
    }

    #[test]
    fn every_problem_names_its_line_in_both_languages() {
        let e = parsed("# guazhi\nlang = \"fr\"\nascii = \"yes\"\ncolour = 1\n[keys]\nquit = 5\n").unwrap_err();
        let lines: Vec<usize> = e.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3, 4, 6]);
        assert_eq!(e[0].text(Lang::En), "/cfg/config.toml, line 2: lang must be \"zh\" or \"en\", not 'fr'");
        assert_eq!(e[1].text(Lang::En), "/cfg/config.toml, line 3: ascii must be true or false, not a string");
        assert!(
            e[2].text(Lang::Zh).starts_with("/cfg/config.toml 第 4 行：未知的设置“colour”"),
            "{}",
            e[2].text(Lang::Zh)
        );
        let syntax = parsed("lang = \"zh\"\ndatabase = \n").unwrap_err();
        assert_eq!(syntax[0].line, 2);
        assert!(syntax[0].message.zh.starts_with("不是有效的 TOML"));
    }

    #[test]
    fn places_follow_xdg_then_home() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        let p = Places::from_env(env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")]));
        assert_eq!(p.user, Some(PathBuf::from("/x/guazhi/config.toml")));
        assert_eq!(p.system, PathBuf::from("/etc/guazhi/config.toml"));
        // A relative XDG_CONFIG_HOME is ignored, as the XDG rule says.
        let p = Places::from_env(env(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")]));
        assert_eq!(p.user, Some(PathBuf::from("/h/.config/guazhi/config.toml")));
        assert_eq!(Places::from_env(env(&[])).user, None);
    }
}
