"""Markdown tables from `python -m bench http` results, for docs/performance.md.

python -m bench.report bench/results/<stamp>-http-sqlite.json [more.json ...]
python -m bench.report --ab before.json after.json   (one before → after table)
"""

import json
import sys
from pathlib import Path


def table(body: dict) -> str:
    rows_in_db = body["rows_in_db"]
    lines = [
        f"**{body['database']['vendor']}**, {rows_in_db['tickets']:,} tickets / "
        f"{rows_in_db['messages']:,} messages; commit {body.get('commit', '?')} "
        f"({body.get('label') or 'no label'}); gunicorn {body['server']['gunicorn_workers']} "
        f"sync workers; {body['repeat']} × {body['duration_s']:g} s per cell, medians; "
        f"run {body['timestamp']}.",
        "",
    ]
    for c, loads in body["load_avg"].items():
        lines.append(f"- load average (1/5/15 min) over the c={c} blocks: {' → '.join(loads)}")
    lines += [
        "",
        "| workload | c | queries | req/s | × hello | p50 ms | p95 ms | p99 ms | errors "
        "| app CPU ms/req | DB CPU ms/req | × hello (CPU) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in body["results"]:
        q = "" if r["queries"] is None else r["queries"]
        lines.append(
            f"| {r['workload']} | {r['concurrency']} | {q} | {r['rps']:.1f} | {r['x_hello']:.3f} "
            f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} "
            f"| {r.get('app_cpu_ms', 0):.1f} | {r.get('db_cpu_ms', 0):.1f} "
            f"| {r.get('x_hello_cpu', 0):.3f} |"
        )
    lines += ["", "Memory per gunicorn worker, MiB — VmRSS (RssAnon / Pss):", ""]
    for phase, data in body["rss_mib"].items():
        if phase == "task_worker":
            continue
        workers = ", ".join(
            f"{w.get('VmRSS')} ({w.get('RssAnon')} / {w.get('Pss')})" for w in data["workers"]
        )
        lines.append(f"- {phase}: {workers}; master {data['master'].get('VmRSS')}")
    task = body["rss_mib"].get("task_worker")
    if task:
        lines.append(
            f"- task worker (`loopdesk worker`): idle {task['idle'].get('VmRSS')} "
            f"({task['idle'].get('RssAnon')} / {task['idle'].get('Pss')}); after running "
            f"{task['tasks_run']} queued tasks {task['after'].get('VmRSS')} "
            f"({task['after'].get('RssAnon')} / {task['after'].get('Pss')})"
        )
    return "\n".join(lines)


def ab_table(before: dict, after: dict) -> str:
    """Two runs of the same workloads side by side (an A/B: same machine, same hour)."""
    lines = [
        f"before {before.get('commit', '?')} ({before['timestamp']}) → after "
        f"{after.get('commit', '?')} ({after['timestamp']}); {after['database']['vendor']}, "
        f"{after['rows_in_db']['tickets']:,} tickets; {after['repeat']} × "
        f"{after['duration_s']:g} s per cell, medians.",
        "",
        "| workload | c | queries | CPU ms/req (app + DB) | req/s | × hello | p95 ms |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    old = {(r["workload"], r["concurrency"]): r for r in before["results"]}
    seen = set()
    for r in after["results"]:
        key = (r["workload"], r["concurrency"])
        b = old.get(key)
        if b is None or key in seen or r["workload"] == "hello":
            continue
        seen.add(key)
        cpu_b = b.get("app_cpu_ms", 0) + b.get("db_cpu_ms", 0)
        cpu_a = r.get("app_cpu_ms", 0) + r.get("db_cpu_ms", 0)
        change = f" ({(cpu_a - cpu_b) / cpu_b:+.0%})" if cpu_b else ""
        lines.append(
            f"| {r['workload']} | {r['concurrency']} | {b['queries']} → {r['queries']} "
            f"| {cpu_b:.1f} → {cpu_a:.1f}{change} | {b['rps']:.1f} → {r['rps']:.1f} "
            f"| {b['x_hello']:.3f} → {r['x_hello']:.3f} | {b['p95_ms']:.1f} → {r['p95_ms']:.1f} |"
        )
    return "\n".join(lines)


def main(paths: list[str]) -> None:
    if paths[:1] == ["--ab"] and len(paths) == 3:
        before, after = (json.loads(Path(p).read_text()) for p in paths[1:])
        print(ab_table(before, after))
        return
    for path in paths:
        print(table(json.loads(Path(path).read_text())))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
