"""Front ends: the Textual app and the plain questionary flow.

Only this package imports UI libraries."""
