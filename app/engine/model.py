"""The catalogue's data model: what one YAML file and one entry may hold.

Every catalogue file is validated into these models when it is loaded; unknown
fields are refused (``extra="forbid"``) so a typo fails start-up instead of
being silently ignored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.dataclasses import dataclass

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

EntryId = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$", max_length=120)
]
CategoryId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]+$", max_length=120)]


_STRICT = ConfigDict(extra="forbid")


class Strict(BaseModel):
    """Base of the catalogue's files (``catalog.yaml``, a category file): unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# The parts of an entry are validated like models (unknown fields are errors, values frozen) but
# stored as slotted dataclasses: a model keeps a __dict__ and a set of the fields given, about
# 430 bytes more per object, and a 100,000-entry catalogue holds more than a million of them.
strict = dataclass(frozen=True, slots=True, kw_only=True, config=_STRICT)


@strict
class Localized:
    """A text in French and in English."""

    fr: Text
    en: Text

    def get(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


@strict
class Message:
    """One published wording of the error, verbatim, as Azure prints it.

    ``kind: symptom`` marks a description of the failure taken from the article
    (for sections that print no error message of their own); it is matched like
    a message but is not shown as "what Azure prints".
    """

    lang: Lang
    text: Text
    kind: Literal["error", "symptom"] = "error"
    origin: Text | None = Field(
        default=None, description="Where this wording was published (seed, docs year, portal)."
    )


class StepKind(StrEnum):
    portal = "portal"
    powershell = "powershell"
    cli = "cli"
    registry = "registry"
    agent = "agent"
    network = "network"
    support = "support"
    wait = "wait"


@strict
class Step:
    """One remediation step; ``command`` holds an exact command or registry key."""

    kind: StepKind
    fr: Text
    en: Text
    command: Text | None = None

    def text(self, lang: Lang) -> str:
        return self.fr if lang == "fr" else self.en


@strict
class Doc:
    """A documentation link with its title."""

    title: Localized
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]


@strict
class Source:
    """Where the entry comes from: document, section and row."""

    document: Text
    section: Text
    row: int | None = Field(default=None, ge=1)
    ref: Text | None = Field(default=None, description="Upstream article the wording was read from.")


@strict
class Example:
    """An input that must resolve to the entry that holds it."""

    lang: Lang
    text: Text


@strict
class Entry:
    """One known error: how it reads, why it happens, how to fix it."""

    id: EntryId
    category: CategoryId
    title: Localized
    messages: list[Message] = Field(min_length=1)
    codes: list[Code] = Field(default_factory=list, description="Error codes that name this error: one alone decides.")
    weak_codes: list[Code] = Field(
        default_factory=list,
        description="Codes that other errors print too (ARM's ResourceNotFound, a code another entry owns): "
        "they support a matching message but never decide alone.",
    )
    causes: list[Localized] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    docs: list[Doc] = Field(default_factory=list)
    retryable: bool = False
    retry_after_seconds: int | None = Field(default=None, ge=0, le=86400)
    related: list[EntryId] = Field(default_factory=list)
    source: Source
    examples: list[Example] = Field(min_length=2)

    @model_validator(mode="after")
    def _check_consistency(self) -> Entry:
        if not self.id.startswith(f"{self.category}."):
            raise ValueError(f"id {self.id!r} must start with its category {self.category!r}.")
        if self.retryable and self.retry_after_seconds is None:
            raise ValueError("retryable entries need retry_after_seconds")
        if not self.retryable and self.retry_after_seconds is not None:
            raise ValueError("retry_after_seconds is only for retryable entries")
        for lang in LANGS:
            if not any(e.lang == lang for e in self.examples):
                raise ValueError(f"examples need at least one in {lang!r}")
        if self.id in self.related:
            raise ValueError("an entry cannot be related to itself")
        return self


class CategoryFile(Strict):
    """One YAML file of the catalogue: a category and its entries."""

    category: CategoryId
    title: Localized
    entries: list[Entry] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_category(self) -> CategoryFile:
        for entry in self.entries:
            if entry.category != self.category:
                raise ValueError(
                    f"entry {entry.id!r} has category {entry.category!r}, file is {self.category!r}"
                )
        return self


class CatalogMeta(Strict):
    """``catalog.yaml``: the catalogue's name, version and scope."""

    name: Text
    version: Text
    scope: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]] = Field(
        default_factory=list,
        description=(
            "Words or phrases, in any language of the catalogue, that place an error in its domain "
            "(for Azure VM backup: backup, sauvegarde, snapshot, VM...). When the input holds none of them, "
            "a wording match that names one of them, or holds little of a catalogue wording, is not trusted. "
            "Empty: no such check."
        ),
    )
