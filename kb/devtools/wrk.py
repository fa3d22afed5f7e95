"""Reading wrk's report: one parser for the HTTP benchmark and the fault drill.

wrk prints a human-readable summary; both tools need numbers from it, and two
copies of the regular expressions had already drifted apart.
"""

import re


def _milliseconds(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk_parse(output: str) -> dict:
    """Requests per second, p50/p99 latency in ms and non-2xx/3xx responses from wrk's stdout.

    p50 and p99 are None unless wrk ran with --latency; errors is 0 when wrk
    reports no "Non-2xx or 3xx responses" line.
    """
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if found is None:
        raise ValueError(f"no Requests/sec in wrk's output: {output[-500:]!r}")
    rps = float(found.group(1))
    # Anchored: the thread-stats table has columns like "70.50%" too.
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": rps,
        "p50": _milliseconds(p50.group(1)) if p50 else None,
        "p99": _milliseconds(p99.group(1)) if p99 else None,
        "errors": int(errors.group(1)) if errors else 0,
    }
