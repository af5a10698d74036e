#!/usr/bin/env python3
"""e2e.py - the real `guazhi` binary in a pseudo-terminal, measured as its user feels it.

    cargo build --release
    python3 benches/e2e.py --runs 5 --out target/bench-data/e2e.json \
        sample.db target/bench-data/guazhi-10000-v2.db
    python3 benches/e2e.py --quick          # CI: one run on sample.db, budgets checked, seconds

For each database, --runs times, three fresh processes of

    target/release/guazhi --today 2026-11-27 --lang zh [--read-only] DB

at 120x40 (TERM=xterm-256color, XDG_CONFIG_HOME and XDG_STATE_HOME in a temporary folder so no
settings file or draft of the account running it applies) go through three sessions.

"Rows shown" for a tab means: its list box titled with the tab's name (干部, 互派, 考核, 后备, 概览,
单位), the column header line, and under it a row whose first character is not blank. A tab
still reading its records shows rows too when it has some (the first 400 cadres, pairs or
pending reviews; the Overview's batches and the Units with "…" for their figures); the Reserve
tab shows none until its list is read. "Every list read" is when the Units tab, the last list
the background thread hands over, shows its figures instead of "…" (seconds since launch; when
they are already there the first time the probe looks, the figure is that moment, an upper
bound, marked ≤).

Session 1, read (--read-only):
  1. first frame: launch until the Cadres list shows rows (--ready), then until the screen is
     quiet;
  2. every record searchable: until the Cadres list's title no longer says "正在读取全部记录"
     (reading every record), since launch; then `6` and until every list is read;
  3. `1`, cursor moves: `j` --moves times, each measured alone (latency, bytes written);
  4. search, broadest keys: `/`, `z`, `h` (the list filters on every key: `z` and `zh`), Esc;
  5. search, Latin: `/`, then --latin (default `zhang`) one key at a time, Esc;
  6. search, Chinese: `/`, then --cjk (default 张) one character per key, Esc;
  7. idle: once nothing has been written for 500 ms, a --idle-ms window (default 2000 ms) in
     which nothing is pressed: bytes written (should be 0), CPU time of all the program's
     threads (from /proc/PID/task/*/schedstat, nanoseconds; should be ~0) and wake-ups
     (context switches; 0 when the date is pinned with --today);
  8. `q`; peak RSS (VmHWM sampled every 100 ms, and ru_maxrss at exit) and CPU of the session.
  Searching starts once every list is read, so no catalog is being built on the other core.

Session 2, tabs (--read-only). guazhi has no option to open on a tab, so a tab's first frame
is measured as the time from pressing its number until it shows rows:
  1. first frame of Cadres, as above;
  2. right after it (the catalogs are still being read on a large database), `2`, `3`, `5`,
     `6`, `4`, each from the key until that tab shows rows ("before the catalogs"); Reserve
     last because it shows no rows until its list is read, which would hold up the others.
     Each figure notes whether the tab still said it was reading (or showed "…") when its rows
     appeared, and, when the tab was first drawn without rows (the Reserve tab while its list is
     read), how long after the key that empty frame came;
  3. `6` and until every list is read;
  4. `1` to `6`, each from the key until that tab shows rows ("tab switch", every list read).

Session 3, saves (--saves, default 10; not --read-only, on a copy of the database that this
script makes in a temporary folder and removes after the database's runs; the copy is shared
by the runs, each recording the next reviews):
  1. first frame, `6` and until every list is read, `3` (Reviews, pending reviews by due date,
     overdue first);
  2. --saves times: `g` (first row, the oldest pending review), `e` (until the form 记录考核结果
     shows), `1` (grade 优秀), then Enter, measured from the Enter key:
       acknowledged: until the status line (last line) says 已保存 (Saved);
       shown: until the list shows the change: the Reviews title's pending count has dropped
       by one (the review left the pending list; the row under the cursor is the next one)
       and, when the review was overdue, the header's 逾期 count too;
     then until quiet, and VmRSS from /proc/PID/status;
  3. `q`; RSS before the first save, after the first and after the last, and the session's
     peak (VmHWM sampled every 100 ms, ru_maxrss at exit).

Figures are median [min-max]: over runs for per-run figures (first frame, tab switches,
searchable, RSS, idle, slowest key, slowest save), pooled over every key (or save) of every run
for per-key figures (cursor moves, search keys, saves). "Slowest" is each run's slowest key or
save, then median [min-max] over runs. "Every search key" pools `z`, `zh`, the --latin keys and
the --cjk keys.

The probe is tuiprobe (../shared/tools/tuiprobe/tuiprobe.py beside the repository, or
--tuiprobe; `pip install pyte`). It is imported, not run as a command, so the idle window can
read the program's CPU counters while the session is open and the saves can read its memory;
its `Session` and `run_script` do the pty, the pyte screen and the per-key measuring (see its
README for what "latency" and "quiet" mean). Every wait compares the screen after each chunk
of output, so a time is that of the chunk that made it true.

--check fails (exit 1) when a deterministic budget is broken: the median bytes per cursor move
above --max-move-bytes (400, issue 7), or any byte written while idle; and when a session
fails (a wait timed out, a save was not acknowledged). Times are reported, not checked: they
depend on the machine. --quick = one run, sample.db only, 3 saves, --check.

Prints a Markdown table; --out keeps every figure of every run as JSON.
"""
import argparse
import glob
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TUIPROBE = os.path.join(ROOT, "..", "shared", "tools", "tuiprobe", "tuiprobe.py")
# The Cadres tab with rows: its column header line, and right under it a row whose first
# character (after the border and the selection gutter) is not blank. An empty list ("没有记录")
# or a loading screen with only the header does not match.
DEFAULT_READY = r"re:(姓名|Name)[^\n]*\n[│|][ ▸>]?[^\s│|]"
LOADING = "re:正在读取全部记录|reading every record"
# The tabs by their key, with the title of their list box (zh, en).
TABS = {1: ("干部", "Cadres"), 2: ("互派", "Pairs"), 3: ("考核", "Reviews"), 4: ("后备", "Reserve"),
        5: ("概览", "Overview"), 6: ("单位", "Units")}
