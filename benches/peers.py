#!/usr/bin/env python3
"""peers.py - guazhi side by side with its peers, on the SAME generated guazhi databases.

    python3 benches/peers.py --sizes 100000,1000000 --runs 5 --out target/bench-data/peers.json \
        --guazhi 'target/release/guazhi --today 2026-11-27 --read-only'

Databases: <dbdir>/guazhi-<N>-v<schema>.db (what `cargo bench` makes in target/bench-data/);
a missing one is generated with `<guazhi binary> sample --cadres N` (build it first:
`cargo build --release`).

Measured, each N times (median [min-max] over runs; per-key figures pooled over runs):
  sqlite3   the sqlite3 shell's LIKE '%...%' over cadre name and home-unit name, a fresh
            process per run with `.timer on` (the floor for a full scan):
              rare    the needle (a name that occurs once, near the end): all rows scanned, 1 hit
              common  '%明%' count(*): all rows scanned, many hits
              page    '%明%' LIMIT 40: stops after a screenful
  visidata  `python3 -m visidata DB +:cadres:name:0` in tuiprobe (120x40): first screen with
            rows, all rows loaded, 20 x `j` (latency, bytes per cursor move), `/`, typing the
            needle (per key), Enter until the needle's row shows; peak RSS, CPU.
  guazhi    the --guazhi command with the DB appended, in the same tuiprobe session shape:
            first screen (--guazhi-ready text), 20 x `j`, `/`, typing the needle (the screens
            filter as you type: per-keystroke search latency), Enter; quit with q. Skipped
            when --guazhi is not given or the program does not start (the screens are new).

tuiprobe: ../shared/tools/tuiprobe/tuiprobe.py beside the repository (or --tuiprobe), with
`pip install pyte`; visidata with `pip install visidata`. HOME for visidata is a scratch folder.
Prints a Markdown table (and the ratios peer / guazhi when guazhi ran); --out keeps everything.
"""
import argparse
import glob
import json
import os
import platform
import re
import shlex
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMON = "明"


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "n": len(values)}


def aggregate(runs):
    """Per-run figures across runs; list figures (one per key) pooled."""
    out = {"runs": runs}
    for k, v in runs[0].items():
        if isinstance(v, (int, float, list)) or v is None:
            vals = [x for r in runs for x in r[k]] if isinstance(v, list) else [r[k] for r in runs]
            out[k] = stats(vals)
    return out


def database(dbdir, n, guazhi_bin):
    found = sorted(glob.glob(os.path.join(dbdir, f"guazhi-{n}-v*.db")))
    if found:
        return found[-1]
    if not os.path.exists(guazhi_bin):
        raise SystemExit(f"{guazhi_bin} is missing: run `cargo build --release` first")
    os.makedirs(dbdir, exist_ok=True)
    partial = os.path.join(dbdir, f"guazhi-{n}.db.partial")
    if os.path.exists(partial):
        os.remove(partial)
    print(f"generating {n} cadres…", file=sys.stderr)
    subprocess.run([guazhi_bin, "sample", "--cadres", str(n), partial], check=True, stdout=subprocess.DEVNULL)
    version = sqlite3.connect(partial).execute("PRAGMA user_version").fetchone()[0]
    path = os.path.join(dbdir, f"guazhi-{n}-v{version}.db")
    os.rename(partial, path)
    return path


