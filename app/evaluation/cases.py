"""The labelled evaluation corpus: ``tests/eval/*.yaml``, validated case by case."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["Case", "CaseFile", "Corpus", "EvaluationError", "load_cases", "check_expectations"]


class EvaluationError(Exception):
    """Raised when the corpus cannot be loaded or names entries the catalogue lacks."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(f"{message}{detail}")


class Case(BaseModel):
    """One labelled input; ``expect`` lists the acceptable entry ids, empty for a negative."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    expect: list[str]
    lang: Literal["fr", "en"]
    form: str = Field(min_length=1)
    text: str = Field(min_length=1)

    @property
    def negative(self) -> bool:
        return not self.expect


class CaseFile(BaseModel):
    """One corpus file."""

    model_config = ConfigDict(extra="forbid")

    cases: list[Case]


@dataclass(frozen=True)
class Corpus:
    """Every case of an evaluation directory, in file order."""

    cases: tuple[Case, ...]
    files: tuple[str, ...]


def load_cases(directory: str | Path) -> Corpus:
    """Load every ``*.yaml`` of ``directory``; raise EvaluationError listing all defects."""
    root = Path(directory)
    paths = sorted(root.glob("*.yaml")) if root.is_dir() else []
    if not paths:
        raise EvaluationError(f"no case files (*.yaml) in {str(root)!r}")
    problems: list[str] = []
    cases: list[Case] = []
    for path in paths:
        cases.extend(_load_file(path, problems))
    duplicates = sorted(cid for cid, n in Counter(c.id for c in cases).items() if n > 1)
    problems.extend(f"case {cid!r}: duplicate id" for cid in duplicates)
    if problems:
        raise EvaluationError(f"evaluation corpus {str(root)!r} is invalid", problems)
    return Corpus(cases=tuple(cases), files=tuple(p.name for p in paths))


def check_expectations(cases: Iterable[Case], entry_ids: Iterable[str]) -> list[str]:
    """One problem per expected id that the catalogue does not hold, or that a case repeats."""
    known = set(entry_ids)
    problems = []
    for case in cases:
        problems.extend(f"case {case.id!r}: unknown entry id {e!r}" for e in case.expect if e not in known)
        if len(set(case.expect)) != len(case.expect):
            problems.append(f"case {case.id!r}: an entry id is listed twice in expect")
    return problems


def _load_file(path: Path, problems: list[str]) -> list[Case]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML: {exc}")
        return []
    try:
        return CaseFile.model_validate(data).cases
    except ValidationError as exc:
        problems.extend(f"{path.name}: {_locate(data, err['loc'])}: {err['msg']}" for err in exc.errors())
        return []


def _locate(data: object, loc: tuple) -> str:
    """'case <id>, field f' when a pydantic error location points into a case."""
    if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int) and isinstance(data, dict):
        items = data.get("cases") or []
        item = items[loc[1]] if loc[1] < len(items) else None
        name = item.get("id", f"#{loc[1]}") if isinstance(item, dict) else f"#{loc[1]}"
        return f"case {name!r}, field {'.'.join(str(p) for p in loc[2:]) or '(case)'}"
    return "field " + (".".join(str(p) for p in loc) or "(document)")
