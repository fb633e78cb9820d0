"""``trusted`` builds result models like ``model_construct``, only faster: same fields, same JSON."""

from __future__ import annotations

from app.engine.results import Alternative, Explanation, Span, replaced, trusted


def _explanation() -> dict:
    return {
        "method": "message", "code": None, "variant": "Snapshot failed", "variant_lang": "en",
        "span": trusted(Span, start=3, end=18), "matched_text": "snapshot failed", "json_path": None,
        "score": 0.91, "note": None,
    }


def test_trusted_model_equals_model_construct() -> None:
    values = {"entry_id": "a.b", "category": "a", "title": "T", "confidence": 0.5, "explanation": trusted(Explanation, **_explanation())}
    built, constructed = trusted(Alternative, **values), Alternative.model_construct(**values)
    assert built == constructed
    assert built.model_dump_json() == constructed.model_dump_json()
    assert built.model_fields_set == set(values)
    assert Alternative.model_validate_json(built.model_dump_json()) == built


def test_trusted_with_a_missing_field_fills_the_defaults() -> None:
    values = _explanation()
    del values["note"], values["json_path"]
    built = trusted(Explanation, **values)
    assert built.note is None and built.json_path is None
    assert built.model_fields_set == set(values)


def test_results_share_their_fields_set_and_no_change_to_one_reaches_another() -> None:
    first, second = trusted(Explanation, **_explanation()), trusted(Explanation, **_explanation())
    assert first.model_fields_set is second.model_fields_set  # one set per class: every field is set
    first.note = "changed"  # pydantic records the assignment in the fields set: it holds the name already
    copy = second.model_copy(update={"score": 0.5})  # copies the set before recording the update
    assert second.note is None and second.score == 0.91 and copy.score == 0.5
    assert second.model_fields_set == set(Explanation.model_fields)


def test_replaced_changes_the_copy_only() -> None:
    original = trusted(Explanation, **_explanation())
    copy = replaced(original, matched_text="other")
    assert copy.matched_text == "other" and original.matched_text == "snapshot failed"
    assert copy.model_dump_json() == original.model_copy(update={"matched_text": "other"}).model_dump_json()
