//! The language of the labels and messages: Chinese or English, one per session.

/// Chinese (the department's language) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The text in this language.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Chinese when the first of LC_ALL, LC_MESSAGES, LANG that is set starts with `zh`.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().filter_map(&get).find(|v| !v.is_empty());
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// An I/O error about the file `path`: in English the system's words after the name; `io_error`
/// gives the name and Chinese words.
#[derive(Debug)]
pub struct AtPath {
    pub path: String,
    pub error: std::io::Error,
}

impl std::fmt::Display for AtPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.error)
    }
}

impl std::error::Error for AtPath {}

impl AtPath {
    pub fn error(path: &std::path::Path, error: std::io::Error) -> std::io::Error {
        std::io::Error::new(error.kind(), AtPath { path: path.display().to_string(), error })
    }
}

/// An I/O error in both languages: the system's message is English only, so the Chinese says
/// what kind of failure it is (and the file, when the error names one), with the errno.
pub fn io_error(e: &std::io::Error) -> Message {
    use std::io::ErrorKind::*;
    let (at, inner) = match e.get_ref().and_then(|r| r.downcast_ref::<AtPath>()) {
        Some(a) => (format!("{}：", a.path), &a.error),
        None => (String::new(), e),
    };
    let words = match inner.kind() {
        NotFound => "文件或目录不存在".to_string(),
        PermissionDenied => "没有权限".to_string(),
        AlreadyExists => "文件已存在".to_string(),
        IsADirectory => "这是一个目录，不是文件".to_string(),
        NotADirectory => "路径中有一段不是目录".to_string(),
        StorageFull => "磁盘已满".to_string(),
        ReadOnlyFilesystem => "文件系统只读".to_string(),
        InvalidData => "内容无法读取".to_string(),
        UnexpectedEof => "文件不完整".to_string(),
        _ => match inner.raw_os_error() {
            Some(n) => format!("系统错误（errno {n}）"),
            None => "读写失败".to_string(),
        },
    };
    Message::new(format!("读写出错：{at}{words}"), e.to_string())
}

/// "1 row", "2 rows": an English count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Words in both languages, for messages made where the session's language is not known (the
/// store, the domain rules, import); the language is chosen where they are shown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Message {
    pub zh: String,
    pub en: String,
}

impl Message {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Message {
        Message { zh: zh.into(), en: en.into() }
    }

    /// The words in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn language_follows_the_first_locale_variable_set() {
        assert_eq!(Lang::from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_env(env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_env(env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_TW"), ("LANG", "C")])), Lang::Zh);
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
    }
}
