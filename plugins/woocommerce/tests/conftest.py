from __future__ import annotations

import pytest

from frontdesk_woocommerce.backend import build
from frontdesk_woocommerce.testing import FakeWooCommerce


@pytest.fixture(params=["oauth-http", "basic-https"])
def fake(request):
    """Every backend test runs twice: plain http with OAuth 1.0a, and https (self-signed) with Basic auth."""
    with FakeWooCommerce.seeded(tls=request.param == "basic-https") as shop:
        yield shop


@pytest.fixture
def http_fake():
    with FakeWooCommerce.seeded() as shop:
        yield shop


@pytest.fixture
def backend(fake):
    return build(fake.plugin_settings(catalog_cache_seconds=0))
