"""``python -m app.evaluation``: print the evaluation report."""

from __future__ import annotations

import sys

from app.evaluation import main

sys.exit(main())
