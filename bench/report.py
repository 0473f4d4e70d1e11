"""Keeps docs/benchmarks.md: every benchmark stores its latest result per size in
docs/benchmarks.json, and the Markdown page is rendered from that file."""

from __future__ import annotations

import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "benchmarks.json"
PAGE = ROOT / "docs" / "benchmarks.md"

PEERS = {
    "Load throughput": (
        "Published peers: SolrMarc about 115 records/s (JHU, 2010); traject 245-750 records/s "
        "(Princeton, 2025-26). Raw engine reference (engine-lab, same machine type): Tantivy "
        "indexes 19,000 prepared documents/s with one writer thread, 33,000/s with two."
    ),
}

COLUMNS = {
    "Load throughput": [
        ("records", "records"),
        ("libraries", "libraries"),
        ("pymarc_parse_rate", "pymarc parse-only rec/s (1 core)"),
        ("load_rate", "lantern load rec/s (end to end)"),
        ("ratio", "load / pymarc"),
        ("load_seconds", "load s"),
        ("peak_rss_main_mb", "peak RSS main MB"),
        ("peak_rss_all_mb", "peak RSS all processes MB"),
        ("rejected", "rejected"),
    ],
}


def record_row(section: str, machine: str, result: dict) -> None:
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    rows = data.setdefault(section, {})
    key = str(result.get("records", "all"))
    if "merge" in result:
        key += f" merge {result['merge']}"
    rows[key] = {
        **result,
        "machine": machine,
        "date": time.strftime("%Y-%m-%d"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    render(data)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(data: dict) -> None:
    out = [
        "# Benchmarks",
        "",
        "Written by the scripts in `bench/` (do not edit by hand; rerun them). "
        "Each row is the latest run at that size.",
        "",
    ]
    for section, rows in data.items():
        cols = COLUMNS.get(section) or [(k, k) for k in next(iter(rows.values())) if k != "machine"]
        out += [f"## {section}", ""]
        machines = sorted({r["machine"] for r in rows.values()})
        out += [f"Machine: {m}" for m in machines] + [""]
        out.append("| " + " | ".join(label for _, label in cols) + " | date |")
        out.append("|" + "---:|" * len(cols) + "---|")
        for key in sorted(rows, key=lambda k: (len(k), k)):
            r = rows[key]
            out.append("| " + " | ".join(_fmt(r.get(k, "")) for k, _ in cols) + f" | {r['date']} |")
        if section in PEERS:
            out += ["", PEERS[section]]
        out.append("")
    PAGE.write_text("\n".join(out))
