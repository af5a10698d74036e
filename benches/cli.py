#!/usr/bin/env python3
"""cli.py - the command line's reports and exports, timed at several sizes.

    cargo build --release
    python3 benches/cli.py --sizes 1000,10000,100000,1000000 --runs 5 --out target/bench-data/cli.json

Databases: <dbdir>/guazhi-<N>-v<schema>.db (what `cargo bench` makes in target/bench-data/), or
the files given with --db; a missing size is generated with `<guazhi> sample --cadres N`.

For each database, each command runs --runs times under `/usr/bin/time` (wall time, peak
RSS); the table gives the median wall time with [min-max] and the largest peak RSS:
  stats, check, overdue                  reports to /dev/null (the table format)
  export cadres|reviews csv|xlsx         into a file in a temporary folder, removed after
  sqlite3 GROUP BY                       a hand-written query for the figures `stats` reports,
                                         in the sqlite3 shell (the floor `stats` is held to)
Every command gets --today 2026-11-27. Python 3 standard library only.
"""
import argparse
import glob
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TODAY = "2026-11-27"

# The figures of `guazhi stats`, as someone would write them in the sqlite3 shell: down and up
# by batch and the host's district, the distinct cadres of each batch (count, ages at dispatch,
# non-Party, women), pairs by batch.
STATS_SQL = """
SELECT s.batch_id, s.direction, u.district, count(*)
FROM secondments s LEFT JOIN units u ON u.id = s.host_unit_id
GROUP BY s.batch_id, s.direction, u.district;
SELECT x.batch_id, count(*),
       sum(CAST(substr(b.dispatch_date, 1, 4) AS INTEGER) - CAST(substr(c.birth_date, 1, 4) AS INTEGER)
           - (substr(b.dispatch_date, 6) < substr(c.birth_date, 6))),
       sum(c.political <> 'party'), sum(c.gender = 'f')
FROM (SELECT DISTINCT batch_id, cadre_id FROM secondments) x
JOIN cadres c ON c.id = x.cadre_id JOIN batches b ON b.id = x.batch_id
GROUP BY x.batch_id;
SELECT batch_id, count(*) FROM pairs GROUP BY batch_id;
"""


def commands(guazhi, db, tmp):
    """(name, argv, file it writes or None)."""
    out = []
    for report in ["stats", "check", "overdue"]:
        out.append((report, [guazhi, report, db, "--today", TODAY], None))
    for what in ["cadres", "reviews"]:
        for fmt in ["csv", "xlsx"]:
            path = os.path.join(tmp, f"{what}.{fmt}")
            out.append((f"export {what} {fmt}",
                        [guazhi, "export", db, "--what", what, "--format", fmt, "--out", path, "--today", TODAY],
                        path))
    out.append(("sqlite3 GROUP BY", ["sqlite3", "-readonly", db], None))
    return out


def timed(argv, stdin=None):
    """(wall seconds, peak RSS in MB, exit status, stderr) of one run under /usr/bin/time: its
    peak RSS, the wall time measured here (time(1) rounds to 10 ms)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%M"] + argv, input=stdin,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        # A command that exits non-zero makes time(1) write a line before the figure.
        rss_kb = t.read().strip().splitlines()[-1]
    return wall, int(rss_kb) / 1024, proc.returncode, proc.stderr


def summary(values):
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "n": len(values)}


def database(dbdir, n, guazhi):
    found = sorted(glob.glob(os.path.join(dbdir, f"guazhi-{n}-v*.db")))
    if found:
        return found[-1]
    os.makedirs(dbdir, exist_ok=True)
    partial = os.path.join(dbdir, f"guazhi-{n}.db.partial")
    if os.path.exists(partial):
        os.remove(partial)
    print(f"generating {n} cadres…", file=sys.stderr)
    subprocess.run([guazhi, "sample", "--cadres", str(n), partial], check=True, stdout=subprocess.DEVNULL)
    version = sqlite3.connect(partial).execute("PRAGMA user_version").fetchone()[0]
    path = os.path.join(dbdir, f"guazhi-{n}-v{version}.db")
    os.rename(partial, path)
    return path


def cadres_in(db):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM cadres").fetchone()[0]
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="extra cadres of each generated database")
    ap.add_argument("--db", action="append", default=[], help="a database to measure (instead of --sizes)")
    ap.add_argument("--dbdir", default=os.path.join(ROOT, "target", "bench-data"))
    ap.add_argument("--guazhi", default=os.path.join(ROOT, "target", "release", "guazhi"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", help="comma-separated command names to run (e.g. 'stats,sqlite3 GROUP BY')")
    ap.add_argument("--out", help="write every figure as JSON here")
    args = ap.parse_args()
    if not os.path.exists(args.guazhi):
        raise SystemExit(f"{args.guazhi} is missing: run `cargo build --release` first")
    dbs = args.db or [database(args.dbdir, int(n), args.guazhi) for n in args.sizes.split(",")]
    only = set(args.only.split(",")) if args.only else None
    results = {"nproc": os.cpu_count(), "runs": args.runs, "today": TODAY, "databases": {}}
    for db in dbs:
        label = f"{cadres_in(db):,}"
        per = results["databases"].setdefault(label, {"file": os.path.basename(db)})
        with tempfile.TemporaryDirectory() as tmp:
            for name, argv, written in commands(args.guazhi, db, tmp):
                if only and name not in only:
                    continue
                walls, rss = [], []
                for _ in range(args.runs):
                    stdin = STATS_SQL if name.startswith("sqlite3") else None
                    wall, mb, code, err = timed(argv, stdin)
                    # check exits 1 when it finds errors: still a measurement.
                    if code not in (0, 1):
                        raise SystemExit(f"{name} on {db}: exit {code}\n{err}")
                    walls.append(wall)
                    rss.append(mb)
                    if written and os.path.exists(written):
                        os.remove(written)
                per[name] = {"wall_s": summary(walls), "peak_rss_mb": round(max(rss), 1)}
                print(f"{label:>10} {name:<20} {per[name]['wall_s']['median']:>9.2f} s  "
                      f"{per[name]['peak_rss_mb']:>7.1f} MB", file=sys.stderr)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)
    print_table(results)


def print_table(results):
    labels = list(results["databases"])
    names = [n for n in next(iter(results["databases"].values())) if n != "file"]
    print(f"`nproc` = {results['nproc']}; {results['runs']} runs each; wall time median [min–max], peak RSS.\n")
    print("| command | " + " | ".join(f"{l} cadres" for l in labels) + " |")
    print("|---|" + "---|" * len(labels))
    for name in names:
        cells = []
        for l in labels:
            r = results["databases"][l].get(name)
            if r is None:
                cells.append("")
                continue
            w = r["wall_s"]
            cells.append(f"{fmt(w['median'])} s [{fmt(w['min'])}–{fmt(w['max'])}], {r['peak_rss_mb']:.0f} MB")
        print(f"| {name} | " + " | ".join(cells) + " |")
    stats_ratio = []
    for l in labels:
        r = results["databases"][l]
        if "stats" in r and "sqlite3 GROUP BY" in r:
            stats_ratio.append(f"{l}: {r['stats']['wall_s']['median'] / max(r['sqlite3 GROUP BY']['wall_s']['median'], 0.001):.2f}×")
    if stats_ratio:
        print("\n`stats` ÷ the hand-written GROUP BY (medians): " + ", ".join(stats_ratio))


def fmt(x):
    return f"{x:.3f}" if x < 0.1 else f"{x:.2f}" if x < 10 else f"{x:.1f}"


if __name__ == "__main__":
    main()
