//! The records of the programme. Enums carry a stable `code` (what the database stores) and
//! Chinese and English labels (what people read).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub type Id = i64;

/// Declares a closed set of values with a database code and labels in both languages.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value stored in the database and printed in CSV/JSON.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// Accepts the code, the Chinese label or the English label (case-insensitive).
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| {
                    v.code().eq_ignore_ascii_case(s) || v.zh() == s || v.en().eq_ignore_ascii_case(s)
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded_enum!(Gender {
    Male = "m", "男", "male";
    Female = "f", "女", "female";
});

coded_enum!(
    /// Party member, or one of the kinds of non-Party cadre (党外干部). The labels are the only
    /// ones shown anywhere (lists, dossier, forms), so they fit a list's column.
    Political {
        Party = "party", "中共党员", "CPC member";
        Democratic = "democratic", "民主党派", "dem. party";
        NonParty = "nonparty", "无党派人士", "non-party";
        Masses = "masses", "群众", "masses";
    }
);

impl Political {
    pub fn is_non_party(self) -> bool {
        self != Political::Party
    }
}

coded_enum!(UnitKind {
    CityOrgan = "city_organ", "市直机关", "city organ";
    DistrictOrgan = "district_organ", "区直单位", "district organ";
    Town = "town", "镇街", "town/subdistrict";
    Enterprise = "soe", "国有企业", "state-owned enterprise";
    Institution = "institution", "事业单位", "public institution";
});

impl UnitKind {
    /// Which side of the programme a unit stands on: city organs receive up cadres and send down ones.
    pub fn is_city_organ(self) -> bool {
        self == UnitKind::CityOrgan
    }
}

coded_enum!(District {
    City = "city", "市级", "city level";
    Chancheng = "chancheng", "禅城", "Chancheng";
    Nanhai = "nanhai", "南海", "Nanhai";
    Shunde = "shunde", "顺德", "Shunde";
    Sanshui = "sanshui", "三水", "Sanshui";
    Gaoming = "gaoming", "高明", "Gaoming";
});

impl District {
    /// The five districts without the city level, in `ALL`'s order: where cadres go down to
    /// and come up from, the columns of the batch figures.
    pub fn grassroots() -> impl Iterator<Item = District> {
        District::ALL.iter().copied().filter(|d| *d != District::City)
    }
}

coded_enum!(Direction {
    Down = "down", "下挂", "down";
    Up = "up", "上挂", "up";
});

impl Direction {
    pub fn opposite(self) -> Direction {
        match self {
            Direction::Down => Direction::Up,
            Direction::Up => Direction::Down,
        }
    }
}

coded_enum!(ReviewKind {
    Routine = "routine", "平时考核", "routine";
    Annual = "annual", "年度考核", "annual";
    EndOfTerm = "end_of_term", "期满考察", "end of term";
});

coded_enum!(
    /// Civil-service review grades, best first (the derived order is best < worst).
    Grade {
        Excellent = "excellent", "优秀", "excellent";
        Competent = "competent", "称职", "competent";
        Basic = "basic", "基本称职", "basically competent";
        Incompetent = "incompetent", "不称职", "incompetent";
    }
);

coded_enum!(ReserveStatus {
    Proposed = "proposed", "拟推荐", "proposed";
    Admitted = "admitted", "已入库", "admitted";
    Inspecting = "inspecting", "考察中", "under inspection";
    Appointed = "appointed", "已任用", "appointed";
    Withdrawn = "withdrawn", "已退出", "withdrawn";
});

impl ReserveStatus {
    /// The lifecycle: proposed → admitted → under inspection → appointed, and withdrawn from any open state.
    pub fn can_move_to(self, next: ReserveStatus) -> bool {
        use ReserveStatus::*;
        matches!(
            (self, next),
            (Proposed, Admitted)
                | (Admitted, Inspecting)
                | (Inspecting, Appointed)
                | (Proposed | Admitted | Inspecting, Withdrawn)
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, ReserveStatus::Appointed | ReserveStatus::Withdrawn)
    }
}

coded_enum!(ReserveOrigin {
    Rule = "rule", "期满考察优秀", "excellent end-of-term evaluation";
    Unit = "unit", "单位推荐", "recommended by unit";
    Department = "department", "组织部门提名", "nominated by the department";
});

coded_enum!(
    /// Outcome of one vetting dimension or consultation.
    VetResult {
        Good = "good", "好", "good";
        Fair = "fair", "较好", "fair";
        Concern = "concern", "有问题", "concern";
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub id: Id,
    pub name: String,
    pub kind: UnitKind,
    pub district: District,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub id: Id,
    pub name: String,
    pub dispatch_date: NaiveDate,
    pub term_months: u32,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cadre {
    pub id: Id,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub political: Political,
    pub education: String,
    pub speciality: String,
    /// Years of grassroots (基层) experience before the secondment.
    pub grassroots_years: f64,
    pub home_unit_id: Id,
    pub home_post: String,
    pub archived: bool,
    pub version: i64,
}

impl Cadre {
    /// Age in whole years on `on`.
    pub fn age_on(&self, on: NaiveDate) -> i32 {
        crate::domain::dates::age_on(self.birth_date, on)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Secondment {
    pub id: Id,
    pub cadre_id: Id,
    pub batch_id: Id,
    pub direction: Direction,
    pub host_unit_id: Id,
    pub host_post: String,
    pub start: NaiveDate,
    pub planned_end: NaiveDate,
    pub actual_end: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub version: i64,
}

coded_enum!(SecondmentStatus {
    Planned = "planned", "未开始", "not started";
    Active = "active", "挂职中", "serving";
    Completed = "completed", "期满", "completed";
    EndedEarly = "ended_early", "提前结束", "ended early";
});

impl Secondment {
    /// What the rules read of it.
    pub fn term(&self) -> super::term::Term {
        super::term::Term {
            id: self.id,
            cadre_id: self.cadre_id,
            batch_id: self.batch_id,
            direction: self.direction,
            host_unit_id: self.host_unit_id,
            start: self.start,
            planned_end: self.planned_end,
            actual_end: self.actual_end,
        }
    }

    /// The last day served or to be served.
    pub fn end(&self) -> NaiveDate {
        self.term().end()
    }

    pub fn status(&self, today: NaiveDate) -> SecondmentStatus {
        self.term().status(today)
    }

    /// Of one cadre's secondments in start order: the one being served, else the last one begun,
    /// else the next one planned (`Term::current`).
    pub fn current<'a>(in_start_order: &[&'a Secondment], today: NaiveDate) -> Option<&'a Secondment> {
        let terms: Vec<super::term::Term> = in_start_order.iter().map(|s| s.term()).collect();
        super::term::Term::current(&terms, today).map(|i| in_start_order[i])
    }

    /// The term is over once its last day has passed.
    pub fn term_over(&self, today: NaiveDate) -> bool {
        self.term().term_over(today)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub id: Id,
    pub batch_id: Id,
    pub down_id: Id,
    pub up_id: Id,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub id: Id,
    pub secondment_id: Id,
    pub kind: ReviewKind,
    /// `2017Q2` for routine reviews, `2017` for annual ones, `term` for the end-of-term evaluation.
    pub period: String,
    pub due: NaiveDate,
    pub done: Option<NaiveDate>,
    pub grade: Option<Grade>,
    pub assessor: String,
    pub note: String,
    pub cancelled: bool,
    pub version: i64,
}

/// 考察: vetting before dispatch, like a promotion inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vetting {
    pub id: Id,
    pub secondment_id: Id,
    pub date: NaiveDate,
    pub political: VetResult,
    pub moral: VetResult,
    pub performance: VetResult,
    pub duty: VetResult,
    pub integrity: VetResult,
    /// 纪检 (discipline inspection) consulted, and its opinion.
    pub discipline_opinion: String,
    /// 计生 (family planning) consulted, and its opinion.
    pub family_planning_opinion: String,
    pub conclusion: String,
    pub version: i64,
}

/// Details of the end-of-term evaluation (期满考察) beyond its grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermEvaluation {
    pub id: Id,
    pub secondment_id: Id,
    pub inspectors: String,
    pub talks: u32,
    pub summary: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierNote {
    pub id: Id,
    pub cadre_id: Id,
    pub date: NaiveDate,
    pub author: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReserveNomination {
    pub id: Id,
    pub cadre_id: Id,
    pub secondment_id: Option<Id>,
    pub origin: ReserveOrigin,
    pub status: ReserveStatus,
    pub proposed_on: NaiveDate,
    pub status_on: NaiveDate,
    pub reason: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReserveEvent {
    pub id: Id,
    pub nomination_id: Id,
    pub on: NaiveDate,
    pub from: Option<ReserveStatus>,
    pub to: ReserveStatus,
    pub reason: String,
    pub by: String,
}

/// The review policy, stored in the database so the department can change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub term_months: u32,
    pub due_soon_days: u32,
    /// Routine reviews: one per calendar quarter, due this many days after the quarter ends.
    pub routine_due_days: u32,
    /// Annual reviews: due on this month and day of the following year.
    pub annual_due_month: u32,
    pub annual_due_day: u32,
    /// End-of-term evaluation: due this many days after the (planned or early) end.
    pub end_of_term_due_days: u32,
    pub version: i64,
    /// The youngest and oldest a cadre may be on the day a secondment starts.
    pub min_age: u32,
    pub max_age: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            term_months: 24,
            due_soon_days: 14,
            routine_due_days: 15,
            annual_due_month: 1,
            annual_due_day: 31,
            end_of_term_due_days: 30,
            version: 0,
            min_age: 18,
            max_age: 60,
        }
    }
}
