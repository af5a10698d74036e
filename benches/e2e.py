#!/usr/bin/env python3
"""e2e.py - the real `guazhi` binary in a pseudo-terminal, measured as its user feels it.

    cargo build --release
    python3 benches/e2e.py --runs 5 --out target/bench-data/e2e.json \
        sample.db target/bench-data/guazhi-10000-v2.db
    python3 benches/e2e.py --quick          # CI: one run on sample.db, budgets checked, seconds

For each database, --runs times, a fresh process of

    target/release/guazhi --today 2026-11-27 --read-only --lang zh DB

at 120x40 (TERM=xterm-256color) goes through one session:

  1. first frame: launch until the Cadres list shows rows (the column header 姓名 with a
     filled row under it; --ready), then until the screen is quiet;
  2. cursor moves: `j` --moves times, each measured alone (latency, bytes written);
  3. search, Latin: `/`, then --latin (default `zhang`) one key at a time (the list filters on
     every key: per-keystroke latency and bytes), Esc;
  4. search, Chinese: `/`, then --cjk (default 张) one character per key, Esc;
  5. idle: once nothing has been written for 500 ms, a --idle-ms window (default 2000 ms) in
     which nothing is pressed: bytes written (should be 0), CPU time of all the program's
     threads (from /proc/PID/task/*/schedstat, nanoseconds; should be ~0) and wake-ups
     (context switches; 0 when the date is pinned with --today);
  6. `q`; peak RSS (VmHWM sampled every 100 ms, and ru_maxrss at exit) and CPU of the session.

Figures are median [min-max]: over runs for per-run figures (first frame, RSS, idle), pooled
over every key of every run for per-key figures (cursor moves, search keys). "Slowest key"
is each run's slowest search key, then median [min-max] over runs.

The probe is tuiprobe (../shared/tools/tuiprobe/tuiprobe.py beside the repository, or
--tuiprobe; `pip install pyte`). It is imported, not run as a command, so the idle window can
read the program's CPU counters while the session is open; its `Session` and `run_script` do
the pty, the pyte screen and the per-key measuring (see its README for what "latency" and
"quiet" mean).

--check fails (exit 1) when a deterministic budget is broken: the median bytes per cursor move
above --max-move-bytes (400, issue 7), or any byte written while idle. Times are reported, not
checked: they depend on the machine. --quick = one run, sample.db only, --check.

Prints a Markdown table; --out keeps every figure of every run as JSON.
"""
import argparse
import glob
import json
import os
import platform
import sqlite3
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TUIPROBE = os.path.join(ROOT, "..", "shared", "tools", "tuiprobe", "tuiprobe.py")
# The Cadres tab with rows: its column header line, and right under it a row whose first
# character (after the border and the selection gutter) is not blank. An empty list ("没有记录")
# or a loading screen with only the header does not match.
DEFAULT_READY = r"re:(姓名|Name)[^\n]*\n[│|][ ▸>]?[^\s│|]"


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "n": len(values)}


def load_probe(path):
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise SystemExit(f"tuiprobe not found at {path} (give --tuiprobe)")
    sys.path.insert(0, os.path.dirname(path))
    try:
        import tuiprobe  # noqa: E402 (needs pyte)
    except ImportError as e:
        raise SystemExit(f"cannot import tuiprobe: {e} (pip install pyte)")
    return tuiprobe


LOADING = "re:正在读取全部记录|reading every record"


def step(line, verb, args, until=None):
    """One tuiprobe step, already split (no shell quoting to get wrong)."""
    return ("e2e", line, verb, args, until)


def threads_counters(pid):
    """(CPU ns on all live threads, context switches of all live threads, CPU ticks of the
    whole process including exited threads)."""
    ns = switches = 0
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(f"{task}/schedstat") as f:
                ns += int(f.read().split()[0])
            with open(f"{task}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass  # a thread that just ended
    ticks = None
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, ValueError, IndexError):
        pass
    return ns, switches, ticks


def idle_window(tp, sess, ms):
    """Nothing pressed for `ms`: what the program writes and spends meanwhile."""
    ns0, sw0, t0 = threads_counters(sess.pid)
    bytes0, start = sess.total, time.monotonic()
    end = start + ms / 1000
    while time.monotonic() < end and sess.alive:
        sess.read(end - time.monotonic())
    ns1, sw1, t1 = threads_counters(sess.pid)
    hz = os.sysconf("SC_CLK_TCK")
    return {"idle_ms": round((time.monotonic() - start) * 1000, 1),
            "idle_bytes": sess.total - bytes0,
            "idle_cpu_ms": round((ns1 - ns0) / 1e6, 3),
            "idle_cpu_ticks_ms": round((t1 - t0) * 1000 / hz, 1) if t0 is not None and t1 is not None else None,
            "idle_wakeups": sw1 - sw0}


