import datetime as dt

from frontdesk_booking.store import MAX_FAILED_CHECKS, BookingStore, normalise_reference

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 10, 9, tzinfo=UTC)


def _store(tmp_path):
    store = BookingStore(f"sqlite:///{tmp_path / 'b.db'}")
    record = store.add(backend="caldav", backend_id="x", service="haircut", resource="Sam", start=START,
                       end=START + dt.timedelta(minutes=45), name="Jane", email="Jane@Example.com",
                       phone="+44 7700 900123", conversation_id="c1")
    return store, record


def test_reference_and_contact_must_match(tmp_path):
    store, record = _store(tmp_path)
    assert record.reference.startswith("BK-") and len(record.reference) == 9
    assert store.verify(record.reference, "jane@example.com") == record
    assert store.verify(record.reference.lower().replace("-", " "), "07700 900123") == record  # 07700… is +44 7700…
    assert store.verify(record.reference, "mallory@example.com") is None
    assert store.verify("BK-AAAAAA", "jane@example.com") is None


def test_guessing_locks_the_booking(tmp_path):
    store, record = _store(tmp_path)
    for _ in range(MAX_FAILED_CHECKS):
        assert store.verify(record.reference, "guess@example.com") is None
    assert store.verify(record.reference, "jane@example.com") is None  # locked: a person must help now


def test_tokens_are_unguessable_and_unique(tmp_path):
    store, record = _store(tmp_path)
    assert len(record.ics_token) >= 32
    assert store.by_token(record.ics_token) == record
    assert store.by_token(record.ics_token[:-1] + "x") is None or record.ics_token.endswith("x")


def test_reminder_claim_is_once(tmp_path):
    store, record = _store(tmp_path)
    now = START - dt.timedelta(hours=3)
    assert [r.reference for r in store.due_for_reminder(now, dt.timedelta(days=1))] == [record.reference]
    assert store.claim_reminder(record.reference, now)
    assert not store.claim_reminder(record.reference, now)
    assert store.due_for_reminder(now, dt.timedelta(days=1)) == []


def test_normalise_reference():
    assert normalise_reference("bk 7f3k2q") == "BK-7F3K2Q"
    assert normalise_reference("BK-7F3K2Q") == "BK-7F3K2Q"
