from __future__ import annotations

import pytest

from frontdesk_shopify.backend import build
from frontdesk_shopify.testing import FakeShopify


@pytest.fixture
def fake():
    with FakeShopify.seeded() as shop:
        yield shop


@pytest.fixture
def backend(fake):
    return build(fake.plugin_settings(catalog_cache_seconds=0))