def one_run(tp, command, a):
    cols, rows = (int(v) for v in a.size.lower().split("x"))
    latin, cjk = a.latin, a.cjk
    # A large database shows its first rows at once and reads every record on a background
    # thread ("reading every record…" in the list's title); search is measured after that.
    steps = [step(f"wait {a.ready}", "wait", [a.ready]),
             step(f"gone {LOADING}", "gone", [LOADING]),
             step(f"repeat {a.moves} j", "repeat", [str(a.moves), "j"]),
             step("key /", "key", ["/"]),
             step(f"type {latin}", "type", [latin]),
             step("key Esc", "key", ["Esc"]),
             step("key /", "key", ["/"]),
             step(f"type {cjk}", "type", [cjk]),
             step("key Esc", "key", ["Esc"]),
             step("quiet 500", "quiet", ["500"])]
    result = {"steps": []}
    sess = tp.Session(command, cols, rows, a.term, {}, a.quiet, a.response_timeout, a.timeout)
    error = idle = None
    try:
        tp.run_script(sess, steps, result)
        idle = idle_window(tp, sess, a.idle_ms)
    except tp.ProbeError as e:
        error = str(e)
        sess.sync()
        tp.dump(sess.screen)
    sess.finish(["q"] if error is None else [], grace_s=3.0)
    if error:
        raise RuntimeError(f"{' '.join(command)}: {error}")
    s = {r["step"]: r for r in result["steps"]}
    keys = lambda line: s[line].get("keys", [])  # noqa: E731
    lat = lambda ks: [k["latency_ms"] for k in ks]  # noqa: E731
    byt = lambda ks: [k["bytes"] for k in ks]  # noqa: E731
    first = result["steps"][0]
    moves, typed_latin, typed_cjk = keys(f"repeat {a.moves} j"), keys(f"type {latin}"), keys(f"type {cjk}")
    ru = sess.rusage
    out = {"ready_ms": first["found_ms"], "settled_ms": first["settled_ms"],
           "all_rows_ms": result["steps"][1]["gone_ms"],
           "first_output_ms": round((sess.first_output - sess.t_start) * 1000, 1) if sess.first_output else None,
           "move_latency_ms": lat(moves), "move_bytes": byt(moves),
           "slash_latency_ms": keys("key /")[0]["latency_ms"],
           "latin_latency_ms": lat(typed_latin), "latin_bytes": byt(typed_latin),
           "latin_slowest_ms": max((v for v in lat(typed_latin) if v is not None), default=None),
           "cjk_latency_ms": lat(typed_cjk), "cjk_bytes": byt(typed_cjk),
           "cjk_slowest_ms": max((v for v in lat(typed_cjk) if v is not None), default=None),
           "peak_rss_mb": round(max(sess.hwm_kb, ru.ru_maxrss if ru else 0) / 1024, 1),
           "cpu_s": round(ru.ru_utime + ru.ru_stime, 3) if ru else None,
           "total_bytes": sess.total,
           "exit_status": os.waitstatus_to_exitcode(sess.status) if sess.status is not None else None}
    out.update(idle)
    return out


def aggregate(runs):
    """Per-run figures over runs; list figures (one per key) pooled over every run."""
    out = {}
    for k, v in runs[0].items():
        if isinstance(v, list):
            out[k] = stats([x for r in runs for x in r[k]])
        elif isinstance(v, (int, float)) or v is None:
            out[k] = stats([r[k] for r in runs])
    return out


def db_facts(db):
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        n = conn.execute("SELECT count(*) FROM cadres").fetchone()[0]
        conn.close()
        return n
    except sqlite3.Error:
        return None


def fmt(s, unit=""):
    if not s or "median" not in s:
        return "-"
    g = lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"  # noqa: E731
    if s["min"] == s["max"]:
        return f"{g(s['median'])}{unit}"
    return f"{g(s['median'])}{unit} [{g(s['min'])}–{g(s['max'])}]"


