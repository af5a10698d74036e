//! Tab 2, 互派: one row per pair, then the secondments nobody is paired with.

use super::{Align, Cell, ColumnSpec, Columns, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::pairing::pair_rule;
use crate::domain::*;
use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Batch,
    DownName,
    DownRoute,
    UpName,
    UpRoute,
    Mirror,
    Status,
}

impl Columns for Col {
    const ALL: &'static [Col] =
        &[Col::Batch, Col::DownName, Col::DownRoute, Col::UpName, Col::UpRoute, Col::Mirror, Col::Status];

    fn spec(self) -> ColumnSpec {
        use Align::*;
        match self {
            // Issue 13: both names, both host units and the batch whole at 80 columns; a narrow
            // route shows the host, a narrow mirror check its `!`.
            Col::Batch => ColumnSpec::new("批次", "Batch", 12, 12, 1, Left),
            Col::DownName => ColumnSpec::new("下挂干部", "Down cadre", 8, 10, 0, Left),
            Col::DownRoute => ColumnSpec::new("派出 → 挂职", "From → host", 8, 36, 1, Left)
                .short("挂职单位", "Host unit")
                .detail("下挂", "Down")
                .parts(("派出单位", "From unit"), ("挂职单位", "Host unit")),
            Col::UpRoute => ColumnSpec::new("派出 → 挂职", "From → host", 8, 36, 1, Left)
                .short("挂职单位", "Host unit")
                .detail("上挂", "Up")
                .parts(("派出单位", "From unit"), ("挂职单位", "Host unit")),
            Col::UpName => ColumnSpec::new("上挂干部", "Up cadre", 8, 10, 0, Left),
            Col::Mirror => ColumnSpec::new("互派核对", "Mirror", 2, 14, 1, Left).short("核对", "Swap"),
            Col::Status => ColumnSpec::new("状态", "Status", 6, 14, 4, Left),
        }
    }
}

/// What the mirror check of a row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mirror {
    Mirrored,
    NotMirrored,
    Invalid,
    Unpaired,
}

impl Mirror {
    pub fn of(rule: Option<crate::domain::flags::Rule>) -> Mirror {
        match rule {
            None => Mirror::Mirrored,
            Some(crate::domain::flags::Rule::PairNotMirrored) => Mirror::NotMirrored,
            Some(_) => Mirror::Invalid,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Mirror::Mirrored => lang.pick("对应", "mirrored"),
            Mirror::NotMirrored => lang.pick("! 单位不对应", "! not mirrored"),
            Mirror::Invalid => lang.pick("! 无效", "! invalid"),
            Mirror::Unpaired => lang.pick("! 未配对", "! unpaired"),
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            Mirror::Mirrored => Tone::Normal,
            Mirror::Invalid => Tone::Error,
            _ => Tone::Warning,
        }
    }
}

/// The tab's columns, the arrow in ASCII when asked.
pub fn columns(lk: &Lookup) -> Table {
    let mut table = Table::of::<Col>(lk.lang);
    if lk.ascii {
        for c in &mut table.columns {
            if c.label.contains('→') {
                c.label = lk.t("派出 -> 挂职", "From -> host");
            }
        }
    }
    table
}

pub fn build(lk: &Lookup) -> Table {
    let mut table = columns(lk);
    let home = |s: Option<&Secondment>| s.and_then(|s| lk.cadre(s.cadre_id)).map_or(0, |c| c.home_unit_id);
    for p in &lk.data.pairs {
        let down = lk.secondment(p.down_id);
        let up = lk.secondment(p.up_id);
        let rule =
            pair_rule(p.batch_id, down.map(|s| s.term()).as_ref(), up.map(|s| s.term()).as_ref(), home(down), home(up));
        let cells = cells(lk, p.batch_id, down, up, Mirror::of(rule));
        let cadre = down.or(up).map(|s| s.cadre_id);
        let tags = Tags { batch: Some(p.batch_id), district: down.and_then(|d| lk.district(d)), ..Tags::default() };
        table.rows.push(Row { cadre, tags, rec: Some(Rec::Pair(p.id)), ..Row::new(cells) });
    }
    for s in lk.data.secondments.iter().filter(|s| lk.pair_of(s.id).is_none()) {
        let (down, up) = match s.direction {
            Direction::Down => (Some(s), None),
            Direction::Up => (None, Some(s)),
        };
        let cells = cells(lk, s.batch_id, down, up, Mirror::Unpaired);
        let tags = Tags { batch: Some(s.batch_id), district: lk.district(s), ..Tags::default() };
        table.rows.push(Row { cadre: Some(s.cadre_id), tags, rec: Some(Rec::Secondment(s.id)), ..Row::new(cells) });
    }
    table
}

