"""Diagnoses on the bundled catalogue: seed messages, codes, noise, conflicts, unknown errors."""

from __future__ import annotations

import pytest
from support import bundled_index, coded_rows, english_rows, seed_rows

from app.engine import diagnose
from app.engine.diagnosis import DiagnoseOptions

NOISE = (
    "2026-11-24T01:31:19.5755906Z [ERROR] job 8e4c2a10-7b3d-4f9e-a1c5-6d8b0e2f4a71 vault rsv-prod-weu "
    "vm 'vm-sql-01' (/subscriptions/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/resourceGroups/rg-prod) : {msg} "
    "(request id c0a9e1f2-2b3c-4d5e-8f90-a1b2c3d4e5f6, 10.1.2.3)"
)


def _top(text: str) -> tuple[bool, str | None, float]:
    result = diagnose(bundled_index(), text)
    return result.matched, result.diagnosis.entry_id if result.diagnosis else None, result.diagnosis.confidence if result.diagnosis else 0.0


@pytest.mark.parametrize(("entry_id", "message"), seed_rows(), ids=[r[0] for r in seed_rows()])
def test_seed_french_message_alone(entry_id: str, message: str) -> None:
    matched, got, _ = _top(message)
    assert (matched, got) == (True, entry_id)


@pytest.mark.parametrize(("entry_id", "message"), seed_rows(), ids=[r[0] for r in seed_rows()])
def test_seed_french_message_in_noise(entry_id: str, message: str) -> None:
    matched, got, _ = _top(NOISE.format(msg=message))
    assert (matched, got) == (True, entry_id)


@pytest.mark.parametrize(("entry_id", "message"), english_rows(), ids=[r[0] for r in english_rows()])
def test_seed_english_message_alone_and_in_noise(entry_id: str, message: str) -> None:
    assert _top(message)[:2] == (True, entry_id)
    assert _top(NOISE.format(msg=message))[:2] == (True, entry_id)


# ResourceNotFound is printed by every ARM resource type: the catalogue keeps it as a weak code of
# backup.vm-no-longer-exists, which supports its message but never decides alone (tested below).
STRONG_CODES = [(c, e) for c, e in coded_rows() if c != "ResourceNotFound"]


@pytest.mark.parametrize(("code", "entry_id"), STRONG_CODES, ids=[f"{c}->{e}" for c, e in STRONG_CODES])
def test_documented_code_alone_resolves(code: str, entry_id: str) -> None:
    matched, got, confidence = _top(code)
    assert (matched, got) == (True, entry_id)
    assert confidence >= 0.6


def test_every_entry_code_alone_resolves_to_its_entry() -> None:
    index = bundled_index()
    for entry in index.catalog:
        for code in entry.codes:
            owners = index.codes[code.casefold()]
            result = diagnose(index, f"Error code: {code}")
            assert result.diagnosis is not None and result.diagnosis.entry_id in owners, code


def test_codes_match_without_regard_to_case() -> None:
    assert _top("(UserErrorKeyVaultPermissionsNotConfigured) operation failed")[1] == "protection.keyvault-permissions"
    assert _top("USERERRORFSFREEZEFAILED")[1] == "snapshot.fs-freeze-failed"


def test_documented_misspelling_resolves() -> None:
    assert _top("ExtentionOperationFailed")[1] == "backup.extension-operation-failed"


def test_code_wins_over_message_of_another_entry_and_says_so() -> None:
    text = "Code: UserErrorFsFreezeFailed Message: Could not communicate with the VM agent for snapshot status"
    result = diagnose(bundled_index(), text)
    assert result.diagnosis is not None and result.diagnosis.entry_id == "snapshot.fs-freeze-failed"
    note = result.diagnosis.explanation.note or ""
    assert "backup.vm-agent-unreachable" in note and "UserErrorFsFreezeFailed" in note


def test_weak_code_alone_does_not_decide() -> None:
    result = diagnose(bundled_index(), "ResourceNotFound: The Resource 'Microsoft.Storage/storageAccounts/st01' was not found.")
    assert not result.matched


def test_weak_code_with_its_message_decides() -> None:
    text = "BackUpOperationFailedV2 The backups of VMs have failed after the policy migration from Standard to Enhanced policy."
    assert _top(text)[1] == "protection.policy-migration-failed"


def test_shared_wording_lists_the_related_entries() -> None:
    result = diagnose(bundled_index(), "La machine virtuelle n’existe pas")
    assert result.diagnosis is not None and result.diagnosis.entry_id == "backup.vm-does-not-exist"
    assert {"backup.vm-no-longer-exists", "backup.azure-vm-not-found"} <= set(result.diagnosis.related)


@pytest.mark.parametrize(
    "text",
    [
        "No space left on device",
        "kernel: Out of memory: Killed process 4242 (java)",
        "Login failed for user 'sa'. Reason: Password did not match that for the login provided.",
        "AllocationFailed: Allocation failed. We do not have sufficient capacity for the requested VM size in this region.",
        "Le fichier est introuvable.",
        "The remote server returned an error: (503) Server Unavailable.",
        "🙂 مرحبا 你好",
    ],
)
def test_unknown_errors_answer_no_match(text: str) -> None:
    result = diagnose(bundled_index(), text)
    assert result.matched is False and result.diagnosis is None


def test_explanation_points_at_the_matched_span() -> None:
    message = "Copying VHDs from backup vault timed out"
    text = f"line one is noise\nline two: {message}\nline three"
    result = diagnose(bundled_index(), text)
    explanation = result.diagnosis.explanation  # type: ignore[union-attr]
    assert explanation.span is not None
    assert message in text[explanation.span.start : explanation.span.end]
    assert explanation.method == "message" and explanation.score > 0.8


