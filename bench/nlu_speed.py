"""Speed of the offline NLU: construction/training time and per-message parse latency.

    python bench/nlu_speed.py                 # 3 constructions, 4,000 parses
    python bench/nlu_speed.py --lines 10000 --json out.json

Parse latency is measured over real customer phrasing (both halves of the Bitext sample,
cycled) plus hand-written lines with entities, with a six-product catalog in the context.
Each parse is timed on its own with time.perf_counter(); a first pass warms caches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nlu_accuracy import build_nlu, context, load_dataset  # noqa: E402

EXTRA_LINES = [
    "where is my order #1001? my email is sam@example.com",
    "can i book a fitting next tuesday at 3",
    "do you have the trail runers in blue, size 10",
    "I'd like 2 wool socks please",
    "postcode SW1A 1AA",
    "one zero zero one",
    "cancel order 1002",
    "yes please",
    "no",
    "never mind",
]


def side_by_side(nlu, lines: list[str], ctx: dict) -> dict:
    """Medians, per message, of the fast paths next to the library calls they replace."""
    import re

    from hassil import Intents, recognize_all
    from scipy.sparse import hstack

    from frontdesk.nlu.templates import normalise_template, placeholder, slot_types, with_placeholders
    from frontdesk.nlu.text import tokens

    refs = re.compile(r"\{(\w+)\}")
    hassil_intents = Intents.from_dict({
        "language": "en",
        "intents": {
            i.name: {"data": [{"sentences": [normalise_template(t) for t in i.templates]}]}
            for i in nlu.intents if i.templates
        },
        "lists": {
            **{n: {"values": [normalise_template(v) for v in vs]} for i in nlu.intents for n, vs in i.lists.items()},
            **{n: {"values": [placeholder(t) for t in slot_types(i, n)]}
               for i in nlu.intents for t_ in i.templates for n in refs.findall(t_) if n not in i.lists},
        },
    })
    texts = [" ".join(tokens(with_placeholders(line, nlu.extract(line, ctx), nlu.templates.placeholder_types)))
             for line in lines]
    model_texts = [nlu.classifier.model_text(t.split()) for t in texts]
    classifier = nlu.classifier

    def median_ms(fn, items):
        timings = []
        for item in items:
            started = time.perf_counter()
            fn(item)
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

    figures = {
        "templates_regex_ms": median_ms(nlu.templates.match, texts),
        "templates_hassil_ms": median_ms(lambda t: list(recognize_all(t, hassil_intents)), texts),
        "model_fast_ms": median_ms(classifier.margins, model_texts),
        "model_sklearn_ms": median_ms(
            lambda t: classifier.model.decision_function(
                hstack([classifier.words.transform([t]), classifier.chars.transform([t])])
            ),
            model_texts,
        ),
    }
    print(
        f"side by side, median per message: templates regex {figures['templates_regex_ms']:.3f} ms vs hassil "
        f"recognize_all {figures['templates_hassil_ms']:.3f} ms "
        f"(x{figures['templates_hassil_ms'] / figures['templates_regex_ms']:.0f}); model single-text path "
        f"{figures['model_fast_ms']:.3f} ms vs scikit-learn transform+decision_function "
        f"{figures['model_sklearn_ms']:.3f} ms (x{figures['model_sklearn_ms'] / figures['model_fast_ms']:.0f})"
    )
    return figures


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=4000)
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    build_times, build_cpu = [], []
    for _ in range(args.builds):
        started, started_cpu = time.perf_counter(), time.process_time()
        nlu = build_nlu()
        build_times.append(time.perf_counter() - started)
        build_cpu.append(time.process_time() - started_cpu)

    halves = load_dataset()
    corpus = [text for rows in halves.values() for text, _ in rows] + EXTRA_LINES
    lines = [corpus[(i * 7919) % len(corpus)] for i in range(args.lines)]  # spread over the dataset
    ctx = context()
    for line in lines[:200]:
        nlu.parse(line, ctx)  # warm-up (first hassil match, lazy imports)

    timings = []
    cpu_timings = []  # thread CPU time: what the parse costs, without time spent preempted
    for line in lines:
        started, started_cpu = time.perf_counter(), time.thread_time()
        nlu.parse(line, ctx)
        timings.append((time.perf_counter() - started) * 1000)
        cpu_timings.append((time.thread_time() - started_cpu) * 1000)
    extract_timings = []
    for line in lines:
        started = time.perf_counter()
        nlu.extract(line, ctx)
        extract_timings.append((time.perf_counter() - started) * 1000)

    figures = {
        "build_seconds_median": statistics.median(build_times),
        "build_seconds_all": build_times,
        "build_cpu_seconds_median": statistics.median(build_cpu),
        "parses": len(timings),
        "parse_ms_p50": percentile(timings, 50),
        "parse_ms_p90": percentile(timings, 90),
        "parse_ms_p99": percentile(timings, 99),
        "parse_ms_max": max(timings),
        "parse_cpu_ms_p50": percentile(cpu_timings, 50),
        "parse_cpu_ms_p99": percentile(cpu_timings, 99),
        "load_average_1min": os.getloadavg()[0],
        "cpus": os.cpu_count(),
        "extract_ms_p50": percentile(extract_timings, 50),
        "extract_ms_p99": percentile(extract_timings, 99),
    }
    print(
        f"NLU construction (training): median {figures['build_seconds_median']:.2f} s wall, "
        f"{figures['build_cpu_seconds_median']:.2f} s CPU, over {args.builds}"
    )
    print(
        f"parse over {len(timings)} lines: p50 {figures['parse_ms_p50']:.2f} ms, "
        f"p90 {figures['parse_ms_p90']:.2f} ms, p99 {figures['parse_ms_p99']:.2f} ms, max {figures['parse_ms_max']:.1f} ms"
    )
    print(
        f"parse CPU time (thread_time): p50 {figures['parse_cpu_ms_p50']:.2f} ms, p99 {figures['parse_cpu_ms_p99']:.2f} ms"
        f"  (load average {figures['load_average_1min']:.1f} on {figures['cpus']} CPUs)"
    )
    print(f"extract only: p50 {figures['extract_ms_p50']:.3f} ms, p99 {figures['extract_ms_p99']:.3f} ms")
    figures.update(side_by_side(nlu, lines[:500], ctx))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
