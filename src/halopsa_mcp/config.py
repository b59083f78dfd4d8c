"""Settings read from the environment, validated once at start.

Every problem is reported at once, each naming the environment variable to fix. The
client secret is a ``SecretStr``: it never appears in a repr, a log line or an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)


class ConfigError(Exception):
    """The environment does not describe a usable HaloPSA connection."""


def _http_url(value: str) -> str:
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL such as https://acme.halopsa.com")
    if parts.query or parts.fragment:
        raise ValueError("must not carry a query string or fragment")
    if parts.username or parts.password:
        raise ValueError("must not carry a user name or password; use the client credentials")
    return value


def _base_url(value: str) -> str:
    value = _http_url(value)
    # People paste the "Resource Server" URL from Halo's API settings, which ends in
    # /api; the client adds /api and /auth itself.
    if value.lower().endswith("/api"):
        value = value[: -len("/api")]
    return value


def _auth_url(value: str) -> str:
    value = _http_url(value)
    # The token endpoint's own URL is a natural thing to paste; the client adds /token.
    if value.lower().endswith("/token"):
        value = value[: -len("/token")]
    return value


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _attachment_dirs(value: object) -> tuple[Path, ...]:
    if isinstance(value, tuple):
        return value
    if not isinstance(value, str):
        raise ValueError("must be folder paths separated by os.pathsep")
    dirs = []
    for part in value.split(os.pathsep):
        if not part.strip():
            continue
        path = Path(part.strip()).expanduser()
        if not path.is_dir():
            raise ValueError(f"{part.strip()!r} is not an existing folder")
        # Resolved once here, so later checks compare real paths with real paths.
        dirs.append(path.resolve())
    return tuple(dirs)


AttachmentDirs = Annotated[tuple[Path, ...], BeforeValidator(_attachment_dirs)]


def _stripped(value: object) -> object:
    # A token pasted with a trailing newline would otherwise never match.
    return value.strip() if isinstance(value, str) else value


def _name_list(value: object) -> frozenset[str]:
    if isinstance(value, frozenset):
        return value
    if not isinstance(value, str):
        raise ValueError("must be names separated by commas")
    return frozenset(part.strip() for part in value.split(",") if part.strip())


NameList = Annotated[frozenset[str], BeforeValidator(_name_list)]
LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(lambda v: str(v).upper())
]
BaseUrl = Annotated[str, AfterValidator(_base_url)]
AuthUrl = Annotated[str, AfterValidator(_auth_url)]
NonBlank = Annotated[str, AfterValidator(_not_blank)]

# What each variable is for, used to make "missing" errors say what to set.
_HINTS = {
    "HALOPSA_URL": "your HaloPSA base URL, e.g. https://acme.halopsa.com",
    "HALOPSA_CLIENT_ID": (
        "the Client ID of an API application (HaloPSA: Config > Integrations > HaloPSA API)"
    ),
    "HALOPSA_CLIENT_SECRET": "the Client Secret of that API application",
}


class HaloSettings(BaseModel):
    """How to reach and authenticate against one HaloPSA instance."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    url: BaseUrl = Field(alias="HALOPSA_URL")
    client_id: NonBlank = Field(alias="HALOPSA_CLIENT_ID")
    client_secret: SecretStr = Field(alias="HALOPSA_CLIENT_SECRET")
    tenant: NonBlank | None = Field(default=None, alias="HALOPSA_TENANT")
    scope: NonBlank = Field(default="all", alias="HALOPSA_SCOPE")
    auth_url: AuthUrl | None = Field(
        default=None,
        alias="HALOPSA_AUTH_URL",
        description="Authorisation server; defaults to {HALOPSA_URL}/auth.",
    )
    timeout: float = Field(default=30.0, gt=0, le=600, alias="HALOPSA_TIMEOUT")
    connect_timeout: float = Field(default=10.0, gt=0, le=120, alias="HALOPSA_CONNECT_TIMEOUT")
    max_retries: int = Field(default=3, ge=0, le=10, alias="HALOPSA_MAX_RETRIES")
    # A spent quota frees on its own schedule, often minutes away: rather than hold a
    # call that long, wait only briefly and tell the caller when to come back.
    max_rate_limit_wait: float = Field(
        default=5.0, ge=0, le=900, alias="HALOPSA_MAX_RATE_LIMIT_WAIT"
    )
    # Hosted HaloPSA's quota, on by default: the URL alone does not reliably tell a hosted
    # tenant from an on-premises server, and a wrong "off" costs refused requests where a
    # wrong "on" only caps throughput (`check` says which is in force).
    rate_limit_requests: int = Field(default=300, ge=0, alias="HALOPSA_RATE_LIMIT")
    rate_limit_window: float = Field(default=300.0, gt=0, alias="HALOPSA_RATE_LIMIT_WINDOW")
    call_limit: float | None = Field(
        default=None,
        gt=0,
        le=3600,
        alias="HALOPSA_CALL_TIMEOUT",
        description="Seconds a whole tool call may take, retries and waits included.",
    )

    @model_validator(mode="after")
    def _call_covers_an_answer(self) -> HaloSettings:
        if self.call_limit is not None and self.call_limit < self.timeout:
            raise ValueError(
                f"HALOPSA_CALL_TIMEOUT ({self.call_limit:g}s) must be at least HALOPSA_TIMEOUT "
                f"({self.timeout:g}s): a call must have time for one answer"
            )
        return self

    @property
    def call_timeout(self) -> float:
        """The bound on a whole tool call: as set, else a minute, or one full attempt
        (connection and answer) when that is longer."""
        if self.call_limit is not None:
            return self.call_limit
        return max(60.0, self.timeout + self.connect_timeout)

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    @property
    def token_url(self) -> str:
        return f"{self.auth_url or self.url + '/auth'}/token"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HaloSettings:
        return _from_env(cls, environ)


