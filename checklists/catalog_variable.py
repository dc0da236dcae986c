"""``Variable``: one entry of the catalog (``checklists.catalog`` loads them)."""

from __future__ import annotations

from checklists.frozen import Frozen

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final


class Variable(Frozen):
    """One value the wizard collects."""

    __match_args__ = (
        "name",
        "phase",
        "destinations",
        "required",
        "secret",
        "description",
        "example",
        "where",
        "default",
        "generator",
        "prefixes",
        "schemes",
        "min_length",
        "pattern",
        "pattern_help",
        "wrong_prefixes",
        "checks",
        "trim_slash",
        "bare_url",
        "default_from",
    )
    __slots__ = __match_args__
    name: Final[str]
    #: id of the phase whose screen asks for it
    phase: Final[str]
    #: where it ends up: ``render`` (backend env), ``vercel`` (frontend env), ``wizard`` (only
    #: used here)
    destinations: Final[tuple[str, ...]]
    required: Final[bool]
    #: secrets live only in the secret store and are masked everywhere
    secret: Final[bool]
    description: Final[str]
    #: an example that is obviously not a real value
    example: Final[str]
    #: the plan's directions to find the value
    where: Final[str]
    default: Final[str | None]
    #: name of a generator (``jwt-secret``) that can produce the value
    generator: Final[str | None]
    prefixes: Final[tuple[str, ...]]
    schemes: Final[tuple[str, ...]]
    min_length: Final[int]
    pattern: Final[str | None]
    pattern_help: Final[str]
    #: a prefix people paste by mistake -> what it really is and what to paste instead
    wrong_prefixes: Final[dict[str, str]]
    #: provider ids whose live checks use this value
    checks: Final[tuple[str, ...]]
    #: a URL that gets paths appended (``APP_URL`` + ``/api/…``): a trailing ``/`` is dropped
    trim_slash: Final[bool]
    #: a base URL only: a path (``/rest/v1``), query or fragment is refused with the fix
    bare_url: Final[bool]
    #: when not set, the value of this other variable stands in (``VITE_API_URL`` <- ``APP_URL``)
    default_from: Final[str | None]

    def __init__(
        self,
        name: str,
        phase: str,
        destinations: tuple[str, ...],
        required: bool,
        secret: bool,
        description: str,
        example: str,
        where: str,
        default: str | None = None,
        generator: str | None = None,
        prefixes: tuple[str, ...] = (),
        schemes: tuple[str, ...] = (),
        min_length: int = 0,
        pattern: str | None = None,
        pattern_help: str = "",
        wrong_prefixes: dict[str, str] | None = None,
        checks: tuple[str, ...] = (),
        trim_slash: bool = False,
        bare_url: bool = False,
        default_from: str | None = None,
    ) -> None:
        self.name = name
        self.phase = phase
        self.destinations = destinations
        self.required = required
        self.secret = secret
        self.description = description
        self.example = example
        self.where = where
        self.default = default
        self.generator = generator
        self.prefixes = prefixes
        self.schemes = schemes
        self.min_length = min_length
        self.pattern = pattern
        self.pattern_help = pattern_help
        self.wrong_prefixes = {} if wrong_prefixes is None else wrong_prefixes
        self.checks = checks
        self.trim_slash = trim_slash
        self.bare_url = bare_url
        self.default_from = default_from

    @property
    def app_env(self) -> bool:
        """True when the value goes into the application's environment (Render or Vercel)."""
        return any(d in ("render", "vercel") for d in self.destinations)
