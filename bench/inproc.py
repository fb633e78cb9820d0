"""In-process benchmark: ``diagnose()`` per call on the bundled catalogue, against rapidfuzz ``extractOne``."""

from __future__ import annotations

import gc
import importlib.util
import json
import random
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

from app.api.app import engine_options
from app.engine import DiagnoseOptions, Index, build_index, diagnose, diagnose_items, diagnose_job, load_catalog
from app.engine.gcpause import freeze_long_lived
from app.settings import Settings
from bench.inputs import error_wordings, job_payload, log_text, short_messages, ticket_text
from bench.report import print_checks, print_table
from bench.stats import Stats, mb, measure, measure_turns
from bench.targets import Check, check

__all__ = ["run_inproc", "bundled", "Case", "Sizes", "build_cases"]


@dataclass(frozen=True)
class Sizes:
    """Input sizes in characters (the smoke test shrinks them)."""

    log: int = 20_000
    big_log: int = 1_000_000
    ticket: int = 100_000


@dataclass
class Case:
    name: str
    label: str
    inputs: list[Any]
    warmup: int
    seconds: float  # of timed calls of the engine, and as many of the baseline's, taken in turns
    run: Callable[[Any], object]
    baseline: Callable[[Any], object]
    note: str = ""


def bundled() -> tuple[Index, DiagnoseOptions]:
    """The shipped catalogue with the service's default options (``ERRDIAG_*`` applies)."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return build_index(load_catalog(settings.catalog_dir)), engine_options(settings)


def _extract_one(choices: list[str]) -> Callable[[str], object]:
    def run(query: str) -> object:
        return process.extractOne(query, choices, scorer=fuzz.WRatio, processor=utils.default_process)
    return run


def _ticket_runner(index: Index, options: DiagnoseOptions) -> tuple[Callable[[str], object], str]:
    """The ticket reader of ``app.engine.ticket`` when it is importable, else plain ``diagnose()``."""
    if importlib.util.find_spec("app.engine.ticket") is not None:
        try:
            ticket = importlib.import_module("app.engine.ticket")
            read_ticket, ticket_language = ticket.read_ticket, ticket.ticket_language
        except Exception as exc:  # noqa: BLE001 (another helper may be half-way through it)
            return _plain(index, options), f"plain diagnose(): app.engine.ticket not usable yet ({exc})"

        def run(text: str) -> object:
            items = read_ticket(body=text)
            return diagnose_items(index, items, lang=ticket_language(body=text), options=options)
        return run, "read_ticket(body=...) + diagnose_items (app.engine.ticket)"
    return _plain(index, options), "plain diagnose() (no app.engine.ticket yet)"


def _plain(index: Index, options: DiagnoseOptions) -> Callable[[str], object]:
    return lambda text: diagnose(index, text, options=options)


def build_cases(index: Index, options: DiagnoseOptions, *, scale: float, sizes: Sizes = Sizes()) -> list[Case]:
    """The in-process cases; ``scale`` shrinks iteration counts (1.0 for a full run)."""
    rng = random.Random(7)
    choices = [m.text for e in index.catalog for m in e.messages]
    extract = _extract_one(choices)
    wordings = [text for _eid, text in error_wordings(index)]
    n = lambda full: max(3, int(full * scale))  # noqa: E731
    t = lambda full: full * scale  # noqa: E731  (seconds)
    run_text = _plain(index, options)
    logs = [log_text(rng, sizes.log, rng.sample(wordings, 2)) for _ in range(n(150) + 3)]
    big_logs = [log_text(rng, sizes.big_log, rng.sample(wordings, 3)) for _ in range(n(10) + 1)]
    jobs = [job_payload(index, rng, 10) for _ in range(n(500) + 20)]
    tickets = [ticket_text(index, rng, sizes.ticket) for _ in range(n(40) + 2)]
    run_ticket, ticket_note = _ticket_runner(index, options)
    job_texts = lambda doc: [extract(d["errorString"]) for d in doc["properties"]["errorDetails"]]  # noqa: E731
    return [
        Case("short", "short message (<= 300 chars)", short_messages(index, n(5000) + 200), 200, t(8), run_text, extract),
        Case("log_20k", f"{sizes.log // 1000} KB log excerpt", logs, 3, t(8), run_text, extract),
        Case("log_1m", f"{sizes.big_log / 1e6:g} MB log", big_logs, 1, t(10), run_text, extract),
        Case("job_10", "job payload, 10 errors", jobs, 20, t(8), lambda doc: diagnose_job(index, doc, options=options),
             job_texts, "baseline: extractOne per error string"),
        Case("ticket_100k", f"{sizes.ticket // 1000} KB ticket", tickets, 2, t(8), run_ticket, extract, ticket_note),
    ]


def _peak_memory(fn: Callable[[Any], object], item: Any) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn(item)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _encoding(index: Index, options: DiagnoseOptions, messages: list[str]) -> dict[str, Stats]:
    """Cost of turning a result into JSON bytes, as the API does it today and with pydantic's own encoder."""
    from starlette.responses import JSONResponse

    results = [diagnose(index, m, options=options) for m in messages]
    return {
        "model_dump+json.dumps (JSONResponse, today)": measure(lambda r: JSONResponse(r.model_dump(mode="json")), results, warmup=20, max_seconds=5),
        "model_dump_json (pydantic-core)": measure(lambda r: r.model_dump_json().encode(), results, warmup=20, max_seconds=5),
    }


