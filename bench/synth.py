"""Synthetic catalogues for the scale benchmark: ``python -m bench.synth --entries 10000 --out DIR``.

Entries read like Azure errors, in French and English: templates filled from a domain
vocabulary, a product or feature name from a pool that grows with the catalogue (as new
services bring new words), shared boilerplate ("Please retry the operation in a few
minutes.", "Retentez l’opération dans quelques minutes."), error codes, causes and steps.
The files (YAML, or JSON with ``--format json``) validate against ``app/engine/model.py``;
examples are written but not meant to be checked (index with ``build_index(load_catalog(dir))``).
Output is deterministic per seed.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from bench.synth_words import (
    BOILERPLATE,
    CATEGORIES,
    CODE_PREFIXES,
    COMPONENTS,
    NAMES,
    OPERATIONS,
    PROBLEMS,
    RESOURCES,
    SYLLABLES,
    TEMPLATES,
    WEAK_CODES,
)

__all__ = ["write_catalog", "synth_entries", "term_pool"]

def term_pool(rng: random.Random, entries: int) -> list[str]:
    """Distinct product-like names; the pool grows sub-linearly with the catalogue (Heaps' law)."""
    size = max(50, int(8 * entries**0.7))
    terms: set[str] = set()
    while len(terms) < size:
        terms.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize())
    return sorted(terms)


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots, Op=slots["op"].capitalize())


def _wordings(rng: random.Random, picks: dict[str, tuple[str, str]], term: str) -> list[dict[str, str]]:
    en_slots = {k: v[0] for k, v in picks.items()} | {"term": term, "name": rng.choice(NAMES)}
    fr_slots = {k: v[1] for k, v in picks.items()} | {"term": term, "name": rng.choice(NAMES)}
    templates = rng.sample(TEMPLATES, 2)
    tail = rng.sample(BOILERPLATE, rng.choice((0, 1, 2)))
    messages = [
        {"lang": "en", "text": " ".join([_fill(templates[0][0], en_slots)] + [b[0] for b in tail]), "origin": "synthetic"},
        {"lang": "fr", "text": " ".join([_fill(templates[0][1], fr_slots)] + [b[1] for b in tail]), "origin": "synthetic"},
    ]
    if rng.random() < 0.3:  # an older wording of the same error
        lang = rng.choice((0, 1))
        slots = en_slots if lang == 0 else fr_slots
        messages.append({"lang": ("en", "fr")[lang], "text": _fill(templates[1][lang], slots), "origin": "synthetic (older)"})
    return messages


def _code(rng: random.Random, term: str, prob: str, used: set[str]) -> str:
    words = "".join(w.capitalize() for w in prob.split()[-2:] if w.isalpha())
    code = f"{rng.choice(CODE_PREFIXES)}{term}{words}"
    while code in used:
        code = f"{code}{rng.randint(0, 9)}"
    used.add(code)
    return code


def _entry(i: int, rng: random.Random, category: str, terms: list[str], used_codes: set[str]) -> dict[str, object]:
    picks = {"op": rng.choice(OPERATIONS), "res": rng.choice(RESOURCES), "comp": rng.choice(COMPONENTS), "prob": rng.choice(PROBLEMS)}
    term = rng.choice(terms)
    messages = _wordings(rng, picks, term)
    op, res, comp, prob = picks["op"], picks["res"], picks["comp"], picks["prob"]
    retryable = rng.random() < 0.4
    entry: dict[str, object] = {
        "id": f"{category}.{term.lower()}-{op[0].split()[0].replace('-', '')}-{i:06d}",
        "category": category,
        "title": {"en": f"{op[0].capitalize()} failure: {term} {comp[0]} {prob[0]}",
                  "fr": f"Échec de l’opération de {op[1]} : le composant {term} {comp[1]} {prob[1]}"},
        "messages": messages,
        "codes": [_code(rng, term, prob[0], used_codes)] if rng.random() < 0.8 else [],
        "weak_codes": [rng.choice(WEAK_CODES)] if rng.random() < 0.1 else [],
        "causes": [{"en": f"The {comp[0]} of the {res[0]} {prob[0]}.", "fr": f"Le composant {comp[1]} de la ressource {res[1]} {prob[1]}."}],
        "steps": [
            {"kind": "portal", "en": f"Open the {res[0]} in the Azure portal and check the state of the {comp[0]}.",
             "fr": f"Ouvrez la ressource {res[1]} dans le portail Azure et vérifiez l’état du composant {comp[1]}."},
            {"kind": "cli", "en": f"Show the {res[0]} and its provisioning state.", "fr": f"Affichez la ressource {res[1]} et son état.",
             "command": "az resource show --ids <resource-id> --query properties.provisioningState"},
        ],
        "docs": [{"title": {"en": f"Troubleshoot {term}", "fr": f"Résoudre les problèmes de {term}"},
                  "url": f"https://learn.microsoft.com/azure/{category}/troubleshoot-{term.lower()}"}],
        "retryable": retryable,
        "source": {"document": "synthetic catalogue (bench/synth.py)", "section": category, "row": i + 1},
        "examples": [{"lang": m["lang"], "text": f"Error: {m['text']}"} for m in messages[:2]],
    }
    if retryable:
        entry["retry_after_seconds"] = 300
    return entry


