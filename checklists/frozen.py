"""``Frozen``: value semantics for the small record classes read on every start-up.

The catalog's variables, the phases, their statuses and the check registry were frozen
dataclasses; ``dataclasses`` imports ``inspect`` (with ``ast``, ``dis`` and ``tokenize``),
which costs more than ``status``'s whole run. These records are plain classes with
``__slots__`` instead, their fields ``Final`` for mypy, and this base gives them what the
dataclass did: equality, a hash and a repr over the fields, in the order ``__match_args__``
lists them (as a dataclass sets it; ``__slots__`` is the same tuple).
"""

from __future__ import annotations


class Frozen:
    """Equality, hash and repr over the fields a subclass lists in ``__match_args__``."""

    __slots__ = ()
    __match_args__: tuple[str, ...] = ()

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Frozen):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__name__}({fields})"
