"""frontdesk-giftcard: an example third-party Frontdesk plugin (gift card balances)."""

__version__ = "0.1.0"
