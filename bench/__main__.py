"""``python -m bench [--quick] [--only SECTION ...] [--seconds S]``: run the benchmarks, print, write JSON."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from typing import Any

from bench import RESULTS_DIR
from bench.report import machine_info, print_checks, write_json
from bench.targets import Check

SECTIONS = ("inproc", "http", "startup", "scale", "profile")
DEFAULT = ("inproc", "http", "startup", "scale")


def _run_section(name: str, args: argparse.Namespace) -> tuple[dict[str, Any], list[Check]]:
    if name == "inproc":
        from bench.inproc import run_inproc
        return run_inproc(quick=args.quick)
    if name == "http":
        from bench.http import run_http
        return run_http(quick=args.quick, seconds=args.seconds)
    if name == "startup":
        from bench.startup import run_startup
        return run_startup(quick=args.quick)
    if name == "scale":
        from bench.scale import run_scale
        return run_scale(quick=args.quick)
    from bench.profile import run_profile
    return run_profile(quick=args.quick), []


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="errdiag benchmarks against the targets of issue 6.")
    parser.add_argument("--quick", action="store_true", help="small iteration counts, no 100k catalogue, HTTP at concurrency 1 and 16 only")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help=f"sections to run (default: {' '.join(DEFAULT)}; profile runs only when asked)")
    parser.add_argument("--profile", action="store_true", help="also profile the matcher (cProfile) after the other sections")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per HTTP load point (default 10, 3 with --quick)")
    return parser.parse_args()


def main() -> int:
    args = _parse()
    selected = list(args.only or DEFAULT) + (["profile"] if args.profile and not args.only else [])
    meta = machine_info() | {"quick": args.quick, "sections": selected, "load_average_at_start": os.getloadavg()}
    print(f"errdiag benchmarks {meta['date']}: {meta['cpus']} CPUs ({meta['cpu_model']}), Python {meta['python']}, "
          f"sections {', '.join(selected)}{' (quick)' if args.quick else ''}")
    if os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1):
        print(f"  warning: the machine is busy (load average {os.getloadavg()[0]:.2f}): figures will be noisy")
    results: dict[str, Any] = {"meta": meta}
    checks: list[Check] = []
    failed = []
    for name in selected:
        started, load = time.perf_counter(), os.getloadavg()[0]
        try:
            data, section_checks = _run_section(name, args)
        except Exception:  # noqa: BLE001 (one broken section must not lose the others' figures)
            traceback.print_exc()
            failed.append(name)
            results[name] = {"error": traceback.format_exc(limit=3)}
            continue
        results[name] = {**data, "seconds": round(time.perf_counter() - started, 1), "load_average_before": load}
        checks += section_checks
    results["checks"] = [c.as_dict() for c in checks]
    if checks:
        print_checks("Every target of issue 6 measured in this run", checks)
        print(f"  {sum(c.status == 'PASS' for c in checks)} PASS, {sum(c.status == 'FAIL' for c in checks)} FAIL, "
              f"{sum(c.status == 'NOT MEASURED' for c in checks)} not measured")
    path = write_json(results, RESULTS_DIR)
    print(f"\nwrote {path}" + (f"; sections that failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
