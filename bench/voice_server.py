"""The server side of ``bench/voice_calls.py``, in its own process (so the peers never share its GIL).

    .venv/bin/python bench/voice_server.py '{"stt_processes": 2}'

Starts the demo shop with the voice line (real engine, pocketsphinx + Piper) on a free port,
finishes the warm-up (models, priming, prompts, decoders), then prints one JSON line
``{"port", "pid"}`` and answers commands read from stdin, one JSON line each:

- ``metrics`` → the per-stage timings of every turn since the last ``reset``, and the
  barge-in latencies (caller speech start → ``clear`` sent) of the calls that ended;
- ``reset`` → forget them;
- ``quit`` → hang up, close and exit.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "voice"))

from tests.conftest import start_server  # noqa: E402


def main() -> None:
    voice = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    live = start_server(Path(tempfile.mkdtemp()), voice)
    service = live.voice
    service.prerender()  # models, priming, prompts and decoders before any call is measured
    barge_ins: list[float] = []
    call_ended = service.call_ended

    def record_call(call) -> None:  # noqa: ANN001 - a Call
        barge_ins.extend(latency * 1000 for latency in call.record.barge_ins)
        call_ended(call)

    service.call_ended = record_call
    print(json.dumps({"port": live.port, "pid": __import__("os").getpid()}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "metrics":
            print(json.dumps({"turns": list(service.turn_metrics), "barge_ins_ms": barge_ins,
                              "decoders": getattr(service.stt, "decoders_created", None)}), flush=True)
        elif command == "reset":
            service.turn_metrics.clear()
            barge_ins.clear()
            print("{}", flush=True)
        elif command == "quit":
            break
    live.close()


if __name__ == "__main__":
    main()