COLD_ORDER = [2, 3, 5, 6, 4]  # Reserve last: it shows no rows until its list is read
# A figure not read yet: "…" alone in a cell (a cut text ends in "…" right after a character).
PLACEHOLDER = re.compile(r"\s…(?=\s|[│|])")
FORM = "re:记录考核结果|Record the result"
SAVED = re.compile(r"已保存|Saved")
now = time.monotonic


def tab_box(tab):
    """Matcher text: the list box of `tab` drawn (its title), rows or not."""
    zh, en = TABS[tab]
    return rf"re:[┌+] ?(?:{zh}|{en}) "


def tab_rows(tab):
    """Matcher text: the list box of `tab` (its title line, the column header) with a filled row."""
    zh, en = TABS[tab]
    return rf"re:[┌+] ?(?:{zh}|{en}) [^\n]*\n[│|][^\n]*\n[│|][ ▸>]?[^\s│|]"


# The Units tab with its first row's last figure filled (not "…"): every list has been read.
ALL_LISTS = r"re:[┌+] ?(?:单位|Units) [^\n]*\n[│|][^\n]*\n[│|][^\n]*[^\s…│|] *[│|]\n"


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


def step(line, verb, args, until=None):
    """One tuiprobe step, already split (no shell quoting to get wrong)."""
    return ("e2e", line, verb, args, until)


def ms(t0, t1):
    return None if t0 is None or t1 is None else round((t1 - t0) * 1000, 2)


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


