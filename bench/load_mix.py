"""The request mix of the load test: diagnose (JSON, text, query), job payloads, batches, and triage.

Every request is prepared once, distinct from the others (timestamps, ids and names vary), and sent
in turn. Triage requests are added when the server's OpenAPI document has ``POST /v1/triage``; their
bodies are the document's own examples.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from app.engine import Index
from bench.inputs import error_wordings, job_payload, log_text, short_messages

__all__ = ["Request", "build_mix", "describe_mix"]

JSON = {"Content-Type": "application/json"}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}
# Out of every 20 requests (triage takes 4 of the diagnose ones when the server has it).
_WEIGHTS = {"diagnose-json": 6, "diagnose-text": 3, "diagnose-query": 2, "job": 4, "batch": 1, "triage": 4}


@dataclass(frozen=True)
class Request:
    kind: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _json(kind: str, path: str, document: object) -> Request:
    return Request(kind, "POST", path, JSON, json.dumps(document, ensure_ascii=True).encode())


def _triage_examples(openapi: dict) -> list[Request]:
    """One request per example body of every ``POST /v1/triage*`` operation the server documents."""
    found = []
    for path, operations in sorted(openapi.get("paths", {}).items()):
        if not path.startswith("/v1/triage") or "{" in path:
            continue
        media = operations.get("post", {}).get("requestBody", {}).get("content", {}).get("application/json", {})
        examples = [media["example"]] if "example" in media else [e["value"] for e in media.get("examples", {}).values() if "value" in e]
        signed = any(p.get("in") == "header" and p.get("required") for p in operations["post"].get("parameters", []))
        if examples and not signed:  # webhooks that need a signature are left out: the load test has no secret
            found += [_json("triage", path, example) for example in examples]
    return found


def build_mix(index: Index, openapi: dict, *, size: int = 400, seed: int = 5) -> list[Request]:
    """``size`` prepared requests in a fixed, shuffled order."""
    rng = random.Random(seed)
    messages = short_messages(index, size, seed=seed)
    wordings = [text for _eid, text in error_wordings(index)]
    triage = _triage_examples(openapi)
    weights = dict(_WEIGHTS) if triage else {k: v for k, v in _WEIGHTS.items() if k != "triage"} | {"diagnose-json": 10}
    kinds = [kind for kind, weight in weights.items() for _ in range(weight)]
    mix = []
    for n in range(size):
        kind = kinds[n % len(kinds)]
        message = messages[n]
        if kind == "diagnose-json":
            mix.append(_json(kind, "/v1/diagnose", {"message": message}))
        elif kind == "diagnose-text":
            mix.append(Request(kind, "POST", "/v1/diagnose", TEXT, log_text(rng, rng.randint(1000, 6000), [rng.choice(wordings)]).encode()))
        elif kind == "diagnose-query":
            mix.append(Request(kind, "GET", "/v1/diagnose?" + urlencode({"q": message})))
        elif kind == "job":
            mix.append(_json(kind, "/v1/diagnose/job", job_payload(index, rng, errors=rng.randint(1, 4))))
        elif kind == "batch":
            mix.append(_json(kind, "/v1/diagnose/batch", {"messages": rng.sample(messages, 5)}))
        else:
            mix.append(triage[n % len(triage)])
    rng.shuffle(mix)
    return mix


def describe_mix(mix: list[Request]) -> str:
    counts = Counter(r.kind for r in mix)
    return ", ".join(f"{kind} {100 * n / len(mix):.0f}%" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]))
