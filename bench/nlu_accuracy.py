"""Intent accuracy of the offline NLU on real customer phrasing it was never shown.

Dataset: the Bitext customer-service sample in ../shared/datasets/bitext-customer-service/
(see its README for the intent mapping). It is split deterministically into two halves by a
CRC32 of the utterance: the *dev* half may be looked at while improving templates and
examples; the *test* half is only ever scored. Nothing from the dataset is copied into the
project. A sentence counts as right only when the NLU returns the mapped intent (an
"I don't know" — intent None — counts as wrong).

    python bench/nlu_accuracy.py                 # per-intent and macro accuracy, dev and test
    python bench/nlu_accuracy.py --json out.json
    python bench/nlu_accuracy.py --errors 40     # show dev-half mistakes (never test)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
import zlib
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "core"))

from frontdesk.default_plugins.builtin_entities import EXTRACTORS  # noqa: E402
from frontdesk.default_plugins.builtin_intents import INTENTS_DIR  # noqa: E402
from frontdesk.nlu import NLU, load_intents  # noqa: E402

DATASET = REPO.parent / "shared" / "datasets" / "bitext-customer-service" / "utterances.csv"

MAPPING = {
    "track_order": "order.status",
    "cancel_order": "order.cancel",
    "change_order": "order.change",
    "place_order": "order.place",
    "change_shipping_address": "order.change_address",
    "set_up_shipping_address": "order.change_address",
    "check_invoice": "order.invoice",
    "get_invoice": "order.invoice",
    "delivery_options": "shipping.info",
    "delivery_period": "shipping.info",
    "check_refund_policy": "returns.policy",
    "get_refund": "refund.request",
    "track_refund": "refund.status",
    "check_payment_methods": "payment.methods",
    "payment_issue": "payment.issue",
    "contact_human_agent": "handoff.human",
    "contact_customer_service": "handoff.human",
    "complaint": "feedback.complaint",
    "review": "feedback.review",
    "create_account": "account.help",
    "delete_account": "account.help",
    "edit_account": "account.help",
    "recover_password": "account.help",
    "switch_account": "account.help",
    "registration_problems": "account.help",
    "newsletter_subscription": "newsletter.subscribe",
}

# Realistic values for the {{Placeholder}} slots some Bitext sentences carry.
PLACEHOLDER_VALUES = {
    "order number": "#1001",
    "invoice number": "1001",
    "person name": "Sam Taylor",
    "account type": "premium",
    "account category": "business",
    "delivery city": "Leeds",
    "delivery country": "Ireland",
    "refund amount": "£40",
    "currency symbol": "£",
    "website url": "example-shop.co.uk",
    "customer support phone number": "0161 496 0000",
    "customer support email": "help@example-shop.co.uk",
    "email address": "sam@example.com",
}
PLACEHOLDER = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")
CATALOG = ["Trail Runner", "Canvas Tote Bag", "Wool Socks", "Blue Mug", "Rain Jacket", "Gift Card"]


def context() -> dict:
    zone = ZoneInfo("Europe/London")
    return {"catalog": CATALOG, "now": datetime(2026, 3, 10, 11, 0, tzinfo=zone), "timezone": "Europe/London"}


def fill_placeholders(text: str) -> str:
    return PLACEHOLDER.sub(lambda m: PLACEHOLDER_VALUES.get(m.group(1).lower(), m.group(1)), text)


def split_of(utterance: str) -> str:
    return "dev" if zlib.crc32(utterance.strip().lower().encode()) % 2 == 0 else "test"


def load_dataset(path: Path = DATASET) -> dict[str, list[tuple[str, str]]]:
    """{"dev": [(utterance, frontdesk_intent)], "test": [...]} for the mapped intents."""
    if not path.exists():
        raise FileNotFoundError(
            f"NLU accuracy dataset not found at {path}: it is expected in ../shared/datasets/"
            "bitext-customer-service/ relative to the repository root"
        )
    halves: dict[str, list[tuple[str, str]]] = {"dev": [], "test": []}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            intent = MAPPING.get(row["intent"])
            if intent:
                text = fill_placeholders(row["utterance"])
                halves[split_of(row["utterance"])].append((text, intent))
    return halves


def build_nlu(**kwargs) -> NLU:
    return NLU(load_intents(INTENTS_DIR / "en.yaml"), EXTRACTORS, language="en", **kwargs)


def score(nlu: NLU, rows: list[tuple[str, str]]) -> dict:
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    mistakes: list[tuple[str, str, str | None, float]] = []
    ctx = context()
    for text, expected in rows:
        result = nlu.parse(text, ctx)
        total[expected] += 1
        if result.intent == expected:
            right[expected] += 1
        else:
            mistakes.append((text, expected, result.intent, result.confidence))
    per_intent = {intent: right[intent] / total[intent] for intent in sorted(total)}
    return {
        "macro": sum(per_intent.values()) / len(per_intent),
        "overall": sum(right.values()) / sum(total.values()),
        "sentences": sum(total.values()),
        "per_intent": per_intent,
        "mistakes": mistakes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--errors", type=int, default=0, help="print this many dev-half mistakes")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--only", choices=["dev", "test"], help="score only one half")
    args = parser.parse_args()

    halves = load_dataset()
    started = time.perf_counter()
    nlu = build_nlu(**({"threshold": args.threshold} if args.threshold is not None else {}))
    print(f"NLU built and trained in {time.perf_counter() - started:.2f} s (threshold {nlu.threshold})")
    results = {name: score(nlu, rows) for name, rows in halves.items() if args.only in (None, name)}

    intents = sorted({i for r in results.values() for i in r["per_intent"]})
    print(f"\n{'intent':24}" + "".join(f"{name:>8}" for name in results))
    for intent in intents:
        print(f"{intent:24}" + "".join(f"{r['per_intent'][intent]:8.3f}" for r in results.values()))
    for label in ("macro", "overall"):
        print(f"{label.upper():24}" + "".join(f"{r[label]:8.3f}" for r in results.values()))
    print("sentences".ljust(24) + "".join(f"{r['sentences']:8d}" for r in results.values()))

    if args.errors and "dev" in results:
        print("\nDev-half mistakes (text | expected | got | confidence):")
        for text, expected, got, confidence in results["dev"]["mistakes"][: args.errors]:
            print(f"  {text!r} | {expected} | {got} | {confidence:.2f}")
    if args.json:
        out = {name: {k: v for k, v in r.items() if k != "mistakes"} for name, r in results.items()}
        out["training_seconds"] = nlu.training_seconds
        out["threshold"] = nlu.threshold
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
