//! Tab 6, 单位 Units: every unit with what depends on it (who works there, who is hosted
//! there), so a delete that would be refused can be seen coming. The counts are SQL aggregates
//! (`Store::unit_counts`).

use super::{Align, Cell, ColumnSpec, Columns, Rec, Row, SortKey, Table, Tone};
use crate::domain::figures::UnitCounts;
use crate::domain::Unit;
use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Name,
    Kind,
    District,
    Home,
    Hosts,
}

impl Columns for Col {
    const ALL: &'static [Col] = &[Col::Name, Col::Kind, Col::District, Col::Home, Col::Hosts];

    fn spec(self) -> ColumnSpec {
        use Align::*;
        match self {
            Col::Name => ColumnSpec::new("单位", "Unit", 16, 30, 0, Left),
            Col::Kind => ColumnSpec::new("类别", "Kind", 8, 22, 1, Left),
            Col::District => ColumnSpec::new("区", "District", 4, 10, 1, Left),
            Col::Home => ColumnSpec::new("本单位干部", "Home of", 8, 10, 2, Right),
            Col::Hosts => ColumnSpec::new("接收挂职", "Hosts", 8, 10, 2, Right),
        }
    }
}

/// Every unit (by name) with its counts (`None` until counted).
pub fn build(lang: Lang, units: &[(Unit, Option<UnitCounts>)]) -> Table {
    let mut table = Table::of::<Col>(lang);
    for (u, counts) in units {
        let count = |n: Option<usize>| match n {
            None => Cell::text("…").tone(Tone::Muted).sorted(SortKey::Empty),
            Some(0) => Cell::num(0, "0".into()).tone(Tone::Muted),
            Some(n) => Cell::num(n as i64, n.to_string()),
        };
        let cells = Col::ALL
            .iter()
            .map(|col| match col {
                Col::Name => Cell::search(&u.name),
                Col::Kind => Cell::text(lang.pick(u.kind.zh(), u.kind.en())).sorted(SortKey::Num(u.kind as i64)),
                Col::District => {
                    Cell::text(lang.pick(u.district.zh(), u.district.en())).sorted(SortKey::Num(u.district as i64))
                }
                Col::Home => count(counts.map(|c| c.home_cadres)),
                Col::Hosts => count(counts.map(|c| c.hosted_secondments)),
            })
            .collect();
        table.rows.push(Row { rec: Some(Rec::Unit(u.id)), ..Row::new(cells) });
    }
    table
}
