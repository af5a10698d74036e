//! Province-scale generated data for `guazhi sample --cadres N`: N more cadres in the shape of
//! the demo, fast enough for a million (one transaction through [`Store::bulk_load`]).
//!
//! Cadres come in down/up pairs in batches of about 1,000–3,000, dispatched from 2000 to 2026
//! so that the latest batches are serving on [`AS_OF`](super::AS_OF). Every secondment owes the
//! reviews [`owed_reviews`] schedules for its term (an early end cancels the rest through
//! [`reconcile`], as `Writer::end_early` does); reviews due before the day are done with a grade,
//! except about 2% of those of serving cadres, left overdue. One batch of autumn 2024 has late
//! starters whose end-of-term evaluations fall due today or within the next days. About 1% of
//! secondments are unpaired, a few % of pairs do not mirror, about 3% of down cadres have two
//! years or more of grassroots experience (a policy flag), a few % are nominated for the reserve
//! pool by the rule in [`eligibility`]. About 20% women, 25% non-Party cadres, aged 26–45.
//! Deterministic: the same N writes the same rows.

use super::Rng;
use crate::domain::dates::term_end;
use crate::domain::reserve::eligibility;
use crate::domain::schedule::{owed_reviews, reconcile, ScheduleChange};
use crate::domain::*;
use crate::store::{Bulk, BulkCounts, Indexes, NewCadre, Result, Store};
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

use District::*;
use UnitKind::*;

/// Seed of the generator; the demo roster uses its own.
const SEED: u64 = 0x6775_617a_6869_2026;
/// Who the generated dossier notes and reserve events name (as the demo's do).
const AUTHOR: &str = "guazhi-sample";
const ASSESSOR: &str = "市委组织部干部科";
/// The batch whose late starters make due-today and due-soon evaluations on `AS_OF`.
const LATE_BATCH: (i32, u32, u32) = (2024, 10, 21);

/// City organs beyond the demo's, with the sections (科室) their cadres' posts are named after.
const ORGANS: &[(&str, &[&str])] = &[
    ("市国土规划局", &["三旧改造科", "规划科", "用地科", "耕地保护科", "测绘地理信息科"]),
    ("市人力资源和社会保障局", &["就业促进科", "劳动关系科", "职业能力建设科", "社会保险科"]),
    ("市发展和改革局", &["综合五科", "产业协调科", "固定资产投资科", "价格管理科"]),
    ("市财政局", &["预算科", "国库科", "金融科", "农业科", "行政政法科"]),
    ("市科学技术局", &["高新技术科", "成果转化科", "科技合作科"]),
    ("市农业局", &["农村经济科", "种植业管理科", "农田建设科"]),
    ("市工商行政管理局", &["市场规范管理科", "企业登记科", "消费者权益保护科"]),
    ("市人民政府办公室", &["督查科", "综合一科", "应急管理科"]),
    ("市住房和城乡建设管理局", &["建筑业管理科", "房地产市场科", "城市建设科"]),
    ("市环境保护局", &["污染防治科", "生态科", "环境监测科"]),
    ("市交通运输局", &["综合运输科", "公路科", "港航科"]),
    ("市商务局", &["外经贸科", "外资科", "市场体系建设科"]),
    ("市经济和信息化局", &["信息化推进科", "电子信息科", "网络安全科", "技术改造科"]),
    ("市水务局", &["水利工程科", "河湖管理科", "水资源科"]),
    ("市司法局", &["法治督察科", "基层工作科", "行政复议科"]),
    ("市教育局", &["基础教育科", "职业教育科", "发展规划科"]),
    ("市公安局", &["治安管理科", "法制科", "科技信息化科"]),
    ("市民政局", &["社会救助科", "社会组织管理科", "养老服务科"]),
    ("市卫生健康局", &["医政医管科", "疾病预防控制科", "基层卫生健康科"]),
    ("市文化广电旅游体育局", &["公共服务科", "旅游发展科", "文物保护科"]),
    ("市应急管理局", &["风险监测和综合减灾科", "安全生产基础科", "危险化学品安全监督管理科"]),
    ("市市场监督管理局", &["质量发展科", "食品生产安全监督管理科", "特种设备安全监察科"]),
    ("市统计局", &["综合核算科", "工业统计科", "统计执法监督科"]),
    ("市审计局", &["财政审计科", "经济责任审计科", "企业审计科"]),
    ("市城市管理和综合执法局", &["市容环境卫生管理科", "城市照明管理科", "执法督察科"]),
    ("市自然资源局", &["国土空间规划科", "自然资源确权登记科", "矿产资源管理科"]),
    ("市生态环境局", &["大气环境管理科", "水生态环境管理科", "固体废物与化学品科"]),
    ("市国有资产监督管理委员会", &["产权管理科", "企业改革科", "财务监督科"]),
    ("市金融工作局", &["银行保险科", "资本市场科", "地方金融监管科"]),
    ("市退役军人事务局", &["移交安置科", "就业创业科", "优抚科"]),
    ("市医疗保障局", &["待遇保障科", "医药服务管理科", "基金监管科"]),
    ("市政务服务数据管理局", &["数据资源科", "政务服务科", "信息基础设施科"]),
    ("市信访局", &["来访接待科", "督查督办科"]),
    ("市档案局", &["档案接收征集科", "档案利用科"]),
    ("市机关事务管理局", &["公共机构节能科", "资产管理科"]),
    ("市投资促进局", &["招商一科", "招商二科", "项目服务科"]),
    ("市海洋渔业局", &["渔业管理科", "水产养殖科"]),
];
/// Sections every organ has.
const COMMON_SECTIONS: &[&str] = &["办公室", "政策法规科", "人事科", "规划财务科", "综合科", "信息宣传科"];

