"""One module per external service: its live checks and its API calls. No UI, no wizard imports."""