class ServerSettings(BaseModel):
    """How the MCP server applies the rules and caches the instance's lookups."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    default_outcome: NonBlank = Field(default="Private Note", alias="HALOPSA_DEFAULT_OUTCOME")
    default_ticket_type_id: int | None = Field(
        default=None, gt=0, alias="HALOPSA_DEFAULT_TICKET_TYPE_ID"
    )
    lookup_ttl: float = Field(default=300.0, ge=0, le=86_400, alias="HALOPSA_LOOKUP_TTL")
    max_attachment_mb: float = Field(default=10.0, gt=0, le=100, alias="HALOPSA_MAX_ATTACHMENT_MB")
    attachment_dirs: AttachmentDirs = Field(default=(), alias="HALOPSA_ATTACHMENT_DIRS")
    read_only: bool = Field(default=False, alias="HALOPSA_READ_ONLY")
    tools_allow: NameList = Field(default=frozenset(), alias="HALOPSA_TOOLS_ALLOW")
    tools_deny: NameList = Field(default=frozenset(), alias="HALOPSA_TOOLS_DENY")
    log_level: LogLevel = Field(default="INFO", alias="HALOPSA_LOG_LEVEL")
    warm_up: bool = Field(default=True, alias="HALOPSA_WARM_UP")

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.max_attachment_mb * 1024 * 1024)

    @property
    def max_request_bytes(self) -> int:
        """The largest message worth reading: the largest attachment as base64 (4/3
        larger) plus its JSON envelope, and never under 4 MiB."""
        return max(4 * 1024 * 1024, self.max_attachment_bytes * 4 // 3 + 64 * 1024)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServerSettings:
        return _from_env(cls, environ)


class HttpSettings(BaseModel):
    """Who may call the server over HTTP, and how much it holds for them at once."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    token: Annotated[SecretStr | None, BeforeValidator(_stripped)] = Field(
        default=None, alias="HALOPSA_MCP_TOKEN"
    )
    token_file: Path | None = Field(default=None, alias="HALOPSA_MCP_TOKEN_FILE")
    allowed_hosts: NameList = Field(default=frozenset(), alias="HALOPSA_MCP_ALLOWED_HOSTS")
    max_sessions: int = Field(default=100, ge=1, le=10_000, alias="HALOPSA_MCP_MAX_SESSIONS")
    session_idle_seconds: float = Field(
        default=600.0, gt=0, le=86_400, alias="HALOPSA_MCP_SESSION_IDLE_SECONDS"
    )
    large_requests: int = Field(default=4, ge=1, le=64, alias="HALOPSA_MCP_LARGE_REQUESTS")

    @model_validator(mode="after")
    def _one_token(self) -> HttpSettings:
        if self.token is not None and self.token_file is not None:
            raise ValueError("set HALOPSA_MCP_TOKEN or HALOPSA_MCP_TOKEN_FILE, not both")
        if self.token is not None and len(self.token.get_secret_value()) < MIN_TOKEN_LENGTH:
            raise ValueError(f"HALOPSA_MCP_TOKEN must be at least {MIN_TOKEN_LENGTH} characters")
        return self

    def bearer_token(self) -> SecretStr | None:
        """The token HTTP callers must present, read from the file if one is named."""
        if self.token_file is None:
            return self.token
        try:
            text = self.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"HALOPSA_MCP_TOKEN_FILE: cannot read {str(self.token_file)!r} ({exc.strerror})"
            ) from None
        if len(text) < MIN_TOKEN_LENGTH:
            raise ConfigError(
                f"HALOPSA_MCP_TOKEN_FILE: the token must be at least {MIN_TOKEN_LENGTH} characters"
            )
        return SecretStr(text)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HttpSettings:
        return _from_env(cls, environ)


