//! Tab 6, 单位 Units: every unit with what depends on it (who works there, who is hosted
//! there), so a delete that would be refused can be seen coming.

use super::{Align, Cell, Lookup, Rec, Row, SortKey, Table, Tone};
use std::collections::HashMap;

pub const NAME: usize = 0;

pub fn build(lk: &Lookup) -> Table {
    let t = |zh, en| lk.t(zh, en);
    let mut table = Table::new(&[
        (t("单位", "Unit"), 16, 30, 0, Align::Left),
        (t("类别", "Kind"), 8, 22, 1, Align::Left),
        (t("区", "District"), 4, 10, 1, Align::Left),
        (t("本单位干部", "Home of"), 8, 10, 2, Align::Right),
        (t("接收挂职", "Hosts"), 8, 10, 2, Align::Right),
    ]);
    let mut home: HashMap<i64, usize> = HashMap::new();
    let mut hosted: HashMap<i64, usize> = HashMap::new();
    for c in &lk.data.cadres {
        *home.entry(c.home_unit_id).or_default() += 1;
    }
    for s in &lk.data.secondments {
        *hosted.entry(s.host_unit_id).or_default() += 1;
    }
    for u in &lk.data.units {
        let count = |m: &HashMap<i64, usize>| {
            let n = m.get(&u.id).copied().unwrap_or(0);
            let cell = Cell::num(n as i64, n.to_string());
            if n == 0 {
                cell.tone(Tone::Muted)
            } else {
                cell
            }
        };
        let cells = vec![
            Cell::search(&u.name),
            Cell::text(t(u.kind.zh(), u.kind.en())).sorted(SortKey::Num(u.kind as i64)),
            Cell::text(t(u.district.zh(), u.district.en())).sorted(SortKey::Num(u.district as i64)),
            count(&home),
            count(&hosted),
        ];
        table.rows.push(Row { rec: Some(Rec::Unit(u.id)), ..Row::new(cells) });
    }
    table
}