/// Towns and subdistricts (镇街) beyond the demo's: with them, all 32 of Foshan.
const TOWNS: &[(&str, District)] = &[
    ("禅城区祖庙街道", Chancheng),
    ("禅城区石湾镇街道", Chancheng),
    ("南海区桂城街道", Nanhai),
    ("南海区丹灶镇", Nanhai),
    ("南海区大沥镇", Nanhai),
    ("南海区里水镇", Nanhai),
    ("顺德区大良街道", Shunde),
    ("顺德区容桂街道", Shunde),
    ("顺德区伦教街道", Shunde),
    ("顺德区勒流街道", Shunde),
    ("顺德区均安镇", Shunde),
    ("顺德区杏坛镇", Shunde),
    ("顺德区乐从镇", Shunde),
];

/// Other grassroots units: district organs, state-owned enterprises, public institutions.
const OTHER_GRASSROOTS: &[(&str, UnitKind, District)] = &[
    ("禅城区发展和改革局", DistrictOrgan, Chancheng),
    ("禅城区财政局", DistrictOrgan, Chancheng),
    ("南海区经济促进局", DistrictOrgan, Nanhai),
    ("南海区农业农村局", DistrictOrgan, Nanhai),
    ("顺德区发展和改革局", DistrictOrgan, Shunde),
    ("顺德区经济和科技促进局", DistrictOrgan, Shunde),
    ("三水区财政局", DistrictOrgan, Sanshui),
    ("三水区农业农村局", DistrictOrgan, Sanshui),
    ("高明区发展和改革局", DistrictOrgan, Gaoming),
    ("高明区自然资源局", DistrictOrgan, Gaoming),
    ("佛山市建设发展集团有限公司", Enterprise, City),
    ("佛山市投资控股集团有限公司", Enterprise, City),
    ("佛山市轨道交通发展有限公司", Enterprise, City),
    ("佛山市农业科学研究所", Institution, City),
    ("佛山市公共资源交易中心", Institution, City),
    ("佛山市土地储备中心", Institution, City),
];

/// Town offices (home posts of up cadres) and the ranks each kind of office has.
const TOWN_OFFICES: &[&str] = &[
    "党政办",
    "经济发展办",
    "规划建设办",
    "农业办",
    "环保办",
    "城市管理办",
    "综治办",
    "组织人事办",
    "社会事务局",
    "经济促进局",
    "国土城建和水利局",
    "财政所",
    "司法所",
    "文化站",
];
const OFFICE_RANKS: &[&str] = &["科员", "科员", "副主任", "主任科员", "主任"];
const BUREAU_RANKS: &[&str] = &["科员", "科员", "副局长", "主任科员"];
const STATION_RANKS: &[&str] = &["科员", "副所长", "所长"];
const ORGAN_RANKS: &[&str] = &["科员", "科员", "科员", "副主任科员", "主任科员", "副科长", "副科长", "科长"];
const OTHER_POSTS: &[&str] =
    &["综合科科员", "办公室副主任", "项目管理部主管", "投资发展部副经理", "规划一所工程师", "业务科副科长"];