# Long enough that guessing is hopeless; `openssl rand -hex 32` gives 64.
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class Settings:
    """Everything one run needs; ``halo`` is None for the embedded sandbox, ``http`` for
    stdio."""

    server: ServerSettings
    halo: HaloSettings | None
    http: HttpSettings | None


def load_all(
    environ: Mapping[str, str] | None = None,
    *,
    halo: bool = True,
    http: bool = False,
    tool_names: frozenset[str] = frozenset(),
) -> Settings:
    """The settings a run needs, with every problem in any of them in one message.

    ``tool_names``: the tools there are, so a misspelt allow/deny name is reported with
    the rest instead of after everything else is fixed.
    """
    problems: list[str] = []

    def attempt(build: Callable[[], _T]) -> _T | None:
        try:
            return build()
        except ConfigError as exc:
            problems.extend(str(exc).splitlines()[1:])
            return None

    server = attempt(lambda: ServerSettings.from_env(environ))
    halo_settings = attempt(lambda: HaloSettings.from_env(environ)) if halo else None
    http_settings = attempt(lambda: _http_settings(environ)) if http else None
    if tool_names:
        problems.extend(_unknown_tools(os.environ if environ is None else environ, tool_names))
    if problems or server is None:
        raise ConfigError("\n".join([_HEADLINE, *problems]))
    return Settings(server=server, halo=halo_settings, http=http_settings)


def _http_settings(environ: Mapping[str, str] | None) -> HttpSettings:
    settings = HttpSettings.from_env(environ)
    token = settings.bearer_token()
    # The file is read once here, so its problems are reported with the others.
    return settings.model_copy(update={"token": token, "token_file": None})


def _unknown_tools(env: Mapping[str, str], tool_names: frozenset[str]) -> list[str]:
    # Read from the variables themselves, so a problem elsewhere in the server settings
    # does not hide a misspelt tool name.
    named = _name_list(env.get("HALOPSA_TOOLS_ALLOW", "")) | _name_list(
        env.get("HALOPSA_TOOLS_DENY", "")
    )
    unknown = sorted(named - tool_names)
    if not unknown:
        return []
    return [
        f"- HALOPSA_TOOLS_ALLOW/HALOPSA_TOOLS_DENY name no tool: {', '.join(unknown)}. "
        f"The tools are: {', '.join(sorted(tool_names))}."
    ]


_Model = TypeVar("_Model", bound=BaseModel)
_T = TypeVar("_T")
_HEADLINE = "HaloPSA configuration is invalid:"


def _from_env(cls: type[_Model], environ: Mapping[str, str] | None) -> _Model:
    """Build ``cls`` from ``environ`` (default ``os.environ``) or raise ``ConfigError``.

    Empty variables count as unset, so ``HALOPSA_TENANT=`` in a config file means
    "no tenant" rather than a tenant named "".
    """
    env = os.environ if environ is None else environ
    names = {f.alias for f in cls.model_fields.values() if f.alias}
    values = {name: env[name] for name in names if env.get(name, "").strip()}
    try:
        return cls.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    secret_names = {"HALOPSA_CLIENT_SECRET", "HALOPSA_MCP_TOKEN"}
    lines = [_HEADLINE]
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "configuration"
        if not err["loc"]:
            lines.append(f"- {str(err['msg']).removeprefix('Value error, ')}.")
            continue
        if err["type"] == "missing":
            lines.append(f"- {name} is not set: set it to {_HINTS.get(name, 'a value')}.")
            continue
        message = _operator_wording(err)
        shown: Any = err.get("input")
        if name in secret_names or not isinstance(shown, str):
            lines.append(f"- {name} {message}.")
        else:
            lines.append(f"- {name}={_without_userinfo(shown)!r}: {message}.")
    return "\n".join(lines)


def _operator_wording(err: Any) -> str:
    """Pydantic's message, reworded where it would not tell an operator what to write."""
    kind = err["type"]
    if kind == "bool_parsing":
        return "must be true or false"
    if kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", ""))
        return f"must be one of {expected.replace(' or ', ', ').replace(chr(39), '')}"
    if kind == "float_parsing":
        return "must be a number"
    if kind == "int_parsing":
        return "must be a whole number"
    return str(err["msg"]).removeprefix("Value error, ")


_USERINFO = re.compile(r"//[^/?#]*@")


def _without_userinfo(value: str) -> str:
    # A URL pasted with user:password@ must not have its password echoed in an error.
    return _USERINFO.sub("//***@", value)
