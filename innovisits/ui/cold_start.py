"""Cold start, run as its own process by the benchmark: the dashboard's Overview rendered once through
Streamlit's AppTest (the test entry point), printing when it was ready (epoch seconds) and its metrics."""

from __future__ import annotations

import json
import time

from streamlit.testing.v1 import AppTest

from innovisits.data.config import PROJECT_DIR


def main() -> None:
    at = AppTest.from_file(str(PROJECT_DIR / "tests" / "app" / "app_entry.py"), default_timeout=600).run()
    ready = time.time()
    errors = [str(e.value) for e in at.exception]
    print(json.dumps({"ready_at": ready, "metrics": {m.label: m.value for m in at.metric}, "errors": errors}))


if __name__ == "__main__":
    main()
