//! How long an import takes and how long it holds the write lock:
//! `cargo run --release --example import_timing -- DB FILE [--create-units] [--today YYYY-MM-DD]`
//! prints one JSON line: the seconds to read and check the file (`prepare`, no lock held), the
//! seconds of `commit` (the `quick_check` before the lock, then the write transaction), the
//! longest time the write lock was held (`lock_s`: a second connection tries `BEGIN IMMEDIATE`
//! every millisecond meanwhile, as a colleague's save would), the plan's counts and the peak
//! resident memory (`VmHWM`). A colleague's connection meanwhile saves every 50 ms as the
//! program does, waiting for the lock up to its busy timeout: `colleague_wait_s` is its
//! longest wait, `colleague_busy` how many of its saves gave up.
//!
//! `--sheet N OUT.csv` instead writes a sheet of N new cadres, each with one secondment, every
//! name and birth date distinct, for the 100,000-row figure of docs/RELIABILITY.md.

use guazhi::interop::resolve::ImportOptions;
use guazhi::interop::run;
use guazhi::store::{Access, Store};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

/// N lines of distinct people: a name of three or four characters from a counter, a birth date
/// spread over 25 years, units and batches from a small fixed set.
fn write_sheet(n: usize, out: &str) -> std::io::Result<()> {
    const SURNAMES: &[char] = &['赵', '钱', '孙', '李', '周', '吴', '郑', '王', '冯', '陈', '杨', '朱'];
    const GIVEN: &[char] = &['伟', '芳', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '杰', '涛', '明', '超'];
    const HOMES: &[(&str, &str, &str)] = &[
        ("市自然资源局", "市直机关", "市级"),
        ("市人力资源和社会保障局", "市直机关", "市级"),
        ("市财政局", "市直机关", "市级"),
    ];
    const HOSTS: &[(&str, &str, &str)] =
        &[("三水区白坭镇", "镇街", "三水"), ("高明区荷城街道", "镇街", "高明"), ("南海区狮山镇", "镇街", "南海")];
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    f.write_all("\u{feff}".as_bytes())?;
    writeln!(
        f,
        "姓名,性别,出生日期,政治面貌,学历,专业特长,基层工作年限,原单位,原单位类型,原单位所在区,原职务,\
         批次,派出日期,挂职期限（月）,挂职方向,挂职单位,挂职单位类型,挂职单位所在区,挂任职务,开始日期"
    )?;
    for i in 0..n {
        let mut name = String::new();
        name.push(SURNAMES[i % SURNAMES.len()]);
        let mut k = i / SURNAMES.len();
        loop {
            name.push(GIVEN[k % GIVEN.len()]);
            k /= GIVEN.len();
            if k == 0 {
                break;
            }
        }
        let birth = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new((i % 9000) as u64);
        let (home, hk, hd) = HOMES[i % HOMES.len()];
        let (host, tk, td) = HOSTS[i % HOSTS.len()];
        let year = 2018 + i % 8;
        writeln!(
            f,
            "{name},{},{birth},中共党员,大学本科,规划,1,{home},{hk},{hd},科员,{year}年第一批,{year}-04-01,24,下挂,\
             {host},{tk},{td},副镇长,{year}-04-01",
            if i % 3 == 0 { "女" } else { "男" },
        )?;
    }
    f.flush()
}

/// Tries to take the write lock of `db` every millisecond until `stop`; returns the longest
/// span it could not (the lock held by someone else).
fn watch_lock(db: &str, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<f64> {
    let conn = rusqlite::Connection::open(db).expect("open a second connection");
    conn.busy_timeout(Duration::ZERO).expect("no waiting: a busy lock is what is measured");
    std::thread::spawn(move || {
        let (mut held, mut longest): (Option<Instant>, f64) = (None, 0.0);
        loop {
            let stopping = stop.load(Ordering::Relaxed);
            match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK") {
                Ok(()) => {
                    if let Some(since) = held.take() {
                        longest = longest.max(since.elapsed().as_secs_f64());
                    }
                }
                Err(_) => {
                    held.get_or_insert_with(Instant::now);
                }
            }
            if stopping {
                return longest;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    })
}

/// A colleague saving every 50 ms while the import runs, as the program saves: `BEGIN
/// IMMEDIATE` waiting up to the program's busy timeout. Returns the longest wait for the lock
/// and how many saves gave up (found it busy for the whole timeout).
fn colleague_saves(db: &str, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<(f64, u32)> {
    let conn = rusqlite::Connection::open(db).expect("open a colleague's connection");
    conn.busy_timeout(guazhi::store::BUSY_TIMEOUT).expect("the program's busy timeout");
    std::thread::spawn(move || {
        let (mut longest, mut busy) = (0.0f64, 0);
        while !stop.load(Ordering::Relaxed) {
            let started = Instant::now();
            match conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK") {
                Ok(()) => longest = longest.max(started.elapsed().as_secs_f64()),
                Err(_) => busy += 1,
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        (longest, busy)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--sheet") {
        let n: usize = args.get(1).and_then(|s| s.parse().ok()).expect("--sheet N OUT.csv");
        write_sheet(n, args.get(2).expect("--sheet N OUT.csv")).expect("write the sheet");
        return;
    }
    let (Some(db), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: import_timing DB FILE [--create-units] [--today YYYY-MM-DD] | --sheet N OUT.csv");
        std::process::exit(2);
    };
    let create_units = args.iter().any(|a| a == "--create-units");
    let today = args
        .iter()
        .position(|a| a == "--today")
        .and_then(|i| args.get(i + 1))
        .map(|s| guazhi::domain::dates::parse_date(s).expect("--today YYYY-MM-DD"));
    let mut store = Store::open(db.as_ref(), Access::Auto).expect("open database");
    if let Some(today) = today {
        store.pin_today(today);
    }
    let started = Instant::now();
    let prepared = match run::prepare(&store, file.as_ref(), ImportOptions { create_units }) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(4);
        }
    };
    let prepare_s = started.elapsed().as_secs_f64();
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = watch_lock(db, stop.clone());
    let colleague = colleague_saves(db, stop.clone());
    let started = Instant::now();
    let outcome = run::commit(&mut store, &prepared);
    let commit_s = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let lock_s = watcher.join().expect("lock watcher");
    let (colleague_wait_s, colleague_busy) = colleague.join().expect("colleague");
    let round = |s: f64| (s * 1000.0).round() / 1000.0;
    println!(
        "{}",
        serde_json::json!({
            "prepare_s": round(prepare_s),
            "commit_s": round(commit_s),
            "lock_s": round(lock_s),
            "colleague_wait_s": round(colleague_wait_s),
            "colleague_busy": colleague_busy,
            "committed": outcome.is_ok(),
            "error": outcome.err().map(|e| e.to_string()),
            "cadres": prepared.plan.cadres.len(),
            "secondments": prepared.plan.secondments.len(),
            "peak_rss_kb": status_kb("VmHWM:"),
        })
    );
}
