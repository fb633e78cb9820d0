"""The catalogue's scope: an input that names nothing of its domain is not matched on thin or domain wordings."""

from __future__ import annotations

from pathlib import Path

import yaml
from support import CATALOG_DIR, bundled_index

from app.engine import build_index, diagnose, load_catalog
from app.engine.index import Scope


def _diagnose(text: str):  # noqa: ANN202
    return diagnose(bundled_index(), text)


def test_a_domain_wording_said_of_something_else_is_not_matched() -> None:
    result = _diagnose('Gateway "vgw-hub-01" is in failed provisioning state.')
    assert not result.matched
    assert result.alternatives and result.alternatives[0].entry_id == "vm-state.provisioning-failed"
    assert "scope" in (result.alternatives[0].explanation.note or "")


def test_the_same_wording_about_a_vm_is_matched() -> None:
    result = _diagnose('VM "vm-app-01" is in failed provisioning state.')
    assert result.matched and result.diagnosis.entry_id == "vm-state.provisioning-failed"
    assert result.diagnosis.explanation.note is None


def test_a_domain_word_anywhere_in_the_input_counts() -> None:
    log = "2026-11-25 02:00:01 job Backup of web-01 started\n2026-11-25 02:03:12 The VM is in failed provisioning state"
    assert _diagnose(log).matched
    # A code of the catalogue places the input in the domain too.
    assert _diagnose("UserErrorVmProvisioningStateFailed: it is in failed provisioning state").matched


def test_little_of_a_wording_outside_the_domain_is_not_matched_but_all_of_it_is() -> None:
    first_sentence = "Impossible de créer la stratégie."
    whole = (
        "Impossible de créer la stratégie. Veuillez réduire les choix en matière de rétention pour "
        "poursuivre la configuration de la stratégie."
    )
    assert not _diagnose(first_sentence).matched
    result = _diagnose(whole)
    assert result.matched and result.diagnosis.entry_id == "policy.retention-too-broad"


def test_a_catalogue_without_scope_trusts_wordings_alone(tmp_path: Path) -> None:
    for source in Path(CATALOG_DIR).glob("*.yaml"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    meta = yaml.safe_load((tmp_path / "catalog.yaml").read_text(encoding="utf-8"))
    del meta["scope"]
    (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    index = build_index(load_catalog(tmp_path))
    assert not index.scope
    result = diagnose(index, 'Gateway "vgw-hub-01" is in failed provisioning state.')
    assert result.matched and result.diagnosis.entry_id == "vm-state.provisioning-failed"


def test_scope_terms_are_normalised_and_phrases_found_inside_text() -> None:
    scope = Scope.of(["Sauvegarde", "machine virtuelle", "VM"])
    assert scope.tokens == {"sauvegarde", "vm"} and scope.phrases == ("machine virtuelle",)
    assert scope.holds("la machine virtuelle est arretee", {"la", "machine", "virtuelle", "est", "arretee"})
    assert not scope.holds("la machine est virtuelle", {"la", "machine", "est", "virtuelle"})
