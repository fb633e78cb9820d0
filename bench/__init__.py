"""Benchmarks of errdiag against the targets of issue 6: ``python -m bench`` (or ``make bench``).

Sections, each with its baseline measured in the same run:

* ``inproc``: ``diagnose()`` per call (short message, 20 KB and 1 MB logs, a job payload, a ticket)
  against a plain rapidfuzz ``extractOne`` over every catalogue message;
* ``http``: ``POST /v1/diagnose`` under wrk against a bare FastAPI endpoint served by the same server;
* ``scale``: synthetic catalogues of 1,000 / 10,000 / 100,000 entries (``bench/synth.py``);
* ``startup``: ``errdiag serve`` to ``/readyz`` answering 200, and resident memory per worker.

Figures are printed next to their targets with PASS/FAIL and written to ``bench/results/<timestamp>.json``.
This package imports nothing heavy at import time: its modules also run as subprocesses.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
