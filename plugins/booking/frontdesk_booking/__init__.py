"""Frontdesk booking plugin: appointments over CalDAV (embedded Radicale by default) or Cal.com."""
