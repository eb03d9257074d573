"""frontdesk.backend_settings: finding, checking and typing a back-end plugin's [plugins.<name>] table."""

from __future__ import annotations

import pytest

from frontdesk.backend_settings import client_problems, client_settings, commerce_table_problems, plugin_table


def test_plugin_table_is_the_named_table_or_empty():
    assert plugin_table({"plugins": {"acme": {"url": "x"}}}, "acme") == {"url": "x"}
    assert plugin_table({"plugins": {"other": {"url": "x"}}}, "acme") == {}
    assert plugin_table({"plugins": None}, "acme") == {}
    assert plugin_table({}, "acme") == {}


def needs_url(table):
    return [] if table.get("url") else ["[plugins.acme] url is missing"]


def test_nothing_to_say_when_neither_chosen_nor_configured():
    assert commerce_table_problems({"commerce": {"backend": "demo"}}, "acme", needs_url) is None


def test_chosen_without_a_table_is_a_problem():
    assert commerce_table_problems({"commerce": {"backend": "acme"}}, "acme", needs_url) == [
        '[commerce] backend is "acme" but there is no [plugins.acme] table']


@pytest.mark.parametrize("commerce", [{"backend": "acme"}, {"backend": "demo"}])
def test_a_present_table_is_checked_whether_or_not_chosen(commerce):
    assert commerce_table_problems({"commerce": commerce, "plugins": {"acme": {"x": 1}}}, "acme", needs_url) == [
        "[plugins.acme] url is missing"]
    assert commerce_table_problems({"commerce": commerce, "plugins": {"acme": {"url": "u"}}}, "acme",
                                   needs_url) is None


def test_usable_client_knobs_have_no_problems():
    assert client_problems({}, "acme") == []
    assert client_problems({"timeout": 2, "retry_base_delay": 0.1, "max_retry_wait": 0, "catalog_cache_seconds": 0,
                            "max_retries": 0}, "acme") == []


def test_bad_client_knobs_are_each_named():
    found = client_problems({"timeout": "soon", "retry_base_delay": -1, "max_retry_wait": None,
                             "catalog_cache_seconds": [], "max_retries": 1.5}, "acme")
    assert found == [
        "[plugins.acme] timeout must be a number of seconds",
        "[plugins.acme] retry_base_delay must be a number of seconds",
        "[plugins.acme] max_retry_wait must be a number of seconds",
        "[plugins.acme] catalog_cache_seconds must be a number of seconds",
        "[plugins.acme] max_retries must be a whole number",
    ]
    assert client_problems({"max_retries": -1}, "acme") == ["[plugins.acme] max_retries must be a whole number"]


def test_client_settings_fill_defaults_and_type_values():
    assert client_settings({}) == {"timeout": 10.0, "retry_base_delay": 0.5, "max_retry_wait": 10.0,
                                   "catalog_cache_seconds": 60.0, "max_retries": 3}
    knobs = client_settings({"timeout": 2, "max_retries": 5, "catalog_cache_seconds": 0})
    assert knobs["timeout"] == 2.0 and isinstance(knobs["timeout"], float)
    assert knobs["max_retries"] == 5 and knobs["catalog_cache_seconds"] == 0.0