def test_answer_language_follows_input_then_request() -> None:
    index = bundled_index()
    assert diagnose(index, "La machine virtuelle n’existe pas").lang == "fr"
    assert diagnose(index, "Virtual machine doesn't exist").lang == "en"
    assert diagnose(index, "Virtual machine doesn't exist", lang="fr").diagnosis.title == index.catalog.entries["backup.vm-does-not-exist"].title.fr  # type: ignore[union-attr]
    assert diagnose(index, "UserErrorFsFreezeFailed", accept_language="fr").lang == "fr"
    assert diagnose(index, "UserErrorFsFreezeFailed").lang == "en"


def test_steps_are_ordered_and_numbered() -> None:
    diagnosis = diagnose(bundled_index(), "Restore failed with Cloud Internal error").diagnosis
    assert diagnosis is not None
    assert [s.position for s in diagnosis.steps] == list(range(1, len(diagnosis.steps) + 1))
    assert any(s.command and "Get-AzureDeployment" in s.command for s in diagnosis.steps)


def test_threshold_is_respected() -> None:
    strict = diagnose(bundled_index(), "Copying VHDs from backup", options=DiagnoseOptions(threshold=0.999))
    assert strict.matched is False and strict.alternatives


def test_large_log_finds_the_error_among_noise() -> None:
    noise = "".join(f"2026-11-24T01:{i % 60:02d}:00Z INFO step {i} completed for disk {i % 16}\n" for i in range(20000))
    text = noise + "2026-11-24T02:00:00Z ERROR UserErrorRpCollectionLimitReached The Restore Point collection max limit has reached.\n" + noise
    assert len(text) > 1_000_000
    assert _top(text)[:2] == (True, "vm-state.restore-point-collection-limit")


def test_single_megabyte_line_is_handled() -> None:
    text = "x" * 500_000 + " Copying backed up data from vault timed out " + "y" * 500_000
    result = diagnose(bundled_index(), text, options=DiagnoseOptions(max_segments=100_000))
    assert result.diagnosis is not None and result.diagnosis.entry_id == "backup.vhd-copy-timeout"


def test_error_past_the_segment_cap_is_still_scanned() -> None:
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    lines = [f"INFO {words[i % 8]} {words[(i // 8) % 8]} {words[(i // 64) % 8]} {words[(i // 512) % 8]} ok" for i in range(4096)]
    text = "\n".join(lines) + "\nThe Restore Point collection max limit has reached.\n"
    result = diagnose(bundled_index(), text, options=DiagnoseOptions(max_segments=500))
    assert result.diagnosis is not None and result.diagnosis.entry_id == "vm-state.restore-point-collection-limit"


def test_repeated_log_lines_differing_by_numbers_are_scanned_once() -> None:
    from app.engine.segments import split_segments

    text = "".join(f"2026-11-24T01:{i % 60:02d}:00Z INFO step {i} done\n" for i in range(1000))
    assert len(split_segments(text, max_segments=5000)) == 1


def test_the_trace_keeps_the_normalised_input_only_when_it_was_read_whole_as_one_segment() -> None:
    from app.engine.matcher import MatchTrace, match
    from app.engine.normalize import normalize

    index = bundled_index()
    one = "2026-11-20T23:08:29Z Échec de la sauvegarde de 'vm-01' : l'agent ne répond pas"
    trace = MatchTrace()
    match(index, one, trace=trace)
    assert trace.norm == normalize(one)
    for text in (one + "\nsecond line", "\n" + one, '{"message": "' + one + '"}'):
        trace = MatchTrace()
        match(index, text, trace=trace)
        assert trace.norm is None, text


def test_an_unknown_input_gets_the_language_its_words_are_in() -> None:
    index = bundled_index()
    assert diagnose(index, "le fichier de configuration est introuvable et la tâche a été arrêtée").lang == "fr"
    assert diagnose(index, "the configuration file was not found and the task has been stopped").lang == "en"


def test_wordings_that_cannot_reach_one_percent_confidence_are_not_aligned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only runners-up under 1 % confidence are lost; every match and every first entry stays."""
    from app.engine import scoring
    from bench.inputs import short_messages

    index = bundled_index()
    unknown = "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)"
    texts = [unknown, *short_messages(index, 300, seed=3)]
    floored = [diagnose(index, text) for text in texts]
    assert scoring.message_confidence(scoring._LEAST_SCORE) == pytest.approx(scoring.MIN_CONFIDENCE)
    monkeypatch.setattr(scoring, "_LEAST_SCORE", -1.0)  # every candidate aligned
    full = [diagnose(index, text) for text in texts]
    assert floored[0].alternatives == [] and full[0].alternatives  # unknown: no list of entries at 0.0
    dropped = 0
    for a, b in zip(floored, full, strict=True):
        assert a.matched == b.matched
        assert (a.diagnosis and a.diagnosis.entry_id) == (b.diagnosis and b.diagnosis.entry_id)
        kept = {alt.entry_id for alt in a.alternatives}
        lost = [alt for alt in b.alternatives if alt.entry_id not in kept]
        assert all(alt.confidence < scoring.MIN_CONFIDENCE for alt in lost)
        dropped += len(lost)
    assert dropped > 50


def test_a_weak_code_alone_names_no_entry() -> None:
    from app.engine.matcher import match

    index = bundled_index()
    entry = next(e for e in index.catalog if e.weak_codes)
    ranked = match(index, f"job failed: {entry.weak_codes[0]}")
    assert entry.id not in {c.entry_id for c in ranked if c.code is not None or c.message is None}
    assert all(c.message is not None or (c.code is not None and not c.code.weak) for c in ranked)
