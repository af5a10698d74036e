//! The demo roster. The people are fictional; the units, towns, posts and the shape of the
//! first batch (15 down, 15 up, 7 to Sanshui, 4 to Gaoming, average age 33.8, 7 non-Party
//! cadres, 3 women) follow the 2017 report.

use crate::domain::*;
use crate::store::{Result, Writer};
use chrono::{Days, Months, NaiveDate};

use District::*;
use Gender::{Female as F, Male as M};
use Political::{Democratic as Dem, Masses, NonParty as Np, Party as P};
use UnitKind::*;

pub const UNITS: &[(&str, UnitKind, District)] = &[
    ("市国土规划局", CityOrgan, City),
    ("市人力资源和社会保障局", CityOrgan, City),
    ("市发展和改革局", CityOrgan, City),
    ("市财政局", CityOrgan, City),
    ("市科学技术局", CityOrgan, City),
    ("市农业局", CityOrgan, City),
    ("市工商行政管理局", CityOrgan, City),
    ("市人民政府办公室", CityOrgan, City),
    ("市住房和城乡建设管理局", CityOrgan, City),
    ("市环境保护局", CityOrgan, City),
    ("市交通运输局", CityOrgan, City),
    ("市商务局", CityOrgan, City),
    ("市经济和信息化局", CityOrgan, City),
    ("市水务局", CityOrgan, City),
    ("市司法局", CityOrgan, City),
    ("南海区狮山镇", Town, Nanhai),
    ("南海区九江镇", Town, Nanhai),
    ("南海区西樵镇", Town, Nanhai),
    ("禅城区南庄镇", Town, Chancheng),
    ("禅城区张槎街道", Town, Chancheng),
    ("顺德区北滘镇", Town, Shunde),
    ("顺德区陈村镇", Town, Shunde),
    ("顺德区龙江镇", Town, Shunde),
    ("三水区西南街道", Town, Sanshui),
    ("三水区云东海街道", Town, Sanshui),
    ("三水区白坭镇", Town, Sanshui),
    ("三水区乐平镇", Town, Sanshui),
    ("三水区芦苞镇", Town, Sanshui),
    ("三水区大塘镇", Town, Sanshui),
    ("三水区南山镇", Town, Sanshui),
    ("高明区荷城街道", Town, Gaoming),
    ("高明区杨和镇", Town, Gaoming),
    ("高明区明城镇", Town, Gaoming),
    ("高明区更合镇", Town, Gaoming),
    ("南海区国有资产监督管理局", DistrictOrgan, Nanhai),
    ("佛山市公用事业控股有限公司", Enterprise, City),
    ("佛山市城市规划勘测设计研究院（佛山市城乡规划信息中心）", Institution, City),
];

/// One step of a reserve nomination: date, new status, reason.
pub type ReserveStep = &'static [(&'static str, ReserveStatus, &'static str)];

pub struct Person {
    pub name: &'static str,
    pub gender: Gender,
    /// Age in whole years at the batch's dispatch date.
    pub age: u32,
    pub political: Political,
    pub education: &'static str,
    pub speciality: &'static str,
    pub grassroots_years: f64,
    pub home: &'static str,
    pub home_post: &'static str,
    pub host: &'static str,
    pub host_post: &'static str,
    /// A start other than the dispatch date.
    pub start: Option<&'static str>,
    pub ended_early: Option<(&'static str, &'static str)>,
    pub final_grade: Grade,
    /// An annual review (its year) graded 基本称职.
    pub weak_year: Option<&'static str>,
    /// Periods left without a result: overdue in the demo.
    pub overdue: &'static [&'static str],
    pub note: Option<&'static str>,
    pub reserve: Option<ReserveStep>,
}