const SPECIALITIES: &[&str] = &[
    "城乡规划",
    "土地管理",
    "人力资源管理",
    "社会保障",
    "产业经济",
    "工业经济",
    "财政金融",
    "会计",
    "科技管理",
    "工程管理",
    "农业经济",
    "农业技术推广",
    "市场监管",
    "企业管理",
    "行政管理",
    "文秘",
    "建筑工程",
    "城镇建设",
    "环境工程",
    "环境监测",
    "交通运输",
    "国际贸易",
    "电子信息",
    "软件工程",
    "水利工程",
    "法学",
    "审计",
    "统计",
    "公共卫生",
    "教育管理",
    "社会工作",
    "新闻传播",
    "应急管理",
    "数据分析",
];

/// Surnames with rough weights for Guangdong, including heteronyms (曾 单 解 区 仇 查) and
/// compound surnames.
const SURNAMES: &[(&str, u32)] = &[
    ("陈", 120),
    ("李", 70),
    ("黄", 70),
    ("梁", 50),
    ("张", 50),
    ("刘", 40),
    ("何", 40),
    ("林", 40),
    ("罗", 30),
    ("吴", 30),
    ("杨", 30),
    ("邓", 30),
    ("冯", 20),
    ("曾", 20),
    ("谭", 20),
    ("麦", 20),
    ("周", 20),
    ("叶", 20),
    ("郭", 20),
    ("苏", 20),
    ("卢", 20),
    ("潘", 20),
    ("钟", 20),
    ("关", 15),
    ("朱", 15),
    ("徐", 15),
    ("余", 15),
    ("蔡", 15),
    ("郑", 15),
    ("谢", 15),
    ("胡", 15),
    ("廖", 15),
    ("莫", 10),
    ("区", 10),
    ("单", 8),
    ("解", 8),
    ("冼", 8),
    ("岑", 6),
    ("植", 4),
    ("邱", 10),
    ("彭", 10),
    ("严", 8),
    ("劳", 6),
    ("江", 8),
    ("庞", 6),
    ("龙", 6),
    ("仇", 3),
    ("查", 3),
    ("覃", 4),
    ("招", 4),
    ("伍", 8),
    ("赵", 10),
    ("孙", 8),
    ("马", 8),
    ("高", 8),
    ("方", 6),
    ("温", 8),
    ("欧阳", 8),
    ("司徒", 6),
    ("上官", 2),
    ("诸葛", 1),
    ("欧", 4),
];
const GIVEN_MALE: &[&str] = &[
    "伟", "志", "国", "建", "明", "俊", "杰", "浩", "宇", "文", "华", "军", "强", "海", "波", "辉", "斌", "勇", "健",
    "峰", "涛", "鹏", "锋", "雄", "东", "荣", "森", "亮", "嘉", "家", "永", "振", "立", "新", "远", "然", "博", "凯",
    "子", "德", "光", "成", "诚", "耀", "彬", "锦", "添", "冠", "铭", "智", "睿", "晨", "昊", "梓", "泽", "轩", "景",
];
const GIVEN_FEMALE: &[&str] = &[
    "静", "丽", "敏", "婷", "芳", "燕", "玲", "霞", "慧", "雅", "怡", "欣", "娜", "琳", "颖", "婉", "晓", "思", "佩",
    "诗", "淑", "秀", "丹", "雪", "梅", "洁", "萍", "莉", "倩", "彤", "妍", "嘉", "月", "春", "雨", "桐", "文", "家",
];

