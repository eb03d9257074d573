"""Phone calls on this machine: turn latency by stage, barge-in, and how many calls keep real time.

    .venv/bin/python bench/voice_calls.py [--calls 4,6,8]

Runs the real server (demo shop, real engine, pocketsphinx + Piper) in this process and
drives it with local Twilio Media Streams peers that talk and listen in real time
(Piper-voiced caller sentences, 20 ms μ-law frames). Turn latency = caller's last voiced
frame → first bot audio frame sent, split into endpointing (silence the VAD waits for),
final STT, engine (intent + action), TTS time to first audio. The peers run in the same
process as the server, so they compete for the same two cores and the GIL: a pessimistic setup.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voice"))

from tests.conftest import start_server  # noqa: E402
from tests.peers import TwilioPeer  # noqa: E402
from tests.speech_samples import piper  # noqa: E402

SCRIPT = ["What are your opening hours?", "Where is my order?", "one zero zero two",
          "Do you sell trail running shoes?", "How long does delivery take?", "Can I return my shoes?"]


POOL_FOR_BENCH = 6
"""Decoders the warm-up builds in the "after" runs: one per caller at the goal of 6 calls (the shipped default is 2)."""

def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1) if values else -1.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_caller(live, turns: list[str], results: list, caller: str = "+14155550123") -> None:
    peer = TwilioPeer(live.ws("/voice/twilio"), caller=caller, speed=1.0).start()
    try:
        peer.wait_idle(timeout=60)
        for text in turns:
            peer.say(piper(text))
            peer.wait_idle(timeout=60)
        results.append(peer)
    finally:
        peer.stop()
        time.sleep(0.3)
        peer.close()


def stage_summary(turns: list[dict]) -> dict:
    speech = [t["stages_ms"] for t in turns if t["source"] == "speech"]
    return {f"{stage}_ms": {"p50": pct([s[stage] for s in speech], 0.5), "p95": pct([s[stage] for s in speech], 0.95)}
            for stage in ("endpointing", "stt_final", "engine", "tts_first_audio", "total")} | {"turns": len(speech)}


def barge_ins(live, attempts: int = 5) -> list[float]:
    latencies = []
    for _ in range(attempts):
        before = set(live.voice.calls)
        peer = TwilioPeer(live.ws("/voice/twilio"), caller=None, speed=1.0).start()
        try:
            time.sleep(1.2)  # the greeting is playing
            call = next(c for c in list(live.voice.calls) if c not in before)
            peer.say(piper("Sorry, can I speak to someone?"))
            deadline = time.time() + 5
            while not peer.events_of("clear") and time.time() < deadline:
                time.sleep(0.01)
            if call.record.barge_ins:
                latencies.append(call.record.barge_ins[0] * 1000)
        finally:
            peer.close()
    return latencies


def set_pool(stt, size: int) -> None:
    """Leave exactly ``size`` idle pocketsphinx decoders in the pool (drops extra ones, builds missing ones)."""
    pool = getattr(stt, "_pool", None)
    if pool is None:
        return
    while stt.decoders_created > size and not pool.empty():
        pool.get_nowait()
        stt.decoders_created -= 1
    gc.collect()
    stt.fill_pool(size)


def concurrent(live, n: int) -> dict:
    """N callers ringing 250 ms apart, three turns each; underruns counted on each peer's playout clock."""
    live.voice.turn_metrics.clear()
    base = rss_mb()
    peak = [base]
    results: list = []
    threads = [threading.Thread(target=one_caller, args=(live, SCRIPT[:3], results, f"+1555000{i:04d}")) for i in range(n)]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
        time.sleep(0.25)  # calls don't all ring in the same millisecond

    def watch() -> None:
        while any(t.is_alive() for t in threads):
            peak.append(rss_mb())
            time.sleep(0.5)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for thread in threads:
        thread.join()
    watcher.join()
    cpu = 100 * (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    summary = stage_summary(list(live.voice.turn_metrics))
    gaps = [g for p in results for g in p.gaps_ms]
    return {
        "completed_calls": len(results),
        "underruns": sum(p.underruns for p in results),
        "underrun_gap_ms_max": max(gaps, default=0.0),
        "queue_empty_events_old_count": sum(p.queue_empty_events for p in results),
        "turn_total_ms": summary["total_ms"],
        "endpointing_ms": summary["endpointing_ms"],
        "engine_ms": summary["engine_ms"],
        "cpu_percent_of_one_core": round(cpu),
        "memory_per_call_mb": round((max(peak) - base) / n, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", default="4,6,8")
    args = parser.parse_args()
    live = start_server(Path(tempfile.mkdtemp()))
    started = time.perf_counter()
    live.voice.prerender()  # load models, prime the recogniser and pre-render prompts before measuring
    out_warmup_s = round(time.perf_counter() - started, 1)
    out: dict = {"warmup_s": out_warmup_s, "rss_after_warmup_mb": round(rss_mb(), 1)}
    single: list = []
    one_caller(live, SCRIPT, single)
    out["single_call"] = stage_summary(list(live.voice.turn_metrics))
    out["barge_in_ms"] = {"values": [round(v, 1) for v in barge_ins(live)]}
    out["barge_in_ms"]["p50"] = pct(out["barge_in_ms"]["values"], 0.5)
    stt = live.voice.stt
    for n in [int(x) for x in args.calls.split(",")]:
        # Side by side: "before" = decoders built on demand while calls are live (the old warm-up made
        # one); "after" = the warm-up builds the pool (pocketsphinx_decoders) before any call.
        for label, pool in (("before", 1), ("after", POOL_FOR_BENCH)):
            set_pool(stt, pool)
            out[f"{n}_concurrent_{label}"] = concurrent(live, n) | {"decoders_ready": pool}
    out["decoders_created"] = getattr(stt, "decoders_created", None)
    out["rss_mb"] = round(rss_mb(), 1)
    print(json.dumps(out, indent=2))
    live.close()


if __name__ == "__main__":
    main()
