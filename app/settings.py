"""Service settings, read from ``ERRDIAG_*`` environment variables and an optional ``.env`` file.

A wrong value stops start-up with a message that names the setting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Settings", "DEFAULT_CATALOG_DIR"]

DEFAULT_CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog"
CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Every setting of the service; see the README's table for the environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="ERRDIAG_", env_file=".env", env_file_encoding="utf-8", extra="forbid",
    )

    catalog_dir: Path = Field(default=DEFAULT_CATALOG_DIR, description="Directory of catalogue YAML files.")
    check_examples: bool = Field(default=True, description="Refuse a catalogue whose examples do not resolve (at start-up and reload).")
    threshold: float = Field(default=0.6, ge=0, le=1, description="Confidence from which a diagnosis is `matched: true`.")
    default_limit: int = Field(default=3, ge=0, le=20, description="Runners-up returned when the request gives no limit.")
    max_limit: int = Field(default=20, ge=1, le=100, description="Largest `limit` a request may ask for.")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Largest request body (413 above).")
    max_message_chars: int = Field(default=1_048_576, ge=100, description="Longest text of one message.")
    max_batch: int = Field(default=100, ge=1, le=10_000, description="Most messages in one batch call.")
    max_json_depth: int = Field(default=64, ge=2, le=512, description="Deepest JSON nesting accepted.")
    max_segments: int = Field(default=5000, ge=1, description="Most segments (lines, windows) scanned in one input.")
    cors_origins: CommaList = Field(default_factory=list, description="Browser origins allowed by CORS (comma-separated).")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("catalog_dir")
    @classmethod
    def _must_exist(cls, value: Path) -> Path:
        if not value.is_dir():
            raise ValueError(f"catalogue directory {str(value)!r} does not exist")
        return value
