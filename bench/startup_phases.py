"""Where start-up time goes, in a fresh process: ``python -m bench.startup_phases`` prints one JSON line."""

from __future__ import annotations

import time

_START = time.perf_counter()


def main() -> None:
    import json

    marks: dict[str, float] = {}
    import uvicorn  # noqa: F401  (imported by `errdiag serve` before the app)

    marks["import uvicorn"] = time.perf_counter() - _START
    from app.api.main import settings  # what the server imports: the engine, FastAPI, the routes; the app built

    marks["import app.api.main"] = time.perf_counter() - _START
    from app.api.app import engine_options
    from app.engine import build_index, check_examples, load_catalog

    catalog = load_catalog(settings.catalog_dir, parse_cache=settings.parse_cache_path)  # as the lifespan loads it
    marks["load_catalog"] = time.perf_counter() - _START
    index = build_index(catalog)
    marks["build_index"] = time.perf_counter() - _START
    check_examples(index, engine_options(settings))
    marks["check_examples"] = time.perf_counter() - _START
    steps, previous = {}, 0.0
    for name, at in marks.items():
        steps[name] = round(at - previous, 4)
        previous = at
    print(json.dumps({"steps_s": steps, "check_examples_enabled": settings.check_examples}))


if __name__ == "__main__":
    main()
