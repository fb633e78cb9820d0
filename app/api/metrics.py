"""Prometheus metrics of one app, in its own registry, served at ``GET /metrics``.

Requests and latency by route template and status; diagnoses by entry, category and outcome;
a confidence histogram; the catalogue in service (version, entries); reloads and their failures;
requests refused for a missing or wrong API key.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from app.api.outcome import Outcome
from app.engine.catalog import Catalog
from app.engine.engine import Engine

__all__ = ["Metrics", "router"]

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


class Metrics:
    """The collectors of one app; ``registry`` is what ``/metrics`` exposes."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("errdiag_http_requests", "HTTP requests answered.", ["method", "route", "status"], registry=registry)
        self.latency = Histogram("errdiag_http_request_duration_seconds", "Time to answer a request.",
                                 ["method", "route", "status"], buckets=_LATENCY_BUCKETS, registry=registry)
        self.in_progress = Gauge("errdiag_http_requests_in_progress", "Requests being served.", registry=registry)
        self.diagnoses = Counter("errdiag_diagnoses", "Diagnoses produced (entry and category are 'none' without a match).",
                                 ["entry", "category", "outcome"], registry=registry)
        self.confidence = Histogram("errdiag_diagnosis_confidence", "Confidence of each diagnosis (of the nearest entry without a match).",
                                    ["outcome"], buckets=_CONFIDENCE_BUCKETS, registry=registry)
        self.catalog = Info("errdiag_catalog", "The catalogue in service.", registry=registry)
        self.catalog_entries = Gauge("errdiag_catalog_entries", "Entries of the catalogue in service.", registry=registry)
        self.catalog_loaded = Gauge("errdiag_catalog_loaded_timestamp_seconds", "When the catalogue in service was loaded.", registry=registry)
        self.reloads = Counter("errdiag_catalog_reloads", "Catalogue reloads attempted.", ["trigger", "result"], registry=registry)
        self.reload_failures = Counter("errdiag_catalog_reload_failures", "Catalogue reloads refused (the old catalogue kept serving).",
                                       ["trigger"], registry=registry)
        self.auth_failures = Counter("errdiag_auth_failures", "Requests refused for a missing or wrong API key.", ["reason"], registry=registry)
        # The labelled children of the per-request metrics, by label values: ``labels()`` checks and
        # locks on every call, half of what counting a request cost. Label values are bounded
        # (method, route template, status; entry and category of the catalogue), as are the children.
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._outcome_children: dict[tuple[str | None, str | None] | None, tuple[Counter, Histogram]] = {}
        self._cache_collector: _CacheCollector | None = None

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            code = str(status)
            children = self._request_children[key] = (self.requests.labels(method, route, code), self.latency.labels(method, route, code))
        children[0].inc()
        children[1].observe(seconds)

    def observe_outcome(self, outcome: Outcome) -> None:
        for found in outcome.diagnoses:
            key = (found.entry_id, found.category) if found.matched else None
            children = self._outcome_children.get(key)
            if children is None:
                children = self._outcome_children[key] = self._outcome_pair(key)
            children[0].inc()
            children[1].observe(found.confidence)

    def _outcome_pair(self, key: tuple[str | None, str | None] | None) -> tuple[Counter, Histogram]:
        label = "no_match" if key is None else "matched"
        entry, category = key or ("none", "none")
        return self.diagnoses.labels(entry, category, label), self.confidence.labels(label)

    def watch_cache(self, engine: Engine) -> None:
        """Expose the engine's answer cache, memo and shape templates (hits, misses, size) when it has them.

        Registered once per registry; a later call (the app's lifespan run again) only points it at the new engine.
        """
        if self._cache_collector is None:
            self._cache_collector = _CacheCollector(engine)
            self.registry.register(self._cache_collector)
        self._cache_collector.engine = engine

    def catalog_in_service(self, catalog: Catalog) -> None:
        self.catalog.info({"version": catalog.version})
        self.catalog_entries.set(len(catalog))
        self.catalog_loaded.set(time.time())

    def reload_done(self, trigger: str, ok: bool) -> None:
        self.reloads.labels(trigger, "ok" if ok else "refused").inc()
        if not ok:
            self.reload_failures.labels(trigger).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


router = APIRouter(tags=["operations"])


@router.get(
    "/metrics", operation_id="metrics", summary="Prometheus metrics of this process",
    response_class=Response,
    responses={200: {"description": "Prometheus text exposition format.", "content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


# The engine's caches: its attribute, then the help of the hits, misses and entries series (errdiag_<attribute>_...).
_CACHES = (
    ("cache", "Diagnoses answered from the answer cache.", "Short inputs diagnosed afresh (then cached).",
     "Answers held in the cache."),
    ("memo", "Segments whose scores were found in the memo (seen before, maybe with other ids).",
     "Segments scored afresh (then kept in the memo).", "Segment scores held in the memo."),
    ("shapes", "Diagnoses answered from the template of the input's shape (the same error with other digits and GUIDs).",
     "Inputs of a shape without a template, or whose codes differ from it (then matched).", "Templates held, by input shape."),
)


class _CacheCollector(Collector):
    """The counters of the answer cache, the memo of segment scores and the shape templates, read when ``/metrics`` is scraped (the engine keeps them)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self):  # noqa: ANN201
        for attribute, hits, misses, entries in _CACHES:
            cache = getattr(self.engine, attribute)
            if cache is None:
                continue
            yield CounterMetricFamily(f"errdiag_{attribute}_hits", hits, value=cache.hits)
            yield CounterMetricFamily(f"errdiag_{attribute}_misses", misses, value=cache.misses)
            yield GaugeMetricFamily(f"errdiag_{attribute}_entries", entries, value=len(cache))
