"""The in-process bus: every subscriber of a conversation (and of ALL) sees each event once, in order."""

from __future__ import annotations

from frontdesk.bus import ALL, Bus


def test_subscribers_get_events_in_order():
    bus = Bus()
    tab_a, tab_b, inbox, other = bus.subscribe("c1"), bus.subscribe("c1"), bus.subscribe(ALL), bus.subscribe("c2")
    for n in range(3):
        bus.publish("c1", {"type": "message", "n": n})
    for sub in (tab_a, tab_b, inbox):
        assert [sub.get(timeout=1)["n"] for _ in range(3)] == [0, 1, 2]
    assert other.get(timeout=0.05) is None
    assert inbox.get(timeout=0.05) is None


def test_closed_subscription_stops_receiving():
    bus = Bus()
    with bus.subscribe("c1") as sub:
        pass
    bus.publish("c1", {"type": "message"})
    assert sub.get(timeout=0.05) is None
    assert bus._subs == {}


def test_a_stuck_reader_never_blocks_the_publisher():
    bus = Bus()
    stuck = bus.subscribe("c1")
    for n in range(2000):  # more than the queue holds
        bus.publish("c1", {"n": n})
    assert stuck.get(timeout=1)["n"] == 0