def synth_entries(entries: int, seed: int = 1) -> dict[str, list[dict[str, object]]]:
    """Entries by category id, ``entries`` in all."""
    rng = random.Random(seed)
    terms = term_pool(rng, entries)
    used_codes: set[str] = set()
    by_category: dict[str, list[dict[str, object]]] = {c[0]: [] for c in CATEGORIES}
    for i in range(entries):
        category = CATEGORIES[i % len(CATEGORIES)][0]
        entry = _entry(i, rng, category, terms, used_codes)
        siblings = by_category[category]
        if siblings and rng.random() < 0.1:
            entry["related"] = [siblings[-1]["id"]]
        siblings.append(entry)
    return {c: e for c, e in by_category.items() if e}


def _scalar(value: object) -> str:
    """A YAML scalar (or empty [] / {}): JSON's syntax is valid YAML flow style."""
    return json.dumps(value, ensure_ascii=False)


def _emit(node: object, indent: str, out: list[str]) -> None:
    """Block-style YAML of dicts, lists and scalars, like the hand-written catalogue (and much faster than PyYAML)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)) and value:
                out.append(f"{indent}{key}:\n")
                _emit(value, indent + "  ", out)
            else:
                out.append(f"{indent}{key}: {_scalar(value)}\n")  # scalars, [] and {}
    else:
        for item in node:  # type: ignore[union-attr]
            if isinstance(item, dict):
                lines: list[str] = []
                _emit(item, indent + "  ", lines)
                lines[0] = f"{indent}- {lines[0][len(indent) + 2:]}"
                out.extend(lines)
            else:
                out.append(f"{indent}- {_scalar(item)}\n")


def write_catalog(directory: str | Path, entries: int, seed: int = 1, *, fmt: str = "yaml") -> Path:
    """Write a catalogue of ``entries`` synthetic entries into ``directory``; return it.

    ``fmt``: ``yaml`` (block style, like the reviewed catalogue) or ``json`` (one JSON category
    file each, as a generated catalogue would be shipped).
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    (root / "catalog.yaml").write_text(f'name: Synthetic catalogue ({entries} entries)\nversion: "synth-{seed}"\n', encoding="utf-8")
    titles = {c[0]: {"en": c[1], "fr": c[2]} for c in CATEGORIES}
    for category, items in synth_entries(entries, seed).items():
        document = {"category": category, "title": titles[category], "entries": items}
        if fmt == "json":
            (root / f"{category}.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
            continue
        out: list[str] = [f"# {len(items)} synthetic entries, written by bench/synth.py\n"]
        _emit(document, "", out)
        (root / f"{category}.yaml").write_text("".join(out), encoding="utf-8")
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True, help="Directory to write (created if missing).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["yaml", "json"], default="yaml", help="Category file format.")
    args = parser.parse_args()
    write_catalog(args.out, args.entries, args.seed, fmt=args.format)
    print(f"wrote {args.entries} entries ({args.format}) to {args.out}")


if __name__ == "__main__":
    main()