TURN_SECONDS = 1.0  # the engine and its baseline are timed in turns of this length (see bench.stats.measure_turns)


def _case_result(case: Case, turn_seconds: float) -> dict[str, Any]:
    stats, floor = measure_turns([(case.run, case.inputs), (case.baseline, case.inputs)], warmup=case.warmup,
                                 seconds=case.seconds, turn_seconds=turn_seconds)
    size = len(case.inputs[0]) if isinstance(case.inputs[0], str) else len(json.dumps(case.inputs[0]))
    return {"label": case.label, "input_chars": size, "engine": stats.as_dict(), "baseline_extractone": floor.as_dict(),
            "ratio_to_baseline": round(stats.median_ms / floor.median_ms, 3), "note": case.note}


def run_inproc(*, quick: bool, scale: float | None = None, sizes: Sizes = Sizes()) -> tuple[dict[str, Any], list[Check]]:
    index, options = bundled()
    cases = build_cases(index, options, scale=scale if scale is not None else 0.1 if quick else 1.0, sizes=sizes)
    # As the served app does (app.api.main): the catalogue and the inputs, alive for the whole run, are put out of
    # the garbage collector's reach, so its full collections do not walk them during the measured calls.
    freeze_long_lived()
    results: dict[str, Any] = {"catalog": {"entries": len(index.catalog), "variants": len(index.variants)},
                               "options": options.__dict__, "cases": {}, "gc_frozen_objects": gc.get_freeze_count()}
    for case in cases:
        results["cases"][case.name] = _case_result(case, TURN_SECONDS if not quick else TURN_SECONDS / 5)
    short_pool = cases[0].inputs
    results["short_matched_share"] = round(sum(diagnose(index, m, options=options).matched for m in short_pool[:500]) / min(500, len(short_pool)), 3)
    peak = _peak_memory(cases[2].run, cases[2].inputs[-1])
    results["cases"]["log_1m"]["peak_traced_mb"] = mb(peak)
    results["cases"]["log_1m"]["peak_ratio"] = round(peak / len(cases[2].inputs[-1]), 2)
    results["encoding"] = {k: v.as_dict() for k, v in _encoding(index, options, short_pool[:400]).items()}
    checks = _checks(results)
    _print(results, checks)
    return results, checks


def _checks(results: dict[str, Any]) -> list[Check]:
    cases = results["cases"]
    return [
        check("inproc.short.median", cases["short"]["engine"]["median_ms"]),
        check("inproc.short.p99", cases["short"]["engine"]["p99_ms"]),
        check("inproc.log_20k.median", cases["log_20k"]["engine"]["median_ms"]),
        check("inproc.log_1m.median", cases["log_1m"]["engine"]["median_ms"]),
        check("inproc.log_1m.peak_ratio", cases["log_1m"]["peak_ratio"]),
    ]


def _print(results: dict[str, Any], checks: list[Check]) -> None:
    rows = []
    for case in results["cases"].values():
        eng, base = case["engine"], case["baseline_extractone"]
        rows.append([case["label"], case["input_chars"], eng["n"], eng["median_ms"], eng["p99_ms"], eng["max_ms"],
                     base["median_ms"], base["n"], case["ratio_to_baseline"]])
    print_table(f"In-process diagnose(), bundled catalogue ({results['catalog']['entries']} entries, "
                f"{results['catalog']['variants']} wordings, frozen out of the collector as the service does); baseline = extractOne(WRatio, default_process) over every wording; "
                "engine and baseline timed in alternate turns of 1 s (inputs taken again once all are used)",
                ["input", "chars", "n", "median ms", "p99 ms", "max ms", "extractOne median ms", "n", "engine/baseline"], rows)
    for case in results["cases"].values():
        if case["note"]:
            print(f"  note ({case['label']}): {case['note']}")
    log = results["cases"]["log_1m"]
    print(f"  1 MB log: peak traced memory {log['peak_traced_mb']} MB ({log['peak_ratio']}x the input); "
          f"short messages matched: {results['short_matched_share']:.0%} (10% of the pool is deliberately unknown)")
    print_table("Encoding a short-message result to JSON bytes", ["encoder", "n", "median ms", "p99 ms"],
                [[k, v["n"], v["median_ms"], v["p99_ms"]] for k, v in results["encoding"].items()])
    print_checks("In-process targets (issue 6)", checks)
