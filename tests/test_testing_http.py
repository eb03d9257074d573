"""frontdesk.testing's HTTP helpers: serve() runs a real Frontdesk on a port, ApiCustomer talks to it.

(``install_into_fresh_venv`` is exercised by the plugins' slow wheel-install tests.)
"""

from __future__ import annotations

import pytest
import requests

from frontdesk.testing import ApiCustomer, demo_settings, serve


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    settings = demo_settings(tmp_path_factory.mktemp("fd"), {
        "sites": [{"key": "demo", "secret": "test-secret", "origins": ["http://shop.test"], "languages": ["en"]}]})
    with serve(settings) as (url, frontdesk):
        yield url, frontdesk


def test_serve_answers_on_a_real_port(running):
    url, frontdesk = running
    assert url.startswith("http://127.0.0.1:")
    assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
    assert frontdesk.settings["sites"][0]["key"] == "demo"


def test_api_customer_talks_and_reads_back_its_conversation(running):
    url, frontdesk = running
    customer = ApiCustomer(url)
    answer = customer.say("is the trail runer available in size 10 blue")
    assert "Trail Runner (10 / Blue) is in stock" in answer["text"]
    assert any(card["title"] == "Trail Runner" for card in answer["cards"])
    texts = [(m["role"], m["text"]) for m in customer.messages()]
    assert ("customer", "is the trail runer available in size 10 blue") in texts
    assert any(role == "bot" and "is in stock" in text for role, text in texts)
    assert frontdesk.conversations.get(customer.id) is not None


def test_two_customers_have_separate_conversations(running):
    url, _ = running
    first, second = ApiCustomer(url), ApiCustomer(url)
    first.say("is the trail runer available in size 10 blue")
    assert first.id != second.id
    assert all("trail runer" not in m["text"] for m in second.messages())


def test_the_server_stops_when_the_block_ends(tmp_path):
    with serve(demo_settings(tmp_path)) as (url, _):
        assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/healthz", timeout=2)