fn cells(lk: &Lookup, batch: Id, down: Option<&Secondment>, up: Option<&Secondment>, mirror: Mirror) -> Vec<Cell> {
    Col::ALL
        .iter()
        .map(|col| match col {
            Col::Batch => {
                let date = lk.batch(batch).map_or(SortKey::Empty, |b| SortKey::Date(b.dispatch_date));
                Cell::text(lk.batch_name(batch)).sorted(date)
            }
            Col::DownName => name(lk, down),
            Col::DownRoute => route(lk, down),
            Col::UpName => name(lk, up),
            Col::UpRoute => route(lk, up),
            Col::Mirror => {
                let warning = usize::from(mirror != Mirror::Mirrored);
                let label = mirror.label(lk.lang);
                let word = label.trim_start_matches(['!', ' ']);
                Cell::text(label).data(word).tone(mirror.tone()).short_head(warning)
            }
            Col::Status => Cell::text(&pair_status(lk.lang, lk.today, down, up)),
        })
        .collect()
}

fn name(lk: &Lookup, s: Option<&Secondment>) -> Cell {
    match s {
        Some(s) => Cell::name(lk.cadre_name(s.cadre_id)),
        None => Cell::text("-").tone(Tone::Muted).sorted(SortKey::Empty),
    }
}

/// "home unit → host unit".
fn route(lk: &Lookup, s: Option<&Secondment>) -> Cell {
    match s {
        Some(s) => {
            let home = lk.cadre(s.cadre_id).map_or("?", |c| lk.unit_name(c.home_unit_id));
            let host = lk.unit_name(s.host_unit_id);
            let cell = Cell::search(&route_text(home, host, lk.arrow()));
            let from = cell.text.len() - crate::text::display_safe(host).len();
            cell.short_tail(from)
        }
        None => Cell::empty(),
    }
}

pub fn route_text(home: &str, host: &str, arrow: &str) -> String {
    format!("{home} {arrow} {host}")
}

/// One word for both sides: the same status, or the first that differs (an early end).
pub fn pair_status<T: Side>(lang: Lang, today: chrono::NaiveDate, down: Option<&T>, up: Option<&T>) -> String {
    let label = |st: SecondmentStatus| lang.pick(st.zh(), st.en());
    match (down.map(|d| d.status(today)), up.map(|u| u.status(today))) {
        (Some(d), Some(u)) if d == u => label(d).to_string(),
        (Some(d), Some(u)) => {
            let early = [(d, down), (u, up)].into_iter().find(|(st, _)| *st == SecondmentStatus::EndedEarly);
            match early.and_then(|(_, s)| s) {
                Some(s) => {
                    let dir = s.direction();
                    let dir = lang.pick(dir.zh(), dir.en());
                    format!(
                        "{}{}{dir}{}",
                        label(SecondmentStatus::EndedEarly),
                        lang.pick("（", " ("),
                        lang.pick("）", ")")
                    )
                }
                None => format!("{} / {}", label(d), label(u)),
            }
        }
        (Some(s), None) | (None, Some(s)) => label(s).to_string(),
        (None, None) => "?".into(),
    }
}

/// What `pair_status` reads of a side: its status and direction.
pub trait Side {
    fn status(&self, today: chrono::NaiveDate) -> SecondmentStatus;
    fn direction(&self) -> Direction;
}

impl Side for Secondment {
    fn status(&self, today: chrono::NaiveDate) -> SecondmentStatus {
        Secondment::status(self, today)
    }
    fn direction(&self) -> Direction {
        self.direction
    }
}

impl Side for crate::domain::term::Term {
    fn status(&self, today: chrono::NaiveDate) -> SecondmentStatus {
        crate::domain::term::Term::status(self, today)
    }
    fn direction(&self) -> Direction {
        self.direction
    }
}
