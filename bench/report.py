"""``python -m bench.report RESULTS_JSON``: the figures of a run as Markdown tables (for RESULTS.md)."""

from __future__ import annotations

import json
import sys

from .machine import one_line


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(r: dict) -> str:
    out = [f"Machine: {one_line(r['machine'])}", f"Run time: {r.get('total_seconds', 0) / 60:.1f} min", ""]
    if "figure1" in r:
        f = r["figure1"]
        out += [
            f"### 1. Re-parse of {f['pages']} stored pages ({f['reports']} reports)", "",
            "| | pages/s | ms/page | peak RSS MB |", "|---|---:|---:|---:|",
            *(f"| {name} | {f[key]['pages_per_s']} | {1000 / f[key]['pages_per_s']:.2f} | {f[key]['peak_rss_mb']} |"
              for name, key in (("re-parse (`harvester.storage.reparse`)", "reparse"),
                                ("re-crawl via HTTPCACHE replay, full pipelines", "replay"),
                                ("HTTPCACHE replay, no pipelines (Scrapy alone)", "replay_no_pipelines"),
                                ("floor: read + zlib + decode + lxml + OpenCC", "floor")) if key in f),
            "",
            f"- re-parse / replay: **{f['reparse_vs_replay']}x** (target >= 10x: {_mark(f['reparse_vs_replay'] >= 10)})",
            f"- re-parse time / floor time: **{f['reparse_vs_floor']}x** (target <= 3x: {_mark(f['reparse_vs_floor'] <= 3)})",
            "",
        ]
    if "figure2" in r:
        f = r["figure2"]
        out += [
            f"### 2. Crawl of a {f['reports']}-report replica, politeness off", "",
            "| | detail pages/s | seconds | requests | peak RSS MB |", "|---|---:|---:|---:|---:|",
            f"| bare spiders (`ITEM_PIPELINES = {{}}`) | {f['bare']['pages_per_s']} | {f['bare']['seconds']} | "
            f"{f['bare']['wire']['requests']} | {f['bare']['peak_rss_mb']} |",
            f"| full pipeline (clean, parse, store) | {f['full']['pages_per_s']} | {f['full']['seconds']} | "
            f"{f['full']['wire']['requests']} | {f['full']['peak_rss_mb']} |",
            "",
            f"- full / bare: **{100 * f['full_vs_bare']:.0f}%** (target >= 70%: {_mark(f['full_vs_bare'] >= 0.7)})", "",
        ]
        if "cpu_budget" in f:
            b = f["cpu_budget"]
            names = list(b["cpu_ms_by_process"])
            per_page = lambda run, name: 1000 * run["cpu_seconds"].get(name, 0) / run["detail_pages"]  # noqa: E731
            out += [
                "CPU per detail page (ms; user + system, from the start of the crawl to the pool's shutdown):", "",
                "| | " + " | ".join(n.replace("_", " ") for n in names) + " | all |", "|---|" + "---:|" * (len(names) + 1),
                *(f"| {label} | " + " | ".join(f"{per_page(run, n):.2f}" for n in names)
                  + f" | {sum(per_page(run, n) for n in names):.2f} |"
                  for label, run in (("bare spiders", f["bare"]), ("full pipeline", f["full"]))),
                "",
                f"- at {b['cpu_ms_per_page']} ms a page, {b['cores']} cores busy all the time allow at most "
                f"**{b['max_pages_per_s']} pages/s = {100 * b['max_vs_bare']:.0f}% of bare**; 70% needs at most "
                f"{b['cpu_ms_per_page_for_70pct']} ms a page", "",
            ]
    if "figure3" in r:
        f = r["figure3"]
        out += [
            f"### 3. Re-harvest of the unchanged {f['reports']}-report replica", "",
            "| | requests | bytes sent by the server | conditional requests | stored |", "|---|---:|---:|---:|---|",
            f"| first harvest | {f['first']['requests']} | {f['first']['bytes']} | {f['first']['conditional']} | {f['first']['stored']} |",
            f"| re-harvest | {f['again']['requests']} | {f['again']['bytes']} | {f['again']['conditional']} | {f['again']['stored']} |",
            "",
            f"- requests **{100 * f['requests_ratio']:.1f}%**, bytes **{100 * f['bytes_ratio']:.1f}%** of the first harvest "
            f"(target <= 5%: {_mark(max(f['requests_ratio'], f['bytes_ratio']) <= 0.05)})", "",
        ]
    if "figure4" in r:
        f = r["figure4"]
        out += ["### 4. Peak RSS (each in a fresh process)", "",
                "| job | reports | peak RSS MB | RSS at 25/50/75/100 % of the job | seconds |", "|---|---:|---:|---|---:|"]
        for n, c in sorted(f.get("crawl", {}).items(), key=lambda kv: int(kv[0])):
            out.append(f"| crawl, full pipeline ({c['what']}) | {n} | {c['peak_rss_mb']} | {c['rss_quartiles_mb']} | {c['seconds']} |")
        for n, c in sorted(f.get("reparse", {}).items(), key=lambda kv: int(kv[0])):
            out.append(f"| re-parse (every report new) | {n} | {c['peak_rss_mb']} | {c['rss_quartiles_mb']} | {c['seconds']} |")
        peaks = [c["peak_rss_mb"] for part in ("crawl", "reparse") for c in f.get(part, {}).values()]
        out += ["", f"- largest peak {max(peaks)} MB (target < 300 MB, flat: {_mark(max(peaks) < 300)})", ""]
    if "figure7" in r:
        f = r["figure7"]
        if "reparse" in f:
            a = f["reparse"]
            out += [f"### 7a. Re-parse of {a['pages']} pages by worker processes", "",
                    "| workers | pages/s | seconds | peak RSS MB (coordinator) |", "|---:|---:|---:|---:|",
                    *(f"| {w} | {a['pages_per_s'][w]} | {run['seconds']} | {run['peak_rss_mb']} |" for w, run in sorted(a["runs"].items())),
                    "", f"- 2 workers / 1: **{a['speedup_2_vs_1']}x** (target >= 1.7x: {_mark(a['speedup_2_vs_1'] >= 1.7)})",
                    f"- one worker's time / floor time ({a['floor_pages_per_s']} pages/s): **{a['one_worker_vs_floor']}x** "
                    f"(target <= 3x: {_mark(a['one_worker_vs_floor'] <= 3)})", ""]
        if "distributed" in f:
            d = f["distributed"]
            out += [f"### 7b. Distributed crawl of a {d['reports']}-report replica (redis-server + PostgreSQL on loopback)", "",
                    "| workers | seconds | pages | reports | runs | duplicate pages | exit codes |", "|---:|---:|---:|---:|---:|---:|---|",
                    *(f"| {w} | {c['seconds']} | {c['pages']} | {c['reports']} | {c['runs']} | {c['duplicate_pages']} | {c['exit_codes']} |"
                      for w, c in sorted(d["runs"].items())),
                    "", f"- throughput 2 workers / 1: **{d['throughput_2_vs_1']}x**, 3 / 1: **{d['throughput_3_vs_1']}x**", ""]
    if "figure5" in r:
        f = r["figure5"]
        per = f["by_group_per_report"]
        e = f["export"]
        out += [
            f"### 5. Storage of {f['reports']} reports (SQLite)", "",
            f"- **{f['bytes_per_report'] / 1024:.1f} KiB on disk per report** ({f['file_bytes'] / 2**20:.0f} MiB file): "
            + ", ".join(f"{k} {v / 1024:.1f} KiB" for k, v in sorted(per.items(), key=lambda kv: -kv[1])),
            f"- raw pages {f['raw_uncompressed_bytes'] / f['reports'] / 1024:.1f} KiB each, "
            f"{f['raw_compressed_bytes'] / f['reports'] / 1024:.1f} KiB zlib-compressed alone"
            + (f", stored as {f['raw_stored_bytes'] / f['reports'] / 1024:.1f} KiB (zstd, site dictionaries); on disk / "
               f"compressed raw page **{f['ratio_to_compressed_raw']}x** (target <= 2x)" if "raw_stored_bytes" in f else ""),
            f"- export of {e['jsonl_reports']} reports: JSONL **{e['jsonl_seconds']} s** ({e['jsonl_bytes'] / 2**20:.0f} MiB), "
            f"CSV **{e['csv_seconds']} s** ({e['csv_stats']} statistics rows); peak RSS {e['peak_rss_mb']} MB", "",
        ]
    if "figure6" in r:
        from .parsecost import render as render_figure6

        out += render_figure6(r["figure6"])
    return "\n".join(out)


if __name__ == "__main__":
    print(render(json.load(open(sys.argv[1], encoding="utf-8"))))
