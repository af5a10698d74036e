//! Colleagues' saves, live: the loop's watch says the database changed, the store reads what
//! changed and who saved it, and the footer says so in a few words ("张三 saved 2 changes").
//! An open form is left as it is: its save meets the conflict check like any other.

use super::popup::Request;
use super::view::Tone;
use super::{App, Effect};
use crate::lang::Lang;
use crate::store::Saves;

impl App {
    /// The database changed since the last look: read what changed (and who saved it).
    pub(super) fn changed(&mut self) -> Effect {
        if !self.requests.contains(&Request::Live) {
            self.requests.push(Request::Live);
        }
        Effect::Store
    }

    /// Who else saved what: said in the footer, unless it holds the answer to this window's own
    /// last key (saved, refused, undone: that stays until the next key). `R` always says what it
    /// did.
    pub(super) fn colleagues_saved(&mut self, saves: Saves, reload: bool) {
        self.told = self.told.max(saves.upto);
        let who = self.saves_words(&saves);
        let text = match (reload, who) {
            (false, None) => return,
            (false, Some(who)) => who,
            (true, Some(who)) => self.words(
                format!("已重新读取数据库；上次读取后 {who}"),
                format!("Read the database again; since the last look {who}"),
            ),
            (true, None) => self
                .t(
                    "已重新读取数据库；上次读取后没有他人的修改",
                    "Read the database again; nobody else saved anything since",
                )
                .into(),
        };
        let own = self.status.as_ref().is_some_and(|(_, s)| self.cue.as_ref() != Some(s));
        if reload || !own {
            self.cue = (!reload).then(|| text.clone());
            self.status = Some((Tone::Good, text));
        }
    }

    /// "张三 saved 2 changes, 李四 saved 1 change"; `None` when nobody else saved.
    fn saves_words(&self, saves: &Saves) -> Option<String> {
        let each: Vec<String> = saves
            .by
            .iter()
            .map(|(user, rows)| {
                let user = crate::text::display_safe(user);
                match self.opts.lang {
                    Lang::Zh => format!("{user} 保存了 {rows} 处修改"),
                    Lang::En => format!("{user} saved {}", crate::lang::count(*rows, "change", "changes")),
                }
            })
            .collect();
        (!each.is_empty()).then(|| each.join(self.t("；", ", ")))
    }
}