def facts(db):
    """The first cadre's name (on the first screen) and the needle: the name of the last cadre
    whose name occurs once, so finding it scans (almost) every row."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    first = conn.execute("SELECT name FROM cadres ORDER BY id LIMIT 1").fetchone()[0]
    needle = conn.execute(
        "SELECT name FROM cadres GROUP BY name HAVING count(*) = 1 ORDER BY max(id) DESC LIMIT 1").fetchone()[0]
    rows = conn.execute("SELECT count(*) FROM cadres").fetchone()[0]
    conn.close()
    return first, needle, rows


def like_sql(term, what):
    where = f"c.name LIKE '%{term}%' OR u.name LIKE '%{term}%'"
    base = "FROM cadres c JOIN units u ON u.id = c.home_unit_id WHERE " + where
    return {"rows": f"SELECT c.id, c.name, u.name {base};",
            "count": f"SELECT count(*) {base};",
            "page": f"SELECT c.id, c.name, u.name {base} LIMIT 40;"}[what]


def sqlite_run(db, sql):
    t = time.monotonic()
    p = subprocess.run(["sqlite3", "-readonly", db], input=".timer on\n" + sql + "\n", capture_output=True,
                       text=True, check=True)
    wall = (time.monotonic() - t) * 1000
    m = re.search(r"Run Time: real ([0-9.]+) user ([0-9.]+) sys ([0-9.]+)", p.stdout + p.stderr)
    return {"query_ms": round(float(m.group(1)) * 1000, 3),
            "query_cpu_ms": round((float(m.group(2)) + float(m.group(3))) * 1000, 3),
            "process_ms": round(wall, 2)}


def probe(tuiprobe, command, script, env, timeout, quit_keys):
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        cmd = [sys.executable, tuiprobe, "--timeout", str(timeout), "--no-screen", "-o", out.name]
        for k, v in env.items():
            cmd += ["--env", f"{k}={v}"]
        for q in quit_keys:
            cmd += ["--quit", q]
        for step in script:
            cmd += ["-e", step]
        cmd += ["--"] + command
        p = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
        if p.returncode:
            raise RuntimeError(f"tuiprobe failed ({p.returncode}):\n{p.stderr[-3000:]}")
        return json.load(out)


def keys(step):
    return step.get("keys", [])


def visidata_run(tuiprobe, db, first, needle, home, timeout):
    script = [f"wait {first}", "gone loading…", "repeat 20 j", "key /", f"type {needle}",
              f"key Enter --until 're:║ {needle}'"]
    r = probe(tuiprobe, [sys.executable, "-m", "visidata", db, "+:cadres:name:0"], script, {"HOME": home},
              timeout, ["C-q"])
    s = r["steps"]
    return {"ready_ms": s[0]["found_ms"], "loaded_ms": s[1]["gone_ms"],
            "move_latency_ms": [k["latency_ms"] for k in keys(s[2])],
            "move_bytes": [k["bytes"] for k in keys(s[2])],
            "slash_latency_ms": keys(s[3])[0]["latency_ms"],
            "type_latency_ms": [k["latency_ms"] for k in keys(s[4])],
            "type_bytes": [k["bytes"] for k in keys(s[4])],
            "search_latency_ms": keys(s[5])[0]["latency_ms"], "search_bytes": keys(s[5])[0]["bytes"],
            "peak_rss_mb": round(r["peak_rss_kb"] / 1024, 1), "cpu_s": r["cpu_s"],
            "total_bytes": r["total_bytes"]}


def guazhi_run(tuiprobe, command, db, ready, needle, timeout):
    # The same session shape as visidata's: first rows, then every record (a large database
    # reads them on a background thread, "reading every record…"), moves, then the search.
    # The screens filter while typing, so each typed character is one search; Enter closes it.
    script = [f"wait {ready}", "gone 're:正在读取全部记录|reading every record'", "repeat 20 j", "key /",
              f"type {needle}", "key Enter"]
    r = probe(tuiprobe, shlex.split(command) + [db], script, {}, timeout, ["q", "C-c"])
    s = r["steps"]
    return {"ready_ms": s[0]["found_ms"], "settled_ms": s[0].get("settled_ms"), "loaded_ms": s[1]["gone_ms"],
            "move_latency_ms": [k["latency_ms"] for k in keys(s[2])],
            "move_bytes": [k["bytes"] for k in keys(s[2])],
            "slash_latency_ms": keys(s[3])[0]["latency_ms"],
            "type_latency_ms": [k["latency_ms"] for k in keys(s[4])],
            "type_bytes": [k["bytes"] for k in keys(s[4])],
            "enter_latency_ms": keys(s[5])[0]["latency_ms"], "enter_bytes": keys(s[5])[0]["bytes"],
            "search_ms": max((k["latency_ms"] or 0 for k in keys(s[4])), default=None),
            "peak_rss_mb": round(r["peak_rss_kb"] / 1024, 1), "cpu_s": r["cpu_s"],
            "total_bytes": r["total_bytes"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000", help="generated cadres per database, comma-separated")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dbdir", default=os.path.join(ROOT, "target", "bench-data"))
    ap.add_argument("--only", default="sqlite,visidata,guazhi")
    ap.add_argument("--tuiprobe", default=os.path.join(ROOT, "..", "shared", "tools", "tuiprobe", "tuiprobe.py"))
    ap.add_argument("--guazhi", help="the screens' command line, the DB is appended, e.g. "
                                     "'target/release/guazhi --today 2026-11-27 --read-only'")
    ap.add_argument("--guazhi-ready", default="re:干部|Cadres", help="text on guazhi's first screen")
    ap.add_argument("--guazhi-bin", default=os.path.join(ROOT, "target", "release", "guazhi"),
                    help="binary used to generate missing databases")
    ap.add_argument("--timeout", type=int, default=300, help="tuiprobe --timeout per wait, seconds")
    ap.add_argument("--out", help="JSON file for every figure")
    ap.add_argument("--table", help="only print the table of an earlier --out JSON file")
    a = ap.parse_args()
    if a.table:
        with open(a.table, encoding="utf-8") as f:
            print(table(json.load(f)))
        return
    only = set(a.only.split(","))
    home = tempfile.mkdtemp(prefix="peers-vd-home-")
    results = {"machine": {"nproc": os.cpu_count(), "platform": platform.platform(),
                           "python": platform.python_version()},
               "runs": a.runs, "guazhi_command": a.guazhi, "sizes": {}}
    for n in (int(s.replace("_", "")) for s in a.sizes.split(",")):
        db = database(a.dbdir, n, a.guazhi_bin)
        first, needle, rows = facts(db)
        res = results["sizes"][n] = {"db": db, "db_bytes": os.path.getsize(db), "cadre_rows": rows,
                                     "needle": needle, "first_row": first}
        res["loadavg_before"] = os.getloadavg()[0]
        print(f"N={n}: {db} ({rows} cadres), needle {needle}", file=sys.stderr)
        if "sqlite" in only:
            for name, sql in [("rare", like_sql(needle, "rows")), ("common", like_sql(COMMON, "count")),
                              ("page", like_sql(COMMON, "page"))]:
                sqlite_run(db, sql)  # warm the page cache
                runs = [sqlite_run(db, sql) for _ in range(a.runs)]
                res[f"sqlite_{name}"] = aggregate(runs)
                print(n, "sqlite", name, res[f"sqlite_{name}"]["query_ms"], file=sys.stderr)
        if "visidata" in only:
            runs = []
            for i in range(a.runs):
                runs.append(visidata_run(a.tuiprobe, db, first, needle, home, a.timeout))
                print(n, "visidata run", i + 1, {k: v for k, v in runs[-1].items() if not isinstance(v, list)},
                      file=sys.stderr)
            res["visidata"] = aggregate(runs)
        if "guazhi" in only and a.guazhi:
            runs = []
            try:
                for i in range(a.runs):
                    runs.append(guazhi_run(a.tuiprobe, a.guazhi, db, a.guazhi_ready, needle, a.timeout))
                    print(n, "guazhi run", i + 1, {k: v for k, v in runs[-1].items() if not isinstance(v, list)},
                          file=sys.stderr)
                res["guazhi"] = aggregate(runs)
            except RuntimeError as e:
                res["guazhi"] = {"skipped": str(e)[-2000:]}
                print(n, "guazhi skipped:", str(e)[-500:], file=sys.stderr)
        elif "guazhi" in only:
            res["guazhi"] = {"skipped": "no --guazhi command given"}
        res["loadavg_after"] = os.getloadavg()[0]
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
    print(table(results))


def fmt(s):
    return "-" if not s or "median" not in s else f"{s['median']:g} [{s['min']:g}–{s['max']:g}]"


def ratio(v, g):
    if not v or not g or "median" not in v or "median" not in g or not g["median"]:
        return "-"
    r = v["median"] / g["median"]
    return f"{r:.0f}×" if r >= 10 else f"{r:.1f}×" if r >= 1 else f"{r:.2g}×"


def table(results):
    rows = [("first screen with rows, ms", "ready_ms", "ready_ms"),
            ("all rows loaded (guazhi: every record searchable), ms", "loaded_ms", "loaded_ms"),
            ("cursor move (j): latency, ms", "move_latency_ms", "move_latency_ms"),
            ("cursor move (j): bytes written", "move_bytes", "move_bytes"),
            ("'/' opens the prompt, ms", "slash_latency_ms", "slash_latency_ms"),
            ("typing the needle: ms per key (guazhi filters on each key)", "type_latency_ms", "type_latency_ms"),
            ("typing the needle: bytes per key", "type_bytes", "type_bytes"),
            ("search to the needle, ms (visidata: Enter; guazhi: slowest key)", "search_latency_ms", "search_ms"),
            ("peak RSS, MB", "peak_rss_mb", "peak_rss_mb"),
            ("CPU s, whole session", "cpu_s", "cpu_s")]
    out = [f"machine: {results['machine']['nproc']} cores; {results['runs']} runs; median [min–max]"]
    for n, res in results["sizes"].items():
        out.append(f"\n### N = {int(n):,} generated cadres ({res['cadre_rows']:,} rows, "
                   f"{res['db_bytes'] / 1e6:.0f} MB, needle {res['needle']}, load average "
                   f"{res['loadavg_before']:.1f} → {res['loadavg_after']:.1f})\n")
        g = res.get("guazhi", {})
        ran = "ready_ms" in g
        out.append("| figure | visidata | guazhi | visidata / guazhi |")
        out.append("|---|---|---|---|")
        for label, vk, gk in rows:
            v = res.get("visidata", {}).get(vk)
            gv = g.get(gk) if ran else None
            out.append(f"| {label} | {fmt(v)} | {fmt(gv)} | {ratio(v, gv)} |")
        if not ran:
            out.append(f"\nguazhi: {g.get('skipped', 'not run')[:300]}")
        out.append("\n| sqlite3 shell, LIKE over cadre name and unit name | query ms | process ms "
                   "| query / guazhi's slowest search key |")
        out.append("|---|---|---|---|")
        for name, label in [("rare", f"'%{res['needle']}%' (1 hit, full scan)"),
                            ("common", f"'%{COMMON}%' count(*) (full scan)"), ("page", f"'%{COMMON}%' LIMIT 40")]:
            q = res.get(f"sqlite_{name}", {})
            gs = g.get("search_ms") if ran else None
            out.append(f"| {label} | {fmt(q.get('query_ms'))} | {fmt(q.get('process_ms'))} "
                       f"| {ratio(q.get('query_ms'), gs)} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
