//! Tab 2, 互派: one row per pair, then the secondments nobody is paired with.

use super::{Align, Cell, Lookup, Rec, Row, SortKey, Table, Tags, Tone};
use crate::domain::pairing::mirrors;
use crate::domain::*;

pub const MIRROR: usize = 5;

pub fn build(lk: &Lookup) -> Table {
    let t = |zh, en| lk.t(zh, en);
    let route = if lk.ascii { t("派出 -> 挂职", "From -> host") } else { t("派出 → 挂职", "From → host") };
    let mut table = Table::new(&[
        (t("批次", "Batch"), 12, 12, 3, Align::Left),
        (t("下挂干部", "Down cadre"), 8, 10, 0, Align::Left),
        (route, 16, 36, 2, Align::Left),
        (t("上挂干部", "Up cadre"), 8, 10, 0, Align::Left),
        (route, 16, 36, 2, Align::Left),
        (t("互派核对", "Mirror"), 12, 14, 1, Align::Left),
        (t("状态", "Status"), 6, 14, 4, Align::Left),
    ]);
    for p in &lk.data.pairs {
        let down = lk.secondment(p.down_id);
        let up = lk.secondment(p.up_id);
        let (check, tone) = match (down, up) {
            (Some(d), Some(u))
                if d.direction == Direction::Down && u.direction == Direction::Up && d.batch_id == u.batch_id =>
            {
                let home = |s: &Secondment| lk.cadre(s.cadre_id).map_or(0, |c| c.home_unit_id);
                if mirrors(d, home(d), u, home(u)) {
                    (t("对应", "mirrored"), Tone::Normal)
                } else {
                    (t("! 单位不对应", "! not mirrored"), Tone::Warning)
                }
            }
            _ => (t("! 无效", "! invalid"), Tone::Error),
        };
        let mut cells = vec![batch_cell(lk, p.batch_id)];
        cells.extend(side(lk, down));
        cells.extend(side(lk, up));
        cells.push(Cell::text(check).tone(tone));
        cells.push(Cell::text(&pair_status(lk, down, up)));
        let cadre = down.or(up).map(|s| s.cadre_id);
        let tags = Tags { batch: Some(p.batch_id), district: down.and_then(|d| lk.district(d)), ..Tags::default() };
        table.rows.push(Row { cadre, tags, rec: Some(Rec::Pair(p.id)), ..Row::new(cells) });
    }
    for s in lk.data.secondments.iter().filter(|s| lk.pair_of(s.id).is_none()) {
        let mut cells = vec![batch_cell(lk, s.batch_id)];
        let (down, up) = match s.direction {
            Direction::Down => (Some(s), None),
            Direction::Up => (None, Some(s)),
        };
        cells.extend(side(lk, down));
        cells.extend(side(lk, up));
        cells.push(Cell::text(t("! 未配对", "! unpaired")).tone(Tone::Warning));
        cells.push(Cell::text(&pair_status(lk, Some(s), None)));
        let tags = Tags { batch: Some(s.batch_id), district: lk.district(s), ..Tags::default() };
        table.rows.push(Row { cadre: Some(s.cadre_id), tags, rec: Some(Rec::Secondment(s.id)), ..Row::new(cells) });
    }
    table
}

fn batch_cell(lk: &Lookup, batch: Id) -> Cell {
    let date = lk.batch(batch).map_or(SortKey::Empty, |b| SortKey::Date(b.dispatch_date));
    Cell::text(lk.batch_name(batch)).sorted(date)
}

/// The cadre's name and "home unit → host unit".
fn side(lk: &Lookup, s: Option<&Secondment>) -> [Cell; 2] {
    match s {
        Some(s) => {
            let home = lk.cadre(s.cadre_id).map_or("?", |c| lk.unit_name(c.home_unit_id));
            let route = format!("{home} {} {}", lk.arrow(), lk.unit_name(s.host_unit_id));
            [Cell::search(lk.cadre_name(s.cadre_id)), Cell::search(&route)]
        }
        None => [Cell::text("-").tone(Tone::Muted).sorted(SortKey::Empty), Cell::empty()],
    }
}

/// One word for both sides: the same status, or the first that differs (an early end).
fn pair_status(lk: &Lookup, down: Option<&Secondment>, up: Option<&Secondment>) -> String {
    let status = |s: &Secondment| s.status(lk.today);
    let label = |st: SecondmentStatus| lk.t(st.zh(), st.en());
    match (down, up) {
        (Some(d), Some(u)) if status(d) == status(u) => label(status(d)).to_string(),
        (Some(d), Some(u)) => {
            let early = [d, u].into_iter().find(|s| status(s) == SecondmentStatus::EndedEarly);
            match early {
                Some(s) => {
                    format!("{}（{}）", label(SecondmentStatus::EndedEarly), lk.t(s.direction.zh(), s.direction.en()))
                }
                None => format!("{} / {}", label(status(d)), label(status(u))),
            }
        }
        (Some(s), None) | (None, Some(s)) => label(status(s)).to_string(),
        (None, None) => "?".into(),
    }
}