const EARLY_END_REASONS: &[&str] = &[
    "因工作需要提前结束挂职，回原单位任职",
    "提拔任用，提前结束挂职",
    "因病提前结束挂职",
    "因家庭原因申请提前结束挂职",
    "派出单位工作需要，提前召回",
];
const NOTES: &[&str] = &[
    "牵头挂职单位重点项目3个，获书面表扬",
    "挂职期间撰写调研报告2篇，被采纳1篇",
    "协调解决群众诉求20余件",
    "参与防汛抢险工作，表现突出",
    "因病请假两周，已按规定报备",
    "年中座谈，挂职单位评价较好",
];

/// What the audit row records about a generation.
#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    pub cadres: usize,
    pub seed: u64,
    pub as_of: NaiveDate,
}

/// A unit a generated cadre can come from or go to.
#[derive(Clone, Copy)]
struct Place {
    id: Id,
    name: &'static str,
    kind: UnitKind,
    district: District,
}

struct BatchSpec {
    name: String,
    dispatch: NaiveDate,
    size: usize,
}

/// Adds `cadres` generated cadres (with everything that goes with them) to a store that holds
/// the demo roster, whose units are `demo_units`.
pub fn write(store: &mut Store, cadres: usize, demo_units: &HashMap<&str, Id>, as_of: NaiveDate) -> Result<BulkCounts> {
    let policy = store.policy()?;
    let (_, counts) = store.bulk_load("sample --cadres", Indexes::Rebuild, |bulk| {
        Gen::new(bulk, demo_units, policy, as_of)?.run(bulk, cadres)?;
        Ok(Generated { cadres, seed: SEED, as_of })
    })?;
    Ok(counts)
}

struct Gen {
    rng: Rng,
    policy: Policy,
    as_of: NaiveDate,
    organs: Vec<(Place, &'static [&'static str])>,
    towns: Vec<Place>,
    grassroots: Vec<Place>,
    surname_total: u32,
}