#[allow(clippy::too_many_arguments)]
const fn person(
    name: &'static str,
    gender: Gender,
    age: u32,
    political: Political,
    speciality: &'static str,
    grassroots_years: f64,
    home: &'static str,
    home_post: &'static str,
    host: &'static str,
    host_post: &'static str,
) -> Person {
    Person {
        name,
        gender,
        age,
        political,
        education: "大学本科",
        speciality,
        grassroots_years,
        home,
        home_post,
        host,
        host_post,
        start: None,
        ended_early: None,
        final_grade: Grade::Competent,
        weak_year: None,
        overdue: &[],
        note: None,
        reserve: None,
    }
}

pub struct PairPlan {
    pub down: Person,
    /// `None`: a secondment left without a partner.
    pub up: Option<Person>,
}

pub struct BatchPlan {
    pub name: &'static str,
    pub dispatch: &'static str,
    pub pairs: &'static [PairPlan],
}

const EXCELLENT: Grade = Grade::Excellent;
const ADMITTED: ReserveStep = &[
    ("2019-05-20", ReserveStatus::Proposed, "期满考察优秀"),
    ("2019-06-15", ReserveStatus::Admitted, "部务会研究同意纳入后备干部库"),
];

pub const BATCHES: &[BatchPlan] = &[
    BatchPlan {
        name: "2017年第一批",
        dispatch: "2017-04-01",
        pairs: &[
            // The report's own example: 三旧改造科科长 down to 狮山镇, a 狮山 cadre up as 副科长.
            PairPlan {
                down: Person {
                    final_grade: EXCELLENT,
                    reserve: Some(&[
                        ("2019-05-20", ReserveStatus::Proposed, "期满考察优秀"),
                        ("2019-06-15", ReserveStatus::Admitted, "部务会研究同意纳入后备干部库"),
                        ("2020-03-10", ReserveStatus::Inspecting, "列入区级领导班子考察对象"),
                        ("2020-06-01", ReserveStatus::Appointed, "任南海区狮山镇副镇长"),
                    ]),
                    education: "硕士研究生",
                    note: Some("牵头狮山镇“三旧”改造项目3个，获镇党委书面表扬"),
                    ..person(
                        "邱志远",
                        M,
                        32,
                        P,
                        "城乡规划",
                        0.5,
                        "市国土规划局",
                        "三旧改造科科长",
                        "南海区狮山镇",
                        "党委委员",
                    )
                },
                up: Some(Person {
                    final_grade: EXCELLENT,
                    reserve: Some(ADMITTED),
                    ..person(
                        "劳海峰",
                        M,
                        35,
                        P,
                        "土地管理",
                        8.0,
                        "南海区狮山镇",
                        "规划建设办副主任",
                        "市国土规划局",
                        "三旧改造科副科长",
                    )
                }),
            },
            PairPlan {
                down: Person {
                    final_grade: EXCELLENT,
                    reserve: Some(ADMITTED),
                    ..person(
                        "梁文博",
                        M,
                        34,
                        P,
                        "人力资源管理",
                        1.0,
                        "市人力资源和社会保障局",
                        "就业促进科副科长",
                        "禅城区南庄镇",
                        "党委委员",
                    )
                },
                up: Some(person(
                    "周立新",
                    M,
                    33,
                    P,
                    "社会保障",
                    6.0,
                    "禅城区南庄镇",
                    "社会事务局科员",
                    "市人力资源和社会保障局",
                    "就业促进科科员",
                )),
            },
            // A Shunde pair that does not mirror: 北滘 receives, 陈村 sends.
            PairPlan {
                down: person(
                    "曾国梁",
                    M,
                    31,
                    Dem,
                    "产业经济",
                    0.0,
                    "市发展和改革局",
                    "产业协调科科员",
                    "顺德区北滘镇",
                    "镇长助理",
                ),
                up: Some(person(
                    "麦浩然",
                    M,
                    36,
                    P,
                    "工业经济",
                    9.0,
                    "顺德区陈村镇",
                    "经济促进局副局长",
                    "市发展和改革局",
                    "产业协调科副科长",
                )),
            },
            PairPlan {
                down: person(
                    "单晓峰",
                    M,
                    35,
                    P,
                    "财政金融",
                    1.5,
                    "市财政局",
                    "预算科副科长",
                    "三水区西南街道",
                    "党工委委员",
                ),
                up: Some(Person {
                    final_grade: EXCELLENT,
                    reserve: Some(&[
                        ("2019-05-20", ReserveStatus::Proposed, "期满考察优秀"),
                        ("2019-09-02", ReserveStatus::Withdrawn, "本人调往省直单位，申请退出"),
                    ]),
                    ..person(
                        "苏慧敏",
                        F,
                        34,
                        P,
                        "会计",
                        7.0,
                        "三水区西南街道",
                        "财政所副所长",
                        "市财政局",
                        "预算科科员",
                    )
                }),
            },
            PairPlan {
                down: Person {
                    final_grade: EXCELLENT,
                    reserve: Some(&[("2019-05-20", ReserveStatus::Proposed, "期满考察优秀")]),
                    education: "博士研究生",
                    ..person(
                        "陈静怡",
                        F,
                        33,
                        P,
                        "科技管理",
                        0.0,
                        "市科学技术局",
                        "高新技术科科员",
                        "三水区云东海街道",
                        "党工委委员",
                    )
                },
                up: Some(person(
                    "莫志强",
                    M,
                    32,
                    P,
                    "工程管理",
                    5.0,
                    "三水区云东海街道",
                    "经济发展办主任科员",
                    "市科学技术局",
                    "高新技术科副科长",
                )),
            },
            PairPlan {
                down: person(
                    "解志明",
                    M,
                    30,
                    P,
                    "农业经济",
                    1.0,
                    "市农业局",
                    "农村经济科科员",
                    "三水区白坭镇",
                    "副镇长",
                ),
                up: Some(Person {
                    political: Dem,
                    ..person(
                        "卢建华",
                        M,
                        38,
                        P,
                        "农业技术推广",
                        10.0,
                        "三水区白坭镇",
                        "农业办副主任",
                        "市农业局",
                        "农村经济科科员",
                    )
                }),
            },
            // Excellent at the end, but one annual review was 基本称职: the rule does not propose.
            PairPlan {
                down: Person {
                    final_grade: EXCELLENT,
                    weak_year: Some("2018"),
                    ..person(
                        "欧阳明远",
                        M,
                        36,
                        Np,
                        "市场监管",
                        0.5,
                        "市工商行政管理局",
                        "市场规范管理科科员",
                        "三水区乐平镇",
                        "党委委员",
                    )
                },
                up: Some(person(
                    "钟伟文",
                    M,
                    31,
                    P,
                    "企业管理",
                    5.0,
                    "三水区乐平镇",
                    "经济办科员",
                    "市工商行政管理局",
                    "市场规范管理科科员",
                )),
            },
            PairPlan {
                down: person(
                    "何俊杰",
                    M,
                    34,
                    P,
                    "行政管理",
                    1.5,
                    "市人民政府办公室",
                    "综合五科副科长",
                    "三水区芦苞镇",
                    "党委委员",
                ),
                up: Some(person(
                    "彭家明",
                    M,
                    35,
                    P,
                    "文秘",
                    6.0,
                    "三水区芦苞镇",
                    "党政办副主任",
                    "市人民政府办公室",
                    "综合五科科员",
                )),
            },
            // Ended early: later reviews cancelled, the end-of-term evaluation moved up.
            PairPlan {
                down: Person {
                    ended_early: Some(("2018-06-30", "因工作需要提前结束挂职，回原单位任职")),
                    ..person(
                        "黄振宇",
                        M,
                        32,
                        P,
                        "建筑工程",
                        1.0,
                        "市住房和城乡建设管理局",
                        "建筑业管理科科员",
                        "三水区大塘镇",
                        "副镇长",
                    )
                },
                up: Some(Person {
                    political: Np,
                    ..person(
                        "叶子健",
                        M,
                        34,
                        P,
                        "城镇建设",
                        7.0,
                        "三水区大塘镇",
                        "规划建设办科员",
                        "市住房和城乡建设管理局",
                        "建筑业管理科副科长",
                    )
                }),
            },
            PairPlan {
                down: person(
                    "罗家辉",
                    M,
                    33,
                    P,
                    "环境工程",
                    0.0,
                    "市环境保护局",
                    "污染防治科科员",
                    "三水区南山镇",
                    "党委委员",
                ),
                up: Some(person(
                    "严国辉",
                    M,
                    36,
                    P,
                    "环境监测",
                    8.0,
                    "三水区南山镇",
                    "环保办科员",
                    "市环境保护局",
                    "污染防治科科员",
                )),
            },
            // Eligible by the rule, no nomination yet: the reserve tab proposes him.
            PairPlan {
                down: Person {
                    final_grade: EXCELLENT,
                    ..person(
                        "谭嘉诚",
                        M,
                        35,
                        P,
                        "交通规划",
                        1.0,
                        "市交通运输局",
                        "规划科副科长",
                        "高明区荷城街道",
                        "党工委委员",
                    )
                },
                up: Some(person(
                    "郭永康",
                    M,
                    33,
                    P,
                    "道路工程",
                    6.0,
                    "高明区荷城街道",
                    "城建办科员",
                    "市交通运输局",
                    "规划科科员",
                )),
            },
            PairPlan {
                down: person(
                    "冯思源",
                    M,
                    31,
                    Dem,
                    "国际贸易",
                    0.5,
                    "市商务局",
                    "外经贸科科员",
                    "高明区杨和镇",
                    "副镇长",
                ),
                up: Some(person(
                    "杜雅琳",
                    F,
                    37,
                    P,
                    "电子商务",
                    9.0,
                    "高明区杨和镇",
                    "经济办副主任",
                    "市商务局",
                    "外经贸科科员",
                )),
            },
            PairPlan {
                down: person(
                    "吴卓然",
                    M,
                    34,
                    P,
                    "信息技术",
                    1.0,
                    "市经济和信息化局",
                    "信息化推进科科员",
                    "高明区明城镇",
                    "党委委员",
                ),
                up: Some(Person {
                    political: Masses,
                    ..person(
                        "骆文涛",
                        M,
                        32,
                        P,
                        "机械制造",
                        5.0,
                        "高明区明城镇",
                        "经济办科员",
                        "市经济和信息化局",
                        "信息化推进科科员",
                    )
                }),
            },
            PairPlan {
                down: person(
                    "区伟健",
                    M,
                    37,
                    P,
                    "水利工程",
                    1.5,
                    "市水务局",
                    "水利工程科科员",
                    "高明区更合镇",
                    "副镇长",
                ),
                up: Some(Person {
                    political: Np,
                    ..person(
                        "曾凡宇",
                        M,
                        34,
                        P,
                        "水利水电",
                        7.0,
                        "高明区更合镇",
                        "水利所副所长",
                        "市水务局",
                        "水利工程科科员",
                    )
                }),
            },
            PairPlan {
                down: person("李卫东", M, 33, P, "法律", 0.0, "市司法局", "基层工作科科员", "南海区九江镇", "党委委员"),
                up: Some(person(
                    "关志豪",
                    M,
                    34,
                    P,
                    "法学",
                    6.0,
                    "南海区九江镇",
                    "司法所科员",
                    "市司法局",
                    "基层工作科科员",
                )),
            },
        ],
    },
    BatchPlan {
        name: "2019年第二批",
        dispatch: "2019-04-01",
        pairs: &[
            PairPlan {
                down: Person {
                    final_grade: EXCELLENT,
                    reserve: Some(&[
                        ("2021-05-18", ReserveStatus::Proposed, "期满考察优秀"),
                        ("2021-06-20", ReserveStatus::Admitted, "纳入后备干部库"),
                    ]),
                    ..person(
                        "张思远",
                        M,
                        30,
                        P,
                        "城市规划",
                        0.0,
                        "市国土规划局",
                        "规划科科员",
                        "南海区西樵镇",
                        "党委委员",
                    )
                },
                up: Some(person(
                    "潘国强",
                    M,
                    35,
                    P,
                    "村镇规划",
                    9.0,
                    "南海区西樵镇",
                    "规划办副主任",
                    "市国土规划局",
                    "规划科科员",
                )),
            },
            PairPlan {
                down: person("林晓彤", F, 29, Dem, "金融", 0.5, "市财政局", "金融科科员", "三水区乐平镇", "党委委员"),
                up: Some(person(
                    "区嘉豪",
                    M,
                    33,
                    P,
                    "财务管理",
                    6.0,
                    "三水区乐平镇",
                    "财政所科员",
                    "市财政局",
                    "金融科科员",
                )),
            },
            PairPlan {
                down: person("单文轩", M, 32, P, "农业经济", 1.0, "市农业局", "产业科科员", "高明区更合镇", "副镇长"),
                up: Some(person(
                    "黎美玲",
                    F,
                    36,
                    P,
                    "畜牧兽医",
                    11.0,
                    "高明区更合镇",
                    "农业办主任",
                    "市农业局",
                    "产业科副科长",
                )),
            },
            PairPlan {
                down: person(
                    "解晓东",
                    M,
                    31,
                    P,
                    "电子信息",
                    0.0,
                    "市经济和信息化局",
                    "电子信息科科员",
                    "顺德区龙江镇",
                    "镇长助理",
                ),
                up: Some(person(
                    "崔永健",
                    M,
                    34,
                    P,
                    "家具制造",
                    7.0,
                    "顺德区龙江镇",
                    "经济促进局科员",
                    "市经济和信息化局",
                    "电子信息科科员",
                )),
            },
        ],
    },
    BatchPlan {
        name: "2021年第三批",
        dispatch: "2021-04-01",
        pairs: &[
            PairPlan {
                down: person(
                    "欧阳婉清",
                    F,
                    30,
                    P,
                    "社会工作",
                    0.5,
                    "市人力资源和社会保障局",
                    "劳动关系科科员",
                    "禅城区张槎街道",
                    "党工委委员",
                ),
                up: Some(person(
                    "冼志刚",
                    M,
                    35,
                    P,
                    "劳动保障",
                    8.0,
                    "禅城区张槎街道",
                    "社会事务局科员",
                    "市人力资源和社会保障局",
                    "劳动关系科科员",
                )),
            },
            PairPlan {
                down: Person {
                    final_grade: EXCELLENT,
                    reserve: Some(&[
                        ("2023-05-16", ReserveStatus::Proposed, "期满考察优秀"),
                        ("2023-06-30", ReserveStatus::Admitted, "纳入后备干部库"),
                        ("2024-09-01", ReserveStatus::Inspecting, "列入考察对象"),
                    ]),
                    ..person(
                        "曾子墨",
                        M,
                        31,
                        P,
                        "环境科学",
                        1.0,
                        "市环境保护局",
                        "生态科科员",
                        "三水区白坭镇",
                        "党委委员",
                    )
                },
                up: Some(person(
                    "何伟光",
                    M,
                    34,
                    P,
                    "环境工程",
                    6.0,
                    "三水区白坭镇",
                    "环保办科员",
                    "市环境保护局",
                    "生态科科员",
                )),
            },
            PairPlan {
                down: person(
                    "邓浩宇",
                    M,
                    32,
                    Np,
                    "交通工程",
                    0.0,
                    "市交通运输局",
                    "综合运输科科员",
                    "高明区杨和镇",
                    "副镇长",
                ),
                up: Some(person(
                    "梁嘉欣",
                    F,
                    33,
                    P,
                    "物流管理",
                    5.0,
                    "高明区杨和镇",
                    "经济办科员",
                    "市交通运输局",
                    "综合运输科科员",
                )),
            },
        ],
    },
    BatchPlan {
        name: "2023年第四批",
        dispatch: "2023-04-01",
        pairs: &[
            PairPlan {
                down: Person {
                    final_grade: EXCELLENT,
                    ..person(
                        "陈俊熙",
                        M,
                        30,
                        P,
                        "软件工程",
                        0.0,
                        "市科学技术局",
                        "成果转化科科员",
                        "三水区南山镇",
                        "党委委员",
                    )
                },
                up: Some(person(
                    "蔡伟权",
                    M,
                    36,
                    P,
                    "机电工程",
                    10.0,
                    "三水区南山镇",
                    "经济办副主任",
                    "市科学技术局",
                    "成果转化科科员",
                )),
            },
            PairPlan {
                down: person("黄诗琪", F, 29, P, "法学", 0.5, "市司法局", "法治督察科科员", "高明区明城镇", "党委委员"),
                up: Some(person(
                    "方志诚",
                    M,
                    33,
                    Dem,
                    "法律",
                    6.0,
                    "高明区明城镇",
                    "司法所副所长",
                    "市司法局",
                    "法治督察科科员",
                )),
            },
            PairPlan {
                down: person("单若愚", M, 31, P, "国际贸易", 1.0, "市商务局", "外资科科员", "顺德区北滘镇", "镇长助理"),
                up: Some(person(
                    "卢晓婷",
                    F,
                    32,
                    P,
                    "商务管理",
                    5.0,
                    "顺德区北滘镇",
                    "经济促进局科员",
                    "市商务局",
                    "外资科科员",
                )),
            },
        ],
    },
    BatchPlan {
        name: "2024年第五批",
        dispatch: "2024-11-01",
        pairs: &[
            PairPlan {
                down: person(
                    "吴文康",
                    M,
                    31,
                    P,
                    "水文水资源",
                    0.5,
                    "市水务局",
                    "河湖管理科科员",
                    "三水区芦苞镇",
                    "党委委员",
                ),
                up: Some(person(
                    "何淑仪",
                    F,
                    34,
                    P,
                    "水利工程",
                    7.0,
                    "三水区芦苞镇",
                    "水利所科员",
                    "市水务局",
                    "河湖管理科科员",
                )),
            },
            // Started three days early: the end-of-term evaluation falls due on the demo's "today".
            PairPlan {
                down: Person {
                    start: Some("2024-10-29"),
                    ..person(
                        "解文杰",
                        M,
                        32,
                        P,
                        "行政管理",
                        1.0,
                        "市人民政府办公室",
                        "督查科科员",
                        "高明区荷城街道",
                        "党工委委员",
                    )
                },
                up: Some(person(
                    "谢振邦",
                    M,
                    35,
                    P,
                    "公共管理",
                    8.0,
                    "高明区荷城街道",
                    "党政办科员",
                    "市人民政府办公室",
                    "督查科科员",
                )),
            },
        ],
    },
    BatchPlan {
        name: "2025年第六批",
        dispatch: "2025-04-01",
        pairs: &[
            PairPlan {
                down: Person {
                    overdue: &["2026Q3"],
                    ..person(
                        "罗思琪",
                        F,
                        30,
                        P,
                        "城乡规划",
                        0.0,
                        "市国土规划局",
                        "用地科科员",
                        "三水区大塘镇",
                        "副镇长",
                    )
                },
                up: Some(person(
                    "江国华",
                    M,
                    37,
                    P,
                    "土地管理",
                    12.0,
                    "三水区大塘镇",
                    "国土所所长",
                    "市国土规划局",
                    "用地科科员",
                )),
            },
            PairPlan {
                down: person(
                    "曾浩南",
                    M,
                    31,
                    Masses,
                    "产业经济",
                    1.0,
                    "市发展和改革局",
                    "规划科科员",
                    "南海区狮山镇",
                    "镇长助理",
                ),
                up: Some(Person {
                    overdue: &["2025", "2026Q3"],
                    ..person(
                        "黄永健",
                        M,
                        34,
                        P,
                        "工业经济",
                        7.0,
                        "南海区狮山镇",
                        "经济促进局科员",
                        "市发展和改革局",
                        "规划科科员",
                    )
                }),
            },
            PairPlan {
                down: person("欧阳俊", M, 29, P, "农业技术", 0.5, "市农业局", "科教科科员", "高明区明城镇", "党委委员"),
                up: Some(person(
                    "梁少芬",
                    F,
                    35,
                    Dem,
                    "农学",
                    9.0,
                    "高明区明城镇",
                    "农业办科员",
                    "市农业局",
                    "科教科科员",
                )),
            },
        ],
    },
    BatchPlan {
        name: "2026年第七批",
        dispatch: "2026-04-01",
        pairs: &[
            // A down cadre with three years of grassroots experience: a policy exception to flag.
            PairPlan {
                down: Person {
                    overdue: &["2026Q3"],
                    ..person(
                        "单志远",
                        M,
                        33,
                        P,
                        "财政金融",
                        3.0,
                        "市财政局",
                        "国库科科员",
                        "三水区云东海街道",
                        "党工委委员",
                    )
                },
                up: Some(person(
                    "伍家乐",
                    M,
                    32,
                    P,
                    "会计",
                    6.0,
                    "三水区云东海街道",
                    "财政所科员",
                    "市财政局",
                    "国库科科员",
                )),
            },
            PairPlan {
                down: person(
                    "杨紫涵",
                    F,
                    28,
                    P,
                    "信息安全",
                    0.0,
                    "市经济和信息化局",
                    "网络安全科科员",
                    "顺德区陈村镇",
                    "镇长助理",
                ),
                up: Some(Person {
                    overdue: &["2026Q3"],
                    ..person(
                        "陆承志",
                        M,
                        36,
                        Np,
                        "智能制造",
                        10.0,
                        "顺德区陈村镇",
                        "经济促进局副局长",
                        "市经济和信息化局",
                        "网络安全科科员",
                    )
                }),
            },
            // No partner yet: listed as unpaired.
            PairPlan {
                down: person(
                    "解雨桐",
                    F,
                    30,
                    P,
                    "公共卫生",
                    0.5,
                    "市人力资源和社会保障局",
                    "职业能力建设科科员",
                    "南海区九江镇",
                    "党委委员",
                ),
                up: None,
            },
        ],
    },
];

/// A birth date that makes the person `age` on `dispatch`; the day varies with the name.
pub fn birth_date(age: u32, dispatch: NaiveDate, name: &str) -> NaiveDate {
    let spread = name.chars().map(u64::from).fold(7u64, |h, c| h.wrapping_mul(31).wrapping_add(c));
    dispatch - Months::new(12 * age) - Days::new(1 + spread % 300)
}

/// Files a nomination and moves it through `steps` (the first is the proposal).
pub fn write_reserve(w: &Writer, cadre: Id, secondment: Id, steps: ReserveStep) -> Result<()> {
    let date = |s: &str| crate::domain::dates::parse_date(s).expect("roster dates are valid");
    let Some(((first_on, _, first_reason), rest)) = steps.split_first() else { return Ok(()) };
    let id = w.nominate(cadre, Some(secondment), ReserveOrigin::Rule, date(first_on), first_reason)?;
    for (version, (on, status, reason)) in rest.iter().enumerate() {
        w.move_nomination(id, version as i64 + 1, *status, date(on), reason)?;
    }
    Ok(())
}
