"""The targets of issue 6, and the PASS/FAIL of a measured figure against them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Target", "TARGETS", "Check", "check"]


@dataclass(frozen=True)
class Target:
    label: str
    limit: float
    unit: str
    op: str = "<="  # the figure must be <= limit, or >= limit

    def holds(self, value: float) -> bool:
        return value <= self.limit if self.op == "<=" else value >= self.limit

    def describe(self) -> str:
        return f"{self.op} {self.limit:g} {self.unit}".rstrip()


TARGETS: dict[str, Target] = {
    "inproc.short.median": Target("short message, median", 0.3, "ms"),
    "inproc.short.p99": Target("short message, p99", 1.0, "ms"),
    "inproc.log_20k.median": Target("20 KB log, median", 20.0, "ms"),
    "inproc.log_1m.median": Target("1 MB log, median", 500.0, "ms"),
    # "memory bounded (no copy of the input per segment per entry)": a copy per segment per entry
    # would be hundreds of times the input; we read "bounded" as a peak under 10x the input.
    "inproc.log_1m.peak_ratio": Target("1 MB log, peak traced memory / input size", 10.0, "x"),
    "http.ratio.c1": Target("errdiag/bare throughput @1", 0.6, "", ">="),
    "http.ratio.c16": Target("errdiag/bare throughput @16", 0.6, "", ">="),
    "http.ratio.c64": Target("errdiag/bare throughput @64", 0.6, "", ">="),
    "http.p99.c64": Target("errdiag p99 @64", 50.0, "ms"),
    "scale.10000.short.median": Target("10k entries, short median", 2.0, "ms"),
    "scale.100000.short.median": Target("100k entries, short median", 20.0, "ms"),
    "scale.100000.index_s": Target("100k entries, index build", 20.0, "s"),
    "scale.100000.peak_rss": Target("100k entries, peak resident", 1536.0, "MB"),
    # "show the cost growing slower than the catalogue": less than 10x per 10x entries.
    "scale.growth.short.1000-10000": Target("short median growth 1k->10k", 10.0, "x", "<"),
    "scale.growth.short.10000-100000": Target("short median growth 10k->100k", 10.0, "x", "<"),
    "startup.ready_s": Target("start-up to /readyz 200", 1.5, "s"),
    "startup.rss": Target("resident per worker (after traffic)", 150.0, "MB"),
}


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    value: float | None
    target: str
    status: str  # PASS, FAIL or "NOT MEASURED"

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "value": self.value, "target": self.target, "status": self.status}


def check(key: str, value: float | None) -> Check:
    """Compare ``value`` with the target ``key``; None means the figure could not be measured."""
    target = TARGETS[key]
    if value is None:
        status = "NOT MEASURED"
    elif target.op == "<":
        status = "PASS" if value < target.limit else "FAIL"
    else:
        status = "PASS" if target.holds(value) else "FAIL"
    shown = None if value is None else round(value, 4)
    return Check(key, target.label, shown, target.describe(), status)