/// The demo's units plus the ones above, as places with ids.
fn places(bulk: &mut Bulk, demo: &HashMap<&str, Id>) -> Result<Vec<Place>> {
    let mut all: Vec<(&'static str, UnitKind, District)> = super::roster::UNITS.to_vec();
    all.extend(ORGANS.iter().map(|(name, _)| (*name, CityOrgan, City)));
    all.extend(TOWNS.iter().map(|(name, district)| (*name, Town, *district)));
    all.extend(OTHER_GRASSROOTS.iter().copied());
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (name, kind, district) in all {
        if !seen.insert(name) {
            continue;
        }
        let id = match demo.get(name) {
            Some(&id) => id,
            None => bulk.unit(name, kind, district)?,
        };
        out.push(Place { id, name, kind, district });
    }
    Ok(out)
}

impl Gen {
    fn new(bulk: &mut Bulk, demo: &HashMap<&str, Id>, policy: Policy, as_of: NaiveDate) -> Result<Gen> {
        let all = places(bulk, demo)?;
        let sections = |name: &str| ORGANS.iter().find(|(n, _)| *n == name).map_or(&[][..], |(_, s)| *s);
        Ok(Gen {
            rng: Rng::new(SEED),
            policy,
            as_of,
            organs: all.iter().filter(|p| p.kind == CityOrgan).map(|p| (*p, sections(p.name))).collect(),
            towns: all.iter().filter(|p| p.kind == Town).copied().collect(),
            grassroots: all.iter().filter(|p| !p.kind.is_city_organ() && p.kind != Town).copied().collect(),
            surname_total: SURNAMES.iter().map(|s| s.1).sum(),
        })
    }

    fn below(&mut self, n: usize) -> usize {
        self.rng.below(n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.rng.below(1000) < per_mille
    }

    fn run(&mut self, bulk: &mut Bulk, cadres: usize) -> Result<()> {
        for spec in self.plan_batches(cadres) {
            let batch = bulk.batch(&spec.name, spec.dispatch, self.policy.term_months)?;
            let mut left = spec.size;
            while left > 0 {
                // About 2% of slots hold one cadre without a partner: ~1% of secondments unpaired.
                if left == 1 || self.chance(20) {
                    let direction = if self.chance(500) { Direction::Down } else { Direction::Up };
                    let (organ, place) = (self.organ(), self.grassroots_place());
                    let (home, host) = if direction == Direction::Down { (organ, place) } else { (place, organ) };
                    self.person(bulk, batch, &spec, direction, home, host)?;
                    left -= 1;
                    continue;
                }
                let organ = self.organ();
                let place = self.grassroots_place();
                // A few pairs do not mirror: the up cadre comes from another unit of the district.
                let up_home = if self.chance(40) { self.neighbour(place) } else { place };
                let down = self.person(bulk, batch, &spec, Direction::Down, organ, place)?;
                let up = self.person(bulk, batch, &spec, Direction::Up, up_home, organ)?;
                bulk.pair(batch, down, up)?;
                left -= 2;
            }
        }
        Ok(())
    }

    /// Batches of 1,000–3,000 cadres (fewer for a small N), dispatched from April 2000 to April
    /// 2026; the one nearest the autumn of 2024 moves to `LATE_BATCH`.
    fn plan_batches(&mut self, cadres: usize) -> Vec<BatchSpec> {
        if cadres == 0 {
            return Vec::new();
        }
        let count = cadres.div_ceil(2000).max(1);
        let weights: Vec<u64> = (0..count).map(|_| 1000 + self.rng.below(2001)).collect();
        let total: u64 = weights.iter().sum();
        let mut sizes = Vec::with_capacity(count);
        let mut cumulative = 0u64;
        let mut given = 0usize;
        for w in &weights {
            cumulative += w;
            let upto = (cumulative as u128 * cadres as u128 / total as u128) as usize;
            sizes.push(upto - given);
            given = upto;
        }
        let first = ymd(2000, 4, 1);
        let span = (ymd(2026, 4, 1) - first).num_days() as u64;
        let late = ymd(LATE_BATCH.0, LATE_BATCH.1, LATE_BATCH.2);
        let mut dates: Vec<NaiveDate> = (0..count as u64)
            .map(|i| {
                let day = first + Days::new(if count > 1 { span * i / (count as u64 - 1) } else { 0 });
                // Dispatch on the 1st, 11th or 21st of a month.
                ymd(day.year(), day.month(), [1, 11, 21][((day.day() - 1) / 10).min(2) as usize])
            })
            .collect();
        // The latest batch stays the serving one; among the others, the nearest moves to LATE_BATCH.
        let candidates = if count > 1 { count - 1 } else { 1 };
        let nearest = (0..candidates).min_by_key(|&i| (dates[i] - late).num_days().abs()).expect("at least one batch");
        dates[nearest] = late;
        dates.sort();
        let mut per_month: HashMap<(i32, u32), usize> = HashMap::new();
        for d in &dates {
            *per_month.entry((d.year(), d.month())).or_default() += 1;
        }
        let mut names = HashSet::new();
        dates
            .into_iter()
            .zip(sizes)
            .map(|(dispatch, size)| {
                let (y, m, d) = (dispatch.year(), dispatch.month(), dispatch.day());
                let mut name =
                    if per_month[&(y, m)] == 1 { format!("{y}年{m}月批") } else { format!("{y}年{m}月{d}日批") };
                while !names.insert(name.clone()) {
                    name.push('+');
                }
                BatchSpec { name, dispatch, size }
            })
            .collect()
    }

    fn organ(&mut self) -> Place {
        let i = self.below(self.organs.len());
        self.organs[i].0
    }

    /// Where a down cadre goes: mostly a town, about two thirds of them in Sanshui and Gaoming.
    fn grassroots_place(&mut self) -> Place {
        if self.chance(150) {
            let i = self.below(self.grassroots.len());
            return self.grassroots[i];
        }
        let district = match self.below(100) {
            0..35 => Sanshui,
            35..65 => Gaoming,
            65..75 => Chancheng,
            75..88 => Nanhai,
            _ => Shunde,
        };
        let n = self.towns.iter().filter(|t| t.district == district).count();
        let k = self.below(n);
        *self.towns.iter().filter(|t| t.district == district).nth(k).expect("every district has towns")
    }

    /// Another unit of the same district as `place`, when there is one.
    fn neighbour(&mut self, place: Place) -> Place {
        let others: Vec<Place> = self
            .towns
            .iter()
            .chain(&self.grassroots)
            .filter(|p| p.district == place.district && p.id != place.id)
            .copied()
            .collect();
        if others.is_empty() {
            place
        } else {
            self.pick(&others)
        }
    }

    fn name(&mut self, gender: Gender) -> String {
        let mut r = self.rng.below(u64::from(self.surname_total)) as u32;
        let surname = SURNAMES
            .iter()
            .find(|(_, w)| {
                if r < *w {
                    return true;
                }
                r -= w;
                false
            })
            .expect("weights cover the range")
            .0;
        let pool = if gender == Gender::Female { GIVEN_FEMALE } else { GIVEN_MALE };
        let compound = surname.chars().count() > 1;
        let given = if self.chance(if compound { 600 } else { 250 }) { 1 } else { 2 };
        let mut name = String::with_capacity(16);
        name.push_str(surname);
        let first = self.pick(pool);
        name.push_str(first);
        if given == 2 {
            // Doubled characters (婷婷) only in some women's names.
            let mut second = self.pick(pool);
            if second == first && (gender == Gender::Male || self.chance(700)) {
                second = self.pick(pool);
            }
            name.push_str(second);
        }
        name
    }

    /// Home post of a cadre of `home`.
    fn home_post(&mut self, home: Place, sections: &[&str]) -> String {
        match home.kind {
            CityOrgan => {
                let section = if self.chance(700) && !sections.is_empty() {
                    self.pick(sections)
                } else {
                    self.pick(COMMON_SECTIONS)
                };
                format!("{section}{}", self.pick(ORGAN_RANKS))
            }
            Town => {
                let office = self.pick(TOWN_OFFICES);
                let ranks = match office.chars().last() {
                    Some('局') => BUREAU_RANKS,
                    Some('所') => STATION_RANKS,
                    _ => OFFICE_RANKS,
                };
                format!("{office}{}", self.pick(ranks))
            }
            _ => self.pick(OTHER_POSTS).to_string(),
        }
    }

    /// Host post: a grassroots leadership post for down cadres, a section post for up ones.
    fn host_post(&mut self, host: Place, sections: &[&str]) -> String {
        let subdistrict = host.name.ends_with("街道");
        match host.kind {
            CityOrgan => {
                let section = if !sections.is_empty() && self.chance(800) {
                    self.pick(sections)
                } else {
                    self.pick(COMMON_SECTIONS)
                };
                format!("{section}{}", if self.chance(300) { "副科长" } else { "科员" })
            }
            Town => match self.below(100) {
                0..45 if subdistrict => "党工委委员",
                0..45 => "党委委员",
                45..75 if subdistrict => "办事处副主任",
                45..75 => "副镇长",
                _ if subdistrict => "办事处主任助理",
                _ => "镇长助理",
            }
            .to_string(),
            DistrictOrgan => if self.chance(500) { "副局长" } else { "局长助理" }.to_string(),
            Enterprise => if self.chance(500) { "副总经理" } else { "总经理助理" }.to_string(),
            Institution => if self.chance(500) { "副主任" } else { "主任助理" }.to_string(),
        }
    }

    fn sections_of(&self, place: Place) -> &'static [&'static str] {
        self.organs.iter().find(|(p, _)| p.id == place.id).map_or(&[], |(_, s)| s)
    }

    /// Writes one cadre, their secondment and its dossier; returns the secondment id.
    fn person(
        &mut self,
        bulk: &mut Bulk,
        batch: Id,
        spec: &BatchSpec,
        direction: Direction,
        home: Place,
        host: Place,
    ) -> Result<Id> {
        let gender = if self.chance(200) { Gender::Female } else { Gender::Male };
        let name = self.name(gender);
        let age = if self.chance(500) { 26 + self.below(20) } else { 28 + self.below(12) } as u32;
        let birth = spec.dispatch - chrono::Months::new(12 * age) - Days::new(1 + self.rng.below(364));
        let political = match self.below(100) {
            0..75 => Political::Party,
            75..85 => Political::Democratic,
            85..93 => Political::NonParty,
            _ => Political::Masses,
        };
        let education = match self.below(100) {
            0..70 => "大学本科",
            70..92 => "硕士研究生",
            92..95 => "博士研究生",
            _ => "大专",
        };
        let grassroots_years = match direction {
            // Under two years, the rule for city-organ cadres; about 3% are exceptions to flag.
            Direction::Down if self.chance(30) => 2.0 + self.below(5) as f64 * 0.5,
            Direction::Down => self.below(4) as f64 * 0.5,
            Direction::Up => 3.0 + self.below(19) as f64 * 0.5,
        }
        // No more than the years since 16 (`plausible::grassroots_years`): a 26-year-old has at most 10.
        .min(f64::from(age.saturating_sub(16)));
        let home_sections = self.sections_of(home);
        let host_sections = self.sections_of(host);
        let cadre = NewCadre {
            name,
            gender,
            birth_date: birth,
            political,
            education: education.into(),
            speciality: self.pick(SPECIALITIES).into(),
            grassroots_years,
            home_unit_id: home.id,
            home_post: self.home_post(home, home_sections),
        };
        let cadre_id = bulk.cadre(&cadre)?;
        // About 10% report late, up to a month after the dispatch date.
        let start = if self.chance(100) { spec.dispatch + Days::new(1 + self.rng.below(30)) } else { spec.dispatch };
        let planned_end = term_end(start, self.policy.term_months);
        let mut secondment = Secondment {
            id: 0,
            cadre_id,
            batch_id: batch,
            direction,
            host_unit_id: host.id,
            host_post: self.host_post(host, host_sections),
            start,
            planned_end,
            actual_end: None,
            end_reason: None,
            version: 1,
        };
        // About 1.5% end early, at least three months in and before today.
        let latest_end = planned_end.min(self.as_of - Days::new(1));
        if self.chance(15) && latest_end > start + Days::new(120) {
            let room = (latest_end - start).num_days() as u64 - 90;
            secondment.actual_end = Some(start + Days::new(90 + self.rng.below(room)));
            secondment.end_reason = Some(self.pick(EARLY_END_REASONS).into());
            secondment.version = 2;
        }
        let secondment_id = bulk.secondment(&secondment)?;
        secondment.id = secondment_id;
        bulk.vetting(&Vetting {
            id: 0,
            secondment_id,
            date: spec.dispatch - Days::new(30),
            political: VetResult::Good,
            moral: VetResult::Good,
            performance: if age < 30 { VetResult::Fair } else { VetResult::Good },
            duty: VetResult::Good,
            integrity: VetResult::Good,
            discipline_opinion: "市纪委：无违纪记录".into(),
            family_planning_opinion: "市卫计局：符合计生政策".into(),
            conclusion: "符合选派条件，同意挂职".into(),
            version: 1,
        })?;
        let reviews = self.reviews(&secondment);
        let mut final_done = None;
        for r in &reviews {
            bulk.review(r)?;
            if r.kind == ReviewKind::EndOfTerm {
                if let (Some(done), Some(grade)) = (r.done, r.grade) {
                    final_done = Some(done);
                    bulk.evaluation(&TermEvaluation {
                        id: 0,
                        secondment_id,
                        inspectors: "干部科考察组（2人）".into(),
                        talks: 8 + self.rng.below(8) as u32,
                        summary: format!("挂职期间表现{}", grade.zh()),
                        version: 1,
                    })?;
                }
            }
        }
        if let Some(done) = final_done {
            if eligibility(&secondment, &reviews, self.as_of).is_eligible() && self.chance(250) {
                self.nominate(bulk, &secondment, done, host)?;
            }
        }
        if self.chance(20) {
            let days = (secondment.end().min(self.as_of) - start).num_days().max(1) as u64;
            bulk.note(&DossierNote {
                id: 0,
                cadre_id,
                date: start + Days::new(self.rng.below(days)),
                author: AUTHOR.into(),
                text: self.pick(NOTES).into(),
            })?;
        }
        Ok(secondment_id)
    }

    /// The reviews `s` owes (as `Writer::add_secondment` and `end_early` schedule them), with
    /// results recorded for those due before today but about 2% of the serving cadres'.
    fn reviews(&mut self, s: &Secondment) -> Vec<Review> {
        let mut reviews: Vec<Review> = owed_reviews(s.start, s.planned_end, &self.policy)
            .into_iter()
            .enumerate()
            .map(|(i, p)| p.open(i as Id, s.id))
            .collect();
        if let Some(end) = s.actual_end {
            for change in reconcile(&reviews, &owed_reviews(s.start, end, &self.policy)) {
                match change {
                    ScheduleChange::Cancel { id } => {
                        reviews[id as usize].cancelled = true;
                        reviews[id as usize].version += 1;
                    }
                    ScheduleChange::Reschedule { id, due } => {
                        reviews[id as usize].due = due;
                        reviews[id as usize].version += 1;
                    }
                    ScheduleChange::Insert(p) => reviews.push(p.open(reviews.len() as Id, s.id)),
                }
            }
        }
        let serving = s.status(self.as_of) == SecondmentStatus::Active;
        for r in &mut reviews {
            if r.cancelled || r.due >= self.as_of || (serving && self.rng.below(100) < 2) {
                continue;
            }
            let grade = match r.kind {
                ReviewKind::EndOfTerm => match self.below(1000) {
                    0..200 => Grade::Excellent,
                    200..985 => Grade::Competent,
                    _ => Grade::Basic,
                },
                ReviewKind::Annual => match self.below(1000) {
                    0..250 => Grade::Excellent,
                    250..980 => Grade::Competent,
                    980..998 => Grade::Basic,
                    _ => Grade::Incompetent,
                },
                ReviewKind::Routine if self.chance(250) => Grade::Excellent,
                ReviewKind::Routine => Grade::Competent,
            };
            r.done = Some(r.due - Days::new(self.rng.below(12)));
            r.grade = Some(grade);
            r.assessor = ASSESSOR.into();
            r.version += 1;
        }
        reviews
    }

    /// A reserve nomination by the rule, moved along its lifecycle up to today.
    fn nominate(&mut self, bulk: &mut Bulk, s: &Secondment, evaluated: NaiveDate, host: Place) -> Result<()> {
        use ReserveStatus::*;
        let proposed = evaluated + Days::new(10 + self.rng.below(30));
        if proposed > self.as_of {
            return Ok(());
        }
        let target = match self.below(100) {
            0..15 => Proposed,
            15..55 => Admitted,
            55..65 => Inspecting,
            65..85 => Appointed,
            _ => Withdrawn,
        };
        let path: &[ReserveStatus] = match target {
            Proposed => &[],
            Admitted => &[Admitted],
            Inspecting => &[Admitted, Inspecting],
            Appointed => &[Admitted, Inspecting, Appointed],
            Withdrawn => [&[Withdrawn][..], &[Admitted, Withdrawn], &[Admitted, Inspecting, Withdrawn]][self.below(3)],
        };
        let mut steps = vec![(proposed, None, Proposed, "期满考察优秀".to_string())];
        let mut on = proposed;
        for &to in path {
            on = on + Days::new(20 + self.rng.below(160));
            if on > self.as_of {
                break;
            }
            let reason = match to {
                Admitted => "部务会研究同意纳入后备干部库".to_string(),
                Inspecting => "列入领导班子考察对象".to_string(),
                Appointed => format!("任{}{}", host.name, if host.kind == Town { "副镇长" } else { "副职" }),
                _ => self
                    .pick(&["本人调往省直单位，申请退出", "年度考核结果不符合要求，退出", "因个人原因申请退出"])
                    .to_string(),
            };
            steps.push((on, Some(steps.last().expect("proposed first").2), to, reason));
        }
        let (last_on, _, last_status, last_reason) = steps.last().cloned().expect("proposed first");
        let nomination = bulk.nomination(&ReserveNomination {
            id: 0,
            cadre_id: s.cadre_id,
            secondment_id: Some(s.id),
            origin: ReserveOrigin::Rule,
            status: last_status,
            proposed_on: proposed,
            status_on: last_on,
            reason: last_reason,
            version: steps.len() as i64,
        })?;
        for (on, from, to, reason) in steps {
            bulk.event(&ReserveEvent { id: 0, nomination_id: nomination, on, from, to, reason, by: AUTHOR.into() })?;
        }
        Ok(())
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid generator date")
}
