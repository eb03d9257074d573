"""Frontdesk ↔ Shopify: products, orders, checkout links, order changes and webhooks through the GraphQL Admin API."""

__version__ = "0.1.0"
