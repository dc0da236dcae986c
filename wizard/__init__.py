"""convoai-setup core: project discovery, phases, state, secret store, writers and the CLI.

Nothing in this package imports a UI library; the front ends live in ``screens``.
"""

__version__ = "0.1.0"
