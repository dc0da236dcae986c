"""The environment-variable catalog and the checklist exporters (no UI, no network)."""