def vm_rss_mb(pid):
    """Resident memory now (VmRSS), MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def idle_window(tp, sess, window_ms):
    """Nothing pressed for `window_ms`: what the program writes and spends meanwhile."""
    ns0, sw0, t0 = threads_counters(sess.pid)
    bytes0, start = sess.total, now()
    end = start + window_ms / 1000
    while now() < end and sess.alive:
        sess.read(end - now())
    ns1, sw1, t1 = threads_counters(sess.pid)
    hz = os.sysconf("SC_CLK_TCK")
    return {"idle_ms": round((now() - start) * 1000, 1),
            "idle_bytes": sess.total - bytes0,
            "idle_cpu_ms": round((ns1 - ns0) / 1e6, 3),
            "idle_cpu_ticks_ms": round((t1 - t0) * 1000 / hz, 1) if t0 is not None and t1 is not None else None,
            "idle_wakeups": sw1 - sw0}


# --- driving one session ---------------------------------------------------------------------

def argv_of(a, db, read_only):
    return [a.bin] + a.args.split() + (["--read-only"] if read_only else []) + [db]


def launch(tp, a, db, read_only, env):
    cols, rows = (int(v) for v in a.size.lower().split("x"))
    return tp.Session(argv_of(a, db, read_only), cols, rows, a.term, env, a.quiet, a.response_timeout, a.timeout)


def session(tp, a, db, read_only, env, body):
    """Runs body(sess) -> dict on a fresh process, quits with `q`, adds its peak RSS and CPU."""
    sess = launch(tp, a, db, read_only, env)
    error = None
    try:
        out = body(sess)
    except tp.ProbeError as e:
        error = str(e)
        sess.sync()
        tp.dump(sess.screen)
    sess.finish(["q"] if error is None else [], grace_s=3.0)
    if error:
        raise RuntimeError(f"{' '.join(argv_of(a, db, read_only))}: {error}")
    ru = sess.rusage
    out["peak_rss_mb"] = round(max(sess.hwm_kb, ru.ru_maxrss if ru else 0) / 1024, 1)
    out["cpu_s"] = round(ru.ru_utime + ru.ru_stime, 3) if ru else None
    out["exit_status"] = os.waitstatus_to_exitcode(sess.status) if sess.status is not None else None
    if out["exit_status"] != 0:
        raise RuntimeError(f"{' '.join(argv_of(a, db, read_only))}: exit status {out['exit_status']}")
    return out


def first_frame(tp, sess, ready):
    """Launch until `ready` (then quiet): (found, settled) ms since launch."""
    result = {"steps": []}
    tp.run_script(sess, [step(f"wait {ready}", "wait", [ready])], result)
    return result["steps"][0]["found_ms"], result["steps"][0]["settled_ms"]


def lines_now(tp, sess):
    sess.sync()
    return tp.lines(sess.screen)


def switch(tp, sess, tab):
    """Press the tab's number: ms from the key until the tab shows rows, whether it still said
    it was reading (or showed "…" figures) at that moment, ms until it was drawn at all when
    that was earlier (drawn empty first), bytes written until quiet."""
    sess.sync()
    before, sess.win_first, sess.win_last = sess.total, None, None
    t0 = now()
    os.write(sess.fd, str(tab).encode())
    drawn = sess.wait_for(tp.matcher(tab_box(tab)), f"tab {tab}")
    empty = not tp.matcher(tab_rows(tab))(sess.text())
    shown = sess.wait_for(tp.matcher(tab_rows(tab)), f"tab {tab} with rows")
    screen = lines_now(tp, sess)
    loading = tp.matcher(LOADING)(screen[2]) or any(PLACEHOLDER.search(line) for line in screen[4:6])
    sess.settle(t0, sess.response)
    return {"ms": ms(t0, shown), "loading": bool(loading), "drawn_empty_ms": ms(t0, drawn) if empty else None,
            "bytes": sess.total - before}


def wait_all_lists(tp, sess):
    """`6`, then until the Units show their figures: (ms since launch, exact). Not exact when
    they showed them at once (every list was read before the probe looked)."""
    first = switch(tp, sess, 6)
    exact = first["loading"]
    done = sess.wait_for(tp.matcher(ALL_LISTS), "every list read (the Units' figures)")
    return ms(sess.t_start, done), exact


def search(sess, text):
    """`/`, then `text` one key at a time, then Esc: (`/`'s latency, the keys' measures)."""
    slash = sess.press("/")
    keys = [sess.press(c) for c in text]
    sess.press("Esc")
    return slash["latency_ms"], keys


def latencies(keys):
    return [k["latency_ms"] for k in keys]


def slowest(values):
    return max((v for v in values if v is not None), default=None)


# --- session 1: first frame, searchable, moves, search, idle -------------------------------

def read_session(tp, a, sess):
    ready_ms, settled_ms = first_frame(tp, sess, a.ready)
    result = {"steps": []}
    tp.run_script(sess, [step(f"gone {LOADING}", "gone", [LOADING])], result)
    all_rows_ms = result["steps"][0]["gone_ms"]
    all_lists_ms, exact = wait_all_lists(tp, sess)
    switch(tp, sess, 1)
    moves = [sess.press("j") for _ in range(a.moves)]
    slash_ms, broad = search(sess, "zh")
    _, latin = search(sess, a.latin)
    _, cjk = search(sess, a.cjk)
    result = {"steps": []}
    tp.run_script(sess, [step("quiet 500", "quiet", ["500"])], result)
    out = {"ready_ms": ready_ms, "settled_ms": settled_ms, "all_rows_ms": all_rows_ms,
           "all_lists_ms": all_lists_ms,
           "first_output_ms": ms(sess.t_start, sess.first_output),
           "move_latency_ms": latencies(moves), "move_bytes": [k["bytes"] for k in moves],
           "slash_latency_ms": slash_ms,
           "z_ms": broad[0]["latency_ms"], "zh_ms": broad[1]["latency_ms"],
           "latin_latency_ms": latencies(latin), "latin_bytes": [k["bytes"] for k in latin],
           "latin_slowest_ms": slowest(latencies(latin)),
           "cjk_latency_ms": latencies(cjk), "cjk_bytes": [k["bytes"] for k in cjk],
           "cjk_slowest_ms": slowest(latencies(cjk)),
           "search_key_ms": latencies(broad + latin + cjk),
           "search_slowest_ms": slowest(latencies(broad + latin + cjk)),
           "detail": {"all_lists_exact": exact}}
    out.update(idle_window(tp, sess, a.idle_ms))
    out["total_bytes"] = sess.total
    return out


# --- session 2: every tab, before the catalogs and after ------------------------------------

def tabs_session(tp, a, sess):
    ready_ms, _ = first_frame(tp, sess, a.ready)
    out = {"tabs_ready_ms": ready_ms, "detail": {"cold_loading": [], "cold_drawn_empty_ms": {}}}
    for tab in COLD_ORDER:
        s = switch(tp, sess, tab)
        out[f"tab{tab}_cold_ms"] = s["ms"]
        if s["loading"]:
            out["detail"]["cold_loading"].append(tab)
        if s["drawn_empty_ms"] is not None:
            out["detail"]["cold_drawn_empty_ms"][str(tab)] = s["drawn_empty_ms"]
    out["tabs_cold_slowest_ms"] = slowest([out[f"tab{t}_cold_ms"] for t in COLD_ORDER])
    out["tabs_all_lists_ms"], out["detail"]["tabs_all_lists_exact"] = wait_all_lists(tp, sess)
    for tab in sorted(TABS):
        out[f"tab{tab}_warm_ms"] = switch(tp, sess, tab)["ms"]
    out["tabs_warm_slowest_ms"] = slowest([out[f"tab{t}_warm_ms"] for t in TABS])
    return out


# --- session 3: saves on a copy -------------------------------------------------------------

def counts(text):
    """(the Reviews title's pending count, the header's overdue count) on screen."""
    shown = re.search(r"[┌+] ?(?:考核|Reviews) (\d+)/", text)
    overdue = re.search(r"逾期 (\d+)|(\d+) overdue", text.split("\n", 1)[0])
    return (int(shown.group(1)) if shown else None,
            int(next(g for g in overdue.groups() if g)) if overdue else None)


def one_save(tp, sess):
    """Record the first pending review as 优秀: ms from Enter to the status line's 已保存, and
    to the list showing it (pending count - 1, and overdue - 1 when it was overdue)."""
    sess.press("g")
    screen = lines_now(tp, sess)
    pending, overdue = counts("\n".join(screen))
    was_overdue = "逾期" in screen[4] or "overdue" in screen[4].lower()
    if pending is None or overdue is None:
        raise tp.ProbeError(5, "no pending count on the Reviews tab or no overdue count in the header")
    sess.press("e", until=FORM)
    sess.press("1")
    if SAVED.search(lines_now(tp, sess)[-1]):
        raise tp.ProbeError(5, "the status line says saved before Enter")
    sess.sync()
    before, sess.win_first, sess.win_last = sess.total, None, None
    t0 = now()
    os.write(sess.fd, b"\r")
    ack = shown = None
    deadline = t0 + sess.timeout
    while ack is None or shown is None:
        if not sess.alive:
            raise tp.ProbeError(4, "program exited during a save")
        if now() > deadline:
            raise tp.ProbeError(3, f"save not {'acknowledged' if ack is None else 'shown'} in {sess.timeout}s")
        sess.read(deadline - now())
        screen = lines_now(tp, sess)
        if ack is None and SAVED.search(screen[-1]):
            ack = sess.last_change
        p, o = counts("\n".join(screen))
        if shown is None and p == pending - 1 and (o == overdue - 1 or not was_overdue):
            shown = sess.last_change
    sess.settle(t0, sess.response)
    return {"ack_ms": ms(t0, ack), "shown_ms": ms(t0, shown), "bytes": sess.total - before,
            "rss_mb": vm_rss_mb(sess.pid), "overdue": was_overdue}


def saves_session(tp, a, sess):
    first_frame(tp, sess, a.ready)
    wait_all_lists(tp, sess)
    switch(tp, sess, 3)
    rss_before = vm_rss_mb(sess.pid)
    saves = [one_save(tp, sess) for _ in range(a.saves)]
    ack, shown = [s["ack_ms"] for s in saves], [s["shown_ms"] for s in saves]
    return {"save_ack_ms": ack, "save_shown_ms": shown,
            "save_ack_slowest_ms": slowest(ack), "save_shown_slowest_ms": slowest(shown),
            "save_bytes": [s["bytes"] for s in saves],
            "rss_before_saves_mb": rss_before, "rss_save1_mb": saves[0]["rss_mb"],
            "rss_save_last_mb": saves[-1]["rss_mb"],
            "detail": {"save_rss_mb": [s["rss_mb"] for s in saves],
                       "overdue_saves": sum(s["overdue"] for s in saves)}}


def throwaway_copy(db, folder):
    """The database (and its write-ahead log, if it holds anything) copied into `folder`."""
    need = os.path.getsize(db) + (os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0)
    free = shutil.disk_usage(folder).free
    if free < need * 1.1 + (256 << 20):
        raise RuntimeError(f"{db}: {need / 1e9:.2f} GB to copy for the saves, {free / 1e9:.2f} GB free in {folder}")
    copy = os.path.join(folder, "saves-" + os.path.basename(db))
    shutil.copyfile(db, copy)
    if os.path.exists(db + "-wal") and os.path.getsize(db + "-wal") > 0:
        shutil.copyfile(db + "-wal", copy + "-wal")
    return copy


def remove_copy(copy):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(copy + suffix):
            os.remove(copy + suffix)


# --- one database ---------------------------------------------------------------------------

def one_run(tp, a, db, copy, env):
    """One run: the sessions asked for, their figures in one dict (per-session peak RSS and CPU
    under their own names)."""
    out, detail = {}, {}
    if "read" in a.sessions:
        r = session(tp, a, db, True, env, lambda s: read_session(tp, a, s))
        detail.update(r.pop("detail"))
        out.update(r)
    if "tabs" in a.sessions:
        r = session(tp, a, db, True, env, lambda s: tabs_session(tp, a, s))
        detail.update(r.pop("detail"))
        out.update({k: v for k, v in r.items() if k not in ("peak_rss_mb", "cpu_s", "exit_status")})
        out["tabs_peak_rss_mb"] = r["peak_rss_mb"]
    if copy:
        r = session(tp, a, copy, False, env, lambda s: saves_session(tp, a, s))
        detail.update(r.pop("detail"))
        out.update({k: v for k, v in r.items() if k not in ("peak_rss_mb", "cpu_s", "exit_status")})
        out["save_peak_rss_mb"] = r["peak_rss_mb"]
    out["detail"] = detail
    return out


def aggregate(runs):
    """Per-run figures over runs; list figures (one per key) pooled over every run."""
    out = {}
    for k, v in runs[0].items():
        if isinstance(v, list):
            out[k] = stats([x for r in runs for x in r[k]])
        elif isinstance(v, (int, float)) or v is None:
            out[k] = stats([r.get(k) for r in runs])
    return out


def db_facts(db):
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        n = conn.execute("SELECT count(*) FROM cadres").fetchone()[0]
        conn.close()
        return n
    except sqlite3.Error:
        return None


def measure(tp, a, db, tmp, env):
    res = {"db_bytes": os.path.getsize(db), "cadre_rows": db_facts(db), "loadavg_before": os.getloadavg()}
    runs, copy = [], None
    try:
        if "saves" in a.sessions and a.saves > 0:
            copy = throwaway_copy(db, tmp)
        for i in range(a.runs):
            runs.append(one_run(tp, a, db, copy, env))
            brief = {k: v for k, v in runs[-1].items() if not isinstance(v, (list, dict))}
            print(f"{os.path.basename(db)} run {i + 1}/{a.runs}: {brief} {runs[-1]['detail']}", file=sys.stderr)
    except RuntimeError as e:
        res["error"] = str(e)
        print(f"{db}: {e}", file=sys.stderr)
    finally:
        if copy:
            remove_copy(copy)
    res["loadavg_after"] = os.getloadavg()
    if runs:
        res.update(aggregate(runs))
        res["runs"] = runs
    return res


# --- report ---------------------------------------------------------------------------------

def fmt(s, unit=""):
    if not s or "median" not in s:
        return "-"
    g = lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"  # noqa: E731
    if s["min"] == s["max"]:
        return f"{g(s['median'])}{unit}"
    return f"{g(s['median'])}{unit} [{g(s['min'])}–{g(s['max'])}]"


def cell(v, key):
    """A table cell: the figure, with its caveats from the runs' details."""
    if "runs" not in v or key not in v:
        return "-"
    text = fmt(v[key])
    details = [r["detail"] for r in v["runs"]]
    if key in ("all_lists_ms", "tabs_all_lists_ms"):
        flag = "all_lists_exact" if key == "all_lists_ms" else "tabs_all_lists_exact"
        if not all(d.get(flag, True) for d in details):
            text = "≤ " + text
    m = re.fullmatch(r"tab(\d)_cold_ms", key)
    if m:
        loading = sum(int(m.group(1)) in d.get("cold_loading", []) for d in details)
        empty = [d["cold_drawn_empty_ms"][m.group(1)] for d in details
                 if m.group(1) in d.get("cold_drawn_empty_ms", {})]
        notes = ([f"still reading: {loading}/{len(details)} runs"] if loading else []) + (
            [f"drawn empty first in {fmt(stats(empty))}: {len(empty)}/{len(details)} runs"] if empty else [])
        if notes:
            text += f" ({'; '.join(notes)})"
    return text


