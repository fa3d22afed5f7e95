"""Jobs the fault drill puts on the task queue; importable by the worker, no Django needed."""

import time
from pathlib import Path


def fail_once(path: str) -> int:
    """Append the time of this run to path; the first run fails, so RQ schedules a retry."""
    log = Path(path)
    runs = log.read_text().split() if log.exists() else []
    with log.open("a") as file:
        file.write(f"{time.time()}\n")
    if not runs:
        raise RuntimeError("drill: the first run fails on purpose")
    return len(runs) + 1
