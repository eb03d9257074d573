"""Frontdesk's own plugins, registered through the ``frontdesk`` entry point like any other."""
