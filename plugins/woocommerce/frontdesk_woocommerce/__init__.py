"""Frontdesk ↔ WooCommerce: products, orders, tracking, payment links, order changes and webhooks via REST wc/v3."""

__version__ = "0.1.0"