def table(results):
    a = results["settings"]
    rows = [("first frame with rows, ms", "ready_ms"),
            ("screen settled, ms", "settled_ms"),
            ("every record searchable, ms", "all_rows_ms"),
            (f"cursor move `j`: bytes (x{a['moves']})", "move_bytes"),
            ("cursor move `j`: latency, ms", "move_latency_ms"),
            ("`/` opens the search, ms", "slash_latency_ms"),
            (f"typing `{a['latin']}`: ms per key", "latin_latency_ms"),
            (f"typing `{a['latin']}`: slowest key, ms", "latin_slowest_ms"),
            (f"typing `{a['latin']}`: bytes per key", "latin_bytes"),
            (f"typing `{a['cjk']}`: ms per key", "cjk_latency_ms"),
            (f"typing `{a['cjk']}`: bytes per key", "cjk_bytes"),
            ("peak RSS, MB", "peak_rss_mb"),
            (f"idle {a['idle_ms'] / 1000:g} s: bytes written", "idle_bytes"),
            (f"idle {a['idle_ms'] / 1000:g} s: CPU ms", "idle_cpu_ms"),
            (f"idle {a['idle_ms'] / 1000:g} s: wake-ups", "idle_wakeups"),
            ("CPU s, whole session", "cpu_s")]
    dbs = results["databases"]
    names = [f"{os.path.basename(d)} ({v['cadre_rows']:,} cadres)" if v.get("cadre_rows") is not None
             else os.path.basename(d) for d, v in dbs.items()]
    out = [f"guazhi end to end, {a['size']}, {results['runs']} run(s), median [min–max]; "
           f"{results['machine']['nproc']} cores, load average {results['machine']['loadavg_before']:.1f}"
           f" → {results['machine']['loadavg_after']:.1f}", "",
           "| figure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for label, key in rows:
        cells = [fmt(v.get(key)) if "runs" in v else "-" for v in dbs.values()]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    for d, v in dbs.items():
        if "error" in v:
            out.append(f"\n{d}: {v['error'][-300:]}")
    return "\n".join(out)


def check(results, max_move_bytes):
    problems = []
    for d, v in results["databases"].items():
        if "error" in v:
            problems.append(f"{d}: {v['error'][-200:]}")
            continue
        mb = v["move_bytes"]["median"]
        if mb > max_move_bytes:
            problems.append(f"{d}: a cursor move writes {mb:g} bytes (median), budget {max_move_bytes}")
        if v["idle_bytes"]["max"] > 0:
            problems.append(f"{d}: {v['idle_bytes']['max']:g} bytes written while idle (want 0)")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("databases", nargs="*", help="database files (opened --read-only)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="one run on sample.db, with --check (for CI)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a byte budget is broken")
    ap.add_argument("--max-move-bytes", type=int, default=400, help="budget for --check (default 400)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "guazhi"))
    ap.add_argument("--args", default="--today 2026-11-27 --read-only --lang zh",
                    help="options before the database (default: %(default)s)")
    ap.add_argument("--tuiprobe", default=DEFAULT_TUIPROBE, help="path of tuiprobe.py")
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--term", default="xterm-256color")
    ap.add_argument("--ready", default=DEFAULT_READY, help="text (or re:PATTERN) of the first frame with rows")
    ap.add_argument("--moves", type=int, default=20, help="cursor moves per run")
    ap.add_argument("--latin", default="zhang", help="search typed one key at a time")
    ap.add_argument("--cjk", default="张", help="Chinese search typed one character per key")
    ap.add_argument("--idle-ms", type=int, default=2000)
    ap.add_argument("--quiet", type=float, default=150, help="tuiprobe --quiet, ms")
    ap.add_argument("--response-timeout", type=float, default=2000, help="tuiprobe --response-timeout, ms")
    ap.add_argument("--timeout", type=float, default=300, help="limit per wait and per key, s")
    ap.add_argument("--out", help="JSON file for every figure")
    a = ap.parse_args()
    if a.quick:
        a.runs, a.check, a.databases = 1, True, a.databases or [os.path.join(ROOT, "sample.db")]
    if not a.databases:
        ap.error("no database given (or --quick)")
    if not os.access(a.bin, os.X_OK):
        raise SystemExit(f"{a.bin} is missing: run `cargo build --release` first")
    tp = load_probe(a.tuiprobe)
    results = {"machine": {"nproc": os.cpu_count(), "platform": platform.platform(),
                           "python": platform.python_version(), "loadavg_before": os.getloadavg()[0],
                           "no_color": os.environ.get("NO_COLOR")},
               "runs": a.runs,
               "settings": {k: getattr(a, k) for k in ("bin", "args", "size", "term", "ready", "moves", "latin",
                                                       "cjk", "idle_ms", "quiet")},
               "databases": {}}
    for db in a.databases:
        if not os.path.exists(db):
            raise SystemExit(f"{db}: no such file")
        command = [a.bin] + a.args.split() + [db]
        res = results["databases"][db] = {"db_bytes": os.path.getsize(db), "cadre_rows": db_facts(db)}
        runs = []
        try:
            for i in range(a.runs):
                runs.append(one_run(tp, command, a))
                brief = {k: v for k, v in runs[-1].items() if not isinstance(v, list)}
                print(f"{os.path.basename(db)} run {i + 1}/{a.runs}: {brief}", file=sys.stderr)
        except RuntimeError as e:
            res["error"] = str(e)
            print(f"{db}: {e}", file=sys.stderr)
        if runs:
            res.update(aggregate(runs))
            res["runs"] = runs
    results["machine"]["loadavg_after"] = os.getloadavg()[0]
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
    print(table(results))
    if a.check:
        problems = check(results, a.max_move_bytes)
        for p in problems:
            print(f"e2e: budget broken: {p}", file=sys.stderr)
        return 1 if problems else 0
    return 1 if any("error" in v for v in results["databases"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
