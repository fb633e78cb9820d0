"""Service settings, read from ``ERRDIAG_*`` environment variables and an optional ``.env`` file.

A wrong value stops start-up with a message that names the setting.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Settings", "DEFAULT_CATALOG_DIR", "describe_settings_error", "settings_or_exit"]

DEFAULT_CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog"
MIN_KEY_CHARS = 16
CommaList = Annotated[list[str], NoDecode]
SecretList = Annotated[list[SecretStr], NoDecode]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
JsonMap = Annotated[dict[str, str], NoDecode]
DEFAULT_PRIORITIES = {
    "restore": "P1", "backup": "P2", "snapshot": "P2", "vm-agent": "P2", "networking": "P2", "extension": "P2",
    "service": "P2", "protection": "P3", "configuration": "P3", "vm-state": "P3", "policy": "P3", "jobs": "P4",
}
DEFAULT_ASSIGNMENT_GROUPS = {
    "networking": "network-operations", "vm-agent": "compute-operations", "extension": "compute-operations",
    "vm-state": "compute-operations",
}


def _default_parse_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/errdiag``, else ``~/.cache/errdiag``; None when there is no home directory to put it in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):  # the XDG specification: a relative path is invalid, and ignored
        return Path(base) / "errdiag"
    try:
        return Path.home() / ".cache" / "errdiag"
    except RuntimeError:
        return None


class Settings(BaseSettings):
    """Every setting of the service; see the README's table for the environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="ERRDIAG_", env_file=".env", env_file_encoding="utf-8", extra="forbid",
    )

    catalog_dir: Path = Field(default=DEFAULT_CATALOG_DIR, description="Directory of catalogue YAML files.")
    check_examples: bool = Field(default=True, description="Refuse a catalogue whose examples do not resolve (at start-up and reload).")
    parse_cache: bool = Field(default=True, description="Keep the parsed form of each catalogue YAML file as JSON in ERRDIAG_PARSE_CACHE_DIR, keyed by the file's content, so that loading an unchanged file again skips YAML parsing.")
    parse_cache_dir: Path | None = Field(default_factory=_default_parse_cache_dir, description="Directory of the parse cache (default `$XDG_CACHE_HOME/errdiag`, else `~/.cache/errdiag`); empty: no cache. If it cannot be written, the catalogue is parsed as without it.")
    threshold: float = Field(default=0.6, ge=0, le=1, description="Confidence from which a diagnosis is `matched: true`; wordings that cannot reach 1 % are not compared.")
    default_limit: int = Field(default=3, ge=0, le=20, description="Runners-up returned when the request gives no limit.")
    max_limit: int = Field(default=20, ge=1, le=100, description="Largest `limit` a request may ask for.")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Largest request body (413 above).")
    max_message_chars: int = Field(default=1_048_576, ge=100, description="Longest text of one message.")
    max_batch: int = Field(default=100, ge=1, le=10_000, description="Most messages in one batch call.")
    max_json_depth: int = Field(default=64, ge=2, le=512, description="Deepest JSON nesting accepted.")
    max_segments: int = Field(default=5000, ge=1, description="Most segments (lines, windows) scanned in one input.")
    cache_size: int = Field(default=1024, ge=0, le=1_000_000, description="Answers to short inputs (up to 4,000 characters) kept for repeats of the same input; 0 disables the cache.")
    memo_size: int = Field(default=16384, ge=0, le=10_000_000, description="Scores of normalised segments kept, so a line seen again with other names, ids and numbers is not scored again; 0 disables the memo.")
    shape_size: int = Field(default=4096, ge=0, le=1_000_000, description="Answers kept by input shape (digits and GUIDs aside), so the same error from another job, VM or day is not matched again; 0 disables them.")
    cors_origins: CommaList = Field(default_factory=list, description="Browser origins allowed by CORS (comma-separated).")
    api_keys: SecretList = Field(default_factory=list, description="API keys accepted as `Authorization: Bearer <key>` (comma-separated, 16+ characters each); none disables the admin endpoints.")
    require_api_key: bool = Field(default=False, description="Also require an API key on the diagnosis (every `/v1/`) endpoints.")
    log_level: LogLevel = Field(default="INFO", description="Least severe level logged (DEBUG, INFO, WARNING, ERROR); INFO logs one line per request.")
    log_format: Literal["json", "text"] = Field(default="json", description="`json`: one JSON object per line; `text`: for a terminal.")
    log_input: bool = Field(default=False, description="Log the text of each request (it may hold secrets or customer names).")
    opentelemetry: bool = Field(default=False, description="FastAPI's native OpenTelemetry tracing, metrics and logs, sent to the providers the process sets up; off, requests skip its per-request check.")
    watch_catalog: bool = Field(default=False, description="Reload the catalogue when its files change (polling).")
    watch_interval_seconds: float = Field(default=5.0, ge=0.1, le=3600, description="How often the watcher looks at the catalogue files.")
    webhook_secret: SecretStr | None = Field(default=None, description="Shared secret of the triage webhooks: when set, every `/v1/triage` request must carry the HMAC-SHA256 of its body (`X-Hub-Signature-256` from GitHub, `X-Errdiag-Signature` otherwise).")
    priorities: JsonMap = Field(default_factory=lambda: dict(DEFAULT_PRIORITIES), description="Triage priority of each category, as JSON (`{\"restore\": \"P1\", ...}`); replaces the defaults.")
    default_priority: str = Field(default="P3", min_length=1, max_length=100, description="Triage priority of a category missing from ERRDIAG_PRIORITIES.")
    assignment_groups: JsonMap = Field(default_factory=lambda: dict(DEFAULT_ASSIGNMENT_GROUPS), description="Triage assignment group of each category, as JSON (`{\"networking\": \"network-operations\"}`); replaces the defaults.")
    default_assignment_group: str = Field(default="backup-operations", min_length=1, max_length=200, description="Triage assignment group of a category missing from ERRDIAG_ASSIGNMENT_GROUPS.")
    idempotency_ttl_seconds: int = Field(default=86_400, ge=1, le=30 * 86_400, description="How long a triage delivery's answer is kept for replays of the same delivery.")
    idempotency_max_entries: int = Field(default=5000, ge=1, le=1_000_000, description="Most triage answers kept for replays (the oldest go first).")

    @field_validator("cors_origins", "api_keys", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("api_keys")
    @classmethod
    def _strong_keys(cls, value: list[SecretStr]) -> list[SecretStr]:
        short = [n for n, key in enumerate(value, 1) if len(key.get_secret_value()) < MIN_KEY_CHARS]
        if short:
            raise ValueError(f"key number {', '.join(map(str, short))} is shorter than {MIN_KEY_CHARS} characters (generate one with: openssl rand -hex 32)")
        return value

    @field_validator("require_api_key")
    @classmethod
    def _keys_for_required(cls, value: bool, info: ValidationInfo) -> bool:
        if value and not info.data.get("api_keys"):
            raise ValueError("true needs at least one key in ERRDIAG_API_KEYS")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("webhook_secret", "parse_cache_dir", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("the secret is shorter than 16 characters (generate one with: openssl rand -hex 32)")
        return value

    @field_validator("priorities", "assignment_groups", mode="before")
    @classmethod
    def _json_map(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else {}
            except ValueError:
                raise ValueError('must be a JSON object of category to text, e.g. {"restore": "P1"}') from None
        if isinstance(value, dict) and not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise ValueError("every value must be a non-empty string")
        return value

    @field_validator("catalog_dir")
    @classmethod
    def _must_exist(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"catalogue directory {str(value)!r} does not exist")
        return value

    @property
    def parse_cache_path(self) -> Path | None:
        """The engine's ``parse_cache`` argument: the cache directory, or None when the cache is off."""
        return self.parse_cache_dir if self.parse_cache else None


def describe_settings_error(exc: ValidationError) -> list[str]:
    """One line per wrong setting, naming its ``ERRDIAG_`` variable; the value of a secret is never shown."""
    lines = []
    for err in exc.errors(include_input=False, include_url=False):
        name = "ERRDIAG_" + str(err["loc"][0]).upper() if err["loc"] else "settings"
        lines.append(f"invalid setting {name}: {err['msg']}")
    return lines


def settings_or_exit(status: int) -> Settings:
    """The settings from the environment; else one ``errdiag: invalid setting ...`` line each on stderr, and exit ``status``."""
    try:
        return Settings()
    except ValidationError as exc:
        for line in describe_settings_error(exc):
            print(f"errdiag: {line}", file=sys.stderr)
        raise SystemExit(status) from None