def table(results):
    a = results["settings"]
    rows = [("**read session** (--read-only)", None),
            ("first frame with rows (Cadres), ms", "ready_ms"),
            ("screen settled, ms", "settled_ms"),
            ("every record searchable (Cadres), ms since launch", "all_rows_ms"),
            ("every list read (Units' figures), ms since launch", "all_lists_ms"),
            (f"cursor move `j`: bytes (x{a['moves']})", "move_bytes"),
            ("cursor move `j`: latency, ms", "move_latency_ms"),
            ("`/` opens the search, ms", "slash_latency_ms"),
            ("search `z`, ms", "z_ms"),
            ("search `zh`, ms", "zh_ms"),
            (f"typing `{a['latin']}`: ms per key", "latin_latency_ms"),
            (f"typing `{a['latin']}`: slowest key, ms", "latin_slowest_ms"),
            (f"typing `{a['latin']}`: bytes per key", "latin_bytes"),
            (f"typing `{a['cjk']}`: ms per key", "cjk_latency_ms"),
            (f"typing `{a['cjk']}`: bytes per key", "cjk_bytes"),
            (f"every search key (`z`, `zh`, `{a['latin']}`, `{a['cjk']}`), ms", "search_key_ms"),
            ("slowest search key of a run, ms", "search_slowest_ms"),
            ("peak RSS, MB", "peak_rss_mb"),
            (f"idle {a['idle_ms'] / 1000:g} s: bytes written", "idle_bytes"),
            (f"idle {a['idle_ms'] / 1000:g} s: CPU ms", "idle_cpu_ms"),
            (f"idle {a['idle_ms'] / 1000:g} s: wake-ups", "idle_wakeups"),
            ("CPU s, whole session", "cpu_s"),
            ("**tabs session** (--read-only): key → the tab shows rows", None),
            ("first frame with rows (Cadres), ms", "tabs_ready_ms")]
    rows += [(f"`{t}` {TABS[t][0]}, right after the first frame, ms", f"tab{t}_cold_ms") for t in COLD_ORDER]
    rows += [("slowest of those, ms", "tabs_cold_slowest_ms"),
             ("every list read (Units' figures), ms since launch", "tabs_all_lists_ms")]
    rows += [(f"`{t}` {TABS[t][0]}, every list read, ms", f"tab{t}_warm_ms") for t in sorted(TABS)]
    rows += [("slowest of those, ms", "tabs_warm_slowest_ms"),
             ("peak RSS, MB", "tabs_peak_rss_mb"),
             (f"**saves session** (a copy; {a['saves']} × Reviews `g` `e` `1` Enter)", None),
             ("save acknowledged (Enter → 已保存), ms", "save_ack_ms"),
             ("slowest save acknowledged, ms", "save_ack_slowest_ms"),
             ("save shown (Enter → pending and 逾期 counts drop), ms", "save_shown_ms"),
             ("slowest save shown, ms", "save_shown_slowest_ms"),
             ("RSS before the first save, MB", "rss_before_saves_mb"),
             ("RSS after save 1, MB", "rss_save1_mb"),
             (f"RSS after save {a['saves']}, MB", "rss_save_last_mb"),
             ("peak RSS of the session, MB", "save_peak_rss_mb")]
    dbs = results["databases"]
    names = [f"{os.path.basename(d)} ({v['cadre_rows']:,} cadres)" if v.get("cadre_rows") is not None
             else os.path.basename(d) for d, v in dbs.items()]
    m = results["machine"]
    out = [f"guazhi end to end, {a['size']}, {results['runs']} run(s), median [min–max]; "
           f"{m['nproc']} cores, load average {m['loadavg_before']:.1f} → {m['loadavg_after']:.1f}", "",
           "| figure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    measured = lambda key: any(key in v for v in dbs.values())  # noqa: E731
    for i, (label, key) in enumerate(rows):
        if key is None:  # a session's heading, when some figure of it is there
            section = [k for _, k in rows[i + 1:]]
            section = section[:section.index(None)] if None in section else section
            if any(measured(k) for k in section):
                out.append(f"| {label} |" + " |" * len(names))
        elif measured(key):
            out.append(f"| {label} | " + " | ".join(cell(v, key) for v in dbs.values()) + " |")
    out.append("")
    for d, v in dbs.items():
        la, lb = v["loadavg_before"], v["loadavg_after"]
        out.append(f"{os.path.basename(d)}: load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f} before, "
                   f"{lb[0]:.2f} {lb[1]:.2f} {lb[2]:.2f} after.")
        if "error" in v:
            out.append(f"{d}: {v['error'][-300:]}")
    return "\n".join(out)


def check(results, max_move_bytes):
    problems = []
    for d, v in results["databases"].items():
        if "error" in v:
            problems.append(f"{d}: {v['error'][-200:]}")
            continue
        if "move_bytes" in v:
            mb = v["move_bytes"]["median"]
            if mb > max_move_bytes:
                problems.append(f"{d}: a cursor move writes {mb:g} bytes (median), budget {max_move_bytes}")
            if v["idle_bytes"]["max"] > 0:
                problems.append(f"{d}: {v['idle_bytes']['max']:g} bytes written while idle (want 0)")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("databases", nargs="*", help="database files (never written: the saves work on a copy)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="one run on sample.db, 3 saves, with --check (for CI)")
    ap.add_argument("--check", action="store_true", help="exit 1 when a byte budget is broken or a session fails")
    ap.add_argument("--max-move-bytes", type=int, default=400, help="budget for --check (default 400)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "guazhi"))
    ap.add_argument("--args", default="--today 2026-11-27 --lang zh",
                    help="options before the database (default: %(default)s; the read and tabs sessions "
                         "add --read-only)")
    ap.add_argument("--sessions", default="read,tabs,saves",
                    help="which sessions to run (default: %(default)s)")
    ap.add_argument("--saves", type=int, help="saves in the saves session (default 10, --quick 3; 0: none)")
    ap.add_argument("--tmpdir", help="folder for the copy the saves work on (default: the system's)")
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
    if a.saves is None:
        a.saves = 3 if a.quick else 10
    a.sessions = set(a.sessions.split(","))
    if a.sessions - {"read", "tabs", "saves"}:
        ap.error(f"unknown session(s): {', '.join(sorted(a.sessions - {'read', 'tabs', 'saves'}))}")
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
                                                       "cjk", "idle_ms", "quiet", "saves")},
               "databases": {}}
    results["settings"]["sessions"] = sorted(a.sessions)
    for db in a.databases:
        if not os.path.exists(db):
            raise SystemExit(f"{db}: no such file")
    with tempfile.TemporaryDirectory(prefix="guazhi-e2e-", dir=a.tmpdir) as tmp:
        # Settings and drafts of this script's own, so the account's do not apply.
        env = {"XDG_CONFIG_HOME": os.path.join(tmp, "config"), "XDG_STATE_HOME": os.path.join(tmp, "state")}
        for db in a.databases:
            results["databases"][db] = measure(tp, a, db, tmp, env)
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
