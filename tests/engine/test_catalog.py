"""The bundled catalogue is complete and valid; broken catalogues fail loudly, naming what is wrong."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from support import CATALOG_DIR, bundled_index, seed_ids

from app.engine import CatalogError, build_index, check_examples, load_catalog
from app.engine.index import prepare
from app.engine.schema import IDS_FILE, SCHEMA_FILE, published_ids, read_ids, schema_json


def test_every_seed_id_exists_with_its_category() -> None:
    catalog = bundled_index().catalog
    for table, ids in seed_ids().items():
        for entry_id in ids:
            assert entry_id in catalog.entries, f"{table}: {entry_id} missing"
            assert catalog.entries[entry_id].category == entry_id.split(".")[0]


def test_seed_entries_are_complete_in_both_languages() -> None:
    catalog = bundled_index().catalog
    for ids in seed_ids().values():
        for entry_id in ids:
            entry = catalog.entries[entry_id]
            assert entry.title.fr and entry.title.en
            assert entry.causes and entry.steps and entry.docs, entry_id
            assert {m.lang for m in entry.examples} == {"fr", "en"}, entry_id


def test_seed_messages_are_verbatim_in_their_entries() -> None:
    from support import seed_rows

    catalog = bundled_index().catalog
    for entry_id, message in seed_rows():
        texts = [m.text for m in catalog.entries[entry_id].messages]
        # the seed's cells hold the message, sometimes followed by " - <recommendation>"; the catalogue
        # keeps the seed's wording: the first 40 characters must appear verbatim.
        assert any(message[:40] in t for t in texts), entry_id


def test_snapshot_causes_follow_the_seed_order() -> None:
    causes = [c.en.lower() for c in bundled_index().catalog.entries["snapshot.task-failed"].causes]
    keywords = ["network", "sql", "rdp", "four", "cpu"]
    positions = [next(i for i, c in enumerate(causes) if k in c) for k in keywords]
    assert positions == sorted(positions)


def test_registry_key_is_a_separate_command() -> None:
    steps = bundled_index().catalog.entries["snapshot.task-failed"].steps
    commands = [s.command for s in steps if s.kind.value == "registry"]
    assert any("USEVSSCOPYBACKUP" in (c or "") and "BCDRAGENT" in (c or "") for c in commands)


def test_schema_file_matches_the_model() -> None:
    assert (CATALOG_DIR / SCHEMA_FILE).read_text(encoding="utf-8") == schema_json(), "run `make schema`"


def test_published_ids_are_all_still_served_and_the_list_is_current() -> None:
    committed = read_ids((CATALOG_DIR / IDS_FILE).read_text(encoding="utf-8"))
    served = set(bundled_index().catalog.entries)
    assert not committed - served, f"published ids disappeared: {sorted(committed - served)}"
    assert read_ids(published_ids(CATALOG_DIR)) == committed, "run `make schema` to publish new ids"


def test_schema_json_is_valid_json_schema_document() -> None:
    schema = json.loads(schema_json())
    assert schema["additionalProperties"] is False
    assert "Entry" in schema["$defs"]


# --- broken catalogues -------------------------------------------------------------------------


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, target)
    return target


def _edit(path: Path, change) -> None:  # noqa: ANN001
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(directory: Path) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(directory)
    return str(info.value)


def test_unknown_field_names_file_entry_and_field(catalog_copy: Path) -> None:
    _edit(catalog_copy / "jobs.yaml", lambda d: d["entries"][1].update(severity="high"))
    message = _problems(catalog_copy)
    assert "jobs.yaml" in message and "jobs.not-cancellable-state" in message and "severity" in message


def test_missing_required_field_is_named(catalog_copy: Path) -> None:
    _edit(catalog_copy / "policy.yaml", lambda d: d["entries"][0].pop("causes"))
    message = _problems(catalog_copy)
    assert "policy.yaml" in message and "policy.retention-too-broad" in message and "causes" in message


def test_duplicate_id_is_refused(catalog_copy: Path) -> None:
    def duplicate(d: dict) -> None:
        d["entries"].append(dict(d["entries"][0]))

    _edit(catalog_copy / "jobs.yaml", duplicate)
    assert "duplicate id" in _problems(catalog_copy)


def test_unknown_related_id_is_refused(catalog_copy: Path) -> None:
    _edit(catalog_copy / "jobs.yaml", lambda d: d["entries"][0].update(related=["jobs.nope"]))
    assert "jobs.nope" in _problems(catalog_copy)


def test_invalid_yaml_names_the_file(catalog_copy: Path) -> None:
    (catalog_copy / "policy.yaml").write_text("entries: [unclosed\n", encoding="utf-8")
    assert "policy.yaml: not valid YAML" in _problems(catalog_copy)


def test_every_problem_is_reported_at_once(catalog_copy: Path) -> None:
    _edit(catalog_copy / "jobs.yaml", lambda d: d["entries"][0].update(colour="red"))
    _edit(catalog_copy / "policy.yaml", lambda d: d["entries"][0].update(retryable="maybe"))
    message = _problems(catalog_copy)
    assert "colour" in message and "retryable" in message


def test_missing_directory_is_reported(tmp_path: Path) -> None:
    assert "does not exist" in _problems(tmp_path / "nowhere")


def test_version_changes_with_content(catalog_copy: Path) -> None:
    before = load_catalog(catalog_copy).version
    _edit(catalog_copy / "policy.yaml", lambda d: d["entries"][0]["title"].update(en="Policy retention too broad"))
    assert load_catalog(catalog_copy).version != before


def test_json_category_files_load_like_yaml(catalog_copy: Path) -> None:
    data = yaml.safe_load((catalog_copy / "policy.yaml").read_text(encoding="utf-8"))
    (catalog_copy / "policy.yaml").unlink()
    (catalog_copy / "policy.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    catalog = load_catalog(catalog_copy)
    assert catalog.entries["policy.retention-too-broad"].category == "policy"
    assert catalog.files["policy.retention-too-broad"] == "policy.json"


def test_invalid_json_names_the_file(catalog_copy: Path) -> None:
    (catalog_copy / "extra.json").write_text("{not json", encoding="utf-8")
    assert "extra.json: not valid JSON" in _problems(catalog_copy)


def test_large_catalogues_are_prepared_in_parallel_with_the_same_result() -> None:
    texts = [m.text for entry in load_catalog(CATALOG_DIR) for m in entry.messages]
    assert prepare(texts, parallel_min=1) == prepare(texts)


def test_an_example_of_another_entry_is_reported_with_the_entry_it_resolves_to(catalog_copy: Path) -> None:
    other = load_catalog(CATALOG_DIR).entries["backup.vhd-copy-timeout"].messages[0].text

    def change(data: dict) -> None:
        data["entries"][0]["examples"][0]["text"] = other

    _edit(catalog_copy / "jobs.yaml", change)
    catalog = load_catalog(catalog_copy)
    first = next(e for e in catalog if e.category == "jobs")
    problems = check_examples(build_index(catalog))
    assert len(problems) == 1
    assert problems[0].startswith(f"jobs.yaml: entry {first.id!r}, field examples.0: resolves to backup.vhd-copy-timeout (")


def test_an_example_that_matches_nothing_is_reported(catalog_copy: Path) -> None:
    def change(data: dict) -> None:
        data["entries"][0]["examples"][0]["text"] = "The weather is fine today."

    _edit(catalog_copy / "jobs.yaml", change)
    problems = check_examples(build_index(load_catalog(catalog_copy)))
    assert len(problems) == 1 and "resolves to" in problems[0] and "not to its entry" in problems[0]
