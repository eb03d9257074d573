"""Phone calls on this machine: turn latency by stage, barge-in, and how many calls keep real time.

    .venv/bin/python bench/voice_calls.py [--calls 4,6,8]

The server (demo shop, real engine, pocketsphinx + Piper) runs in its own process
(``bench/voice_server.py``), once per configuration, both alive for the whole run and used
in turn, so the two are measured side by side under the same machine load:

- ``in-process``: recognition in the server's process (``stt_processes = 0``; how 0.1.0 ran);
- ``workers``: recognition in two worker processes (``stt_processes = 2``; the default now).

Both build 6 pocketsphinx decoders in the warm-up. The callers are local Twilio Media Streams
peers in *this* process, talking and listening in real time (Piper-voiced sentences, 20 ms
μ-law frames at 8 kHz). Turn latency (server's clock) = caller's last voiced frame → first bot
audio frame sent, split into endpointing, final STT, engine, TTS time to first audio. "Heard"
(peer's clock) = end of the caller's sentence audio → first bot audio received. Underruns are
counted on each peer's playout clock. CPU and memory are the server's process plus its
recognition workers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voice"))

from tests.peers import TwilioPeer  # noqa: E402
from tests.speech_samples import piper  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ["What are your opening hours?", "Where is my order?", "one zero zero two",
          "Do you sell trail running shoes?", "How long does delivery take?", "Can I return my shoes?"]
CONFIGS = {"in-process": {"stt_processes": 0, "pocketsphinx_decoders": 6},
           "workers": {"stt_processes": 2, "pocketsphinx_decoders": 6}}
TICKS = os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1) if values else -1.0


class Server:
    """One ``bench/voice_server.py`` process and the recognition workers it started."""

    def __init__(self, label: str, voice: dict):
        self.label = label
        self.process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "voice_server.py"), json.dumps(voice)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        hello = json.loads(self.process.stdout.readline())
        self.port, self.pid = hello["port"], hello["pid"]

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/voice/twilio"

    def pids(self) -> list[int]:
        children = []
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            children += [int(p) for p in (task / "children").read_text().split()]
        return [self.pid, *children]

    def rss_mb(self) -> float:
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        return total / 1024

    def cpu_s(self) -> float:
        total = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICKS

    def close(self) -> None:
        self.process.stdin.write("quit\n")
        self.process.stdin.flush()
        self.process.wait(60)


def one_caller(url: str, turns: list[str], results: list, caller: str = "+14155550123") -> None:
    peer = TwilioPeer(url, caller=caller, speed=1.0).start()
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


def heard_latencies(peer: TwilioPeer) -> list[float]:
    """End of each caller sentence → the first bot audio that arrived after it (peer's clock)."""
    out = []
    for ended in peer.speech_ended_at:
        after = [t for t in peer.audio_times if t > ended]
        if after:
            out.append((after[0] - ended) * 1000)
    return out


def stage_summary(turns: list[dict]) -> dict:
    speech = [t["stages_ms"] for t in turns if t["source"] == "speech"]
    return {stage: {"p50": pct([s[stage] for s in speech], 0.5), "p95": pct([s[stage] for s in speech], 0.95)}
            for stage in ("endpointing", "stt_final", "engine", "tts_first_audio", "total")} | {"turns": len(speech)}


def single_call(server: Server, calls: int = 3) -> dict:
    """One caller at a time, the six-turn script each time (18 turns: a median of 6 moves too much)."""
    server.ask("reset")
    results: list = []
    for _ in range(calls):
        one_caller(server.url(), SCRIPT, results)
    heard = [v for p in results for v in heard_latencies(p)]
    return stage_summary(server.ask("metrics")["turns"]) | {"heard_p50_ms": pct(heard, 0.5)}


def barge_ins(server: Server, attempts: int = 5) -> dict:
    server.ask("reset")
    for _ in range(attempts):
        peer = TwilioPeer(server.url(), caller=None, speed=1.0).start()
        try:
            time.sleep(1.2)  # the greeting is playing
            peer.say(piper("Sorry, can I speak to someone?"))
            deadline = time.time() + 5
            while not peer.events_of("clear") and time.time() < deadline:
                time.sleep(0.01)
        finally:
            peer.close()
    time.sleep(1.0)  # let the server notice the hang-ups
    values = server.ask("metrics")["barge_ins_ms"]
    return {"values": [round(v, 1) for v in values], "p50": pct(values, 0.5)}


def concurrent(server: Server, n: int) -> dict:
    """N callers ringing 250 ms apart, three turns each, all talking at about the same moment."""
    server.ask("reset")
    base = server.rss_mb()
    peak = [base]
    results: list = []
    threads = [threading.Thread(target=one_caller, args=(server.url(), SCRIPT[:3], results, f"+1555000{i:04d}"))
               for i in range(n)]
    cpu0, wall0 = server.cpu_s(), time.perf_counter()
    for thread in threads:
        thread.start()
        time.sleep(0.25)  # calls don't all ring in the same millisecond

    def watch() -> None:
        while any(t.is_alive() for t in threads):
            peak.append(server.rss_mb())
            time.sleep(0.5)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for thread in threads:
        thread.join()
    watcher.join()
    cpu = 100 * (server.cpu_s() - cpu0) / (time.perf_counter() - wall0)
    summary = stage_summary(server.ask("metrics")["turns"])
    gaps = [g for p in results for g in p.gaps_ms]
    heard = [v for p in results for v in heard_latencies(p)]
    return {
        "completed_calls": len(results),
        "underruns": sum(p.underruns for p in results),
        "underrun_gap_ms_max": max(gaps, default=0.0),
        "turn_total_ms": summary["total"],
        "heard_ms": {"p50": pct(heard, 0.5), "p95": pct(heard, 0.95)},
        "endpointing_p50_ms": summary["endpointing"]["p50"],
        "stt_final_p50_ms": summary["stt_final"]["p50"],
        "engine_p50_ms": summary["engine"]["p50"],
        "tts_first_audio_p50_ms": summary["tts_first_audio"]["p50"],
        "cpu_percent_of_one_core": round(cpu),
        "rss_before_mb": round(base),
        "memory_per_call_mb": round((max(peak) - base) / n, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", default="4,6,8")
    args = parser.parse_args()
    for text in set(SCRIPT) | {"Sorry, can I speak to someone?"}:
        piper(text)  # synthesise the callers' sentences before anything is measured
    started = time.perf_counter()
    servers = {label: Server(label, voice) for label, voice in CONFIGS.items()}
    out: dict = {"servers_ready_s": round(time.perf_counter() - started, 1),
                 "rss_after_warmup_mb": {label: round(s.rss_mb()) for label, s in servers.items()}}
    try:
        for label, server in servers.items():
            out[f"single_call/{label}"] = single_call(server)
            out[f"barge_in_ms/{label}"] = barge_ins(server)
        for n in [int(x) for x in args.calls.split(",")]:
            for label, server in servers.items():
                out[f"{n}_calls/{label}"] = concurrent(server, n)
                print(f"{n} calls, {label}: {json.dumps(out[f'{n}_calls/{label}'])}", file=sys.stderr, flush=True)
        out["decoders"] = {label: s.ask("metrics")["decoders"] for label, s in servers.items()}
    finally:
        for server in servers.values():
            server.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
