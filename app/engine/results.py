"""What a diagnosis answers: plain pydantic models, shared by the API, the CLI and the renderers."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from app.engine.model import Lang, StepKind

__all__ = [
    "Span", "Explanation", "DiagnosisStep", "DiagnosisDoc", "Diagnosis", "Alternative",
    "CatalogInfo", "DiagnoseResult", "FoundError", "MultiDiagnoseResult", "trusted", "replaced",
]

_Model = TypeVar("_Model", bound=BaseModel)
# Per class: its field names, and the one fields-set its results share. Every field of a result is set, so
# the set holds them all and nothing can add to it (pydantic adds a field's name on assignment, and
# copies the set before ``model_copy`` updates it). One set per object was a quarter of a result's
# objects for the garbage collector to walk, and 0.5-0.7 KB each.
_FIELDS: dict[type, tuple[frozenset[str], set[str]]] = {}
_set = object.__setattr__


def _fields(cls: type[BaseModel]) -> tuple[frozenset[str], set[str]]:
    known = _FIELDS.get(cls)
    if known is None:
        known = _FIELDS[cls] = (frozenset(cls.model_fields), set(cls.model_fields))
    return known


def trusted(cls: type[_Model], **values: Any) -> _Model:
    """A result model from values that are already valid (they come from the validated catalogue and the matcher).

    ``model_construct`` without its per-field bookkeeping: a diagnosis builds about ten of these
    per call, and ``model_construct`` cost a fifth of a short message's time. Every field must be
    given; otherwise this falls back to ``model_construct``, which fills the defaults.
    """
    names, fields_set = _fields(cls)
    if values.keys() != names:
        return cls.model_construct(**values)
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", fields_set)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


def replaced(model: _Model, **changes: Any) -> _Model:
    """A copy of a result model with ``changes`` (valid values), built as ``trusted`` builds one; ``model`` is left as it is."""
    cls = model.__class__
    copy = cls.__new__(cls)
    _set(copy, "__dict__", {**model.__dict__, **changes})
    _set(copy, "__pydantic_fields_set__", _fields(cls)[1])
    _set(copy, "__pydantic_extra__", None)
    _set(copy, "__pydantic_private__", None)
    return copy


class Span(BaseModel):
    start: int = Field(description="Offset of the first character of the matched part of the input.")
    end: int = Field(description="Offset just past the matched part.")


class Explanation(BaseModel):
    """Why this entry was chosen: which code or wording matched, where, and how well."""

    method: Literal["code", "message", "code+message"]
    code: str | None = Field(default=None, description="The error code found in the input, as written there.")
    variant: str | None = Field(default=None, description="The catalogue wording that matched best.")
    variant_lang: Lang | None = None
    span: Span | None = None
    matched_text: str | None = Field(default=None, description="The part of the input that matched (at most 300 characters).")
    json_path: str | None = Field(default=None, description="Where in a JSON input the matched string was.")
    score: float = Field(description="Raw message similarity in [0, 1] (0 when only a code matched).")
    note: str | None = None


class DiagnosisStep(BaseModel):
    position: int
    kind: StepKind
    text: str
    command: str | None = None


class DiagnosisDoc(BaseModel):
    title: str
    url: str


class Diagnosis(BaseModel):
    entry_id: str
    category: str
    title: str
    codes: list[str]
    confidence: float = Field(ge=0, le=1)
    retryable: bool
    retry_after_seconds: int | None = None
    causes: list[str]
    steps: list[DiagnosisStep]
    docs: list[DiagnosisDoc]
    related: list[str]
    explanation: Explanation


class Alternative(BaseModel):
    entry_id: str
    category: str
    title: str
    confidence: float = Field(ge=0, le=1)
    explanation: Explanation


class CatalogInfo(BaseModel):
    version: str
    entries: int


class DiagnoseResult(BaseModel):
    """The answer to one input: the best entry if it is good enough, and the runners-up."""

    matched: bool
    lang: Lang = Field(description="Language of the texts of this answer.")
    diagnosis: Diagnosis | None
    alternatives: list[Alternative] = Field(description=(
        "Runners-up, best first, at most `limit`: entries named by an error code, or whose wording could reach "
        "1 % confidence (wordings that cannot are not compared, and never listed)."
    ))
    catalog: CatalogInfo


class FoundError(BaseModel):
    """One distinct error of a job payload or ticket, with its diagnosis."""

    paths: list[str] = Field(description="Where the error was found (JSON paths, or input spans).")
    code: str | None = None
    message: str = Field(description="The error text as found (at most 500 characters).")
    context: dict[str, str] = Field(default_factory=dict, description="Job facts: job_id, operation, entity, status, start_time, end_time.")
    matched: bool
    diagnosis: Diagnosis | None
    alternatives: list[Alternative] = Field(description=(
        "Runners-up, best first, at most `limit`: entries named by an error code, or whose wording could reach "
        "1 % confidence (wordings that cannot are not compared, and never listed)."
    ))


class MultiDiagnoseResult(BaseModel):
    """Every distinct error found in one input."""

    matched: bool = Field(description="True when at least one error was diagnosed.")
    lang: Lang
    errors: list[FoundError]
    catalog: CatalogInfo
