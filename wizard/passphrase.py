"""How the vault asks for its passphrase: the callback's shape and how often it may ask.

Shared by the secret store (which supplies the callback) and the vault (which calls it), so
neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable

#: ``passphrase(new, wrong)``: the vault passphrase, or None when there is no other to try.
#: ``new`` is True when creating the vault; ``wrong`` counts wrong ones already given (0 first).
PassphraseFn = Callable[[bool, int], str | None]
#: passphrases a person may type before the vault gives up (the variable gets one try)
PASSPHRASE_TRIES = 3
