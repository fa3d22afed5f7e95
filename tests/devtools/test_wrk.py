"""wrk's report read by kb/devtools/wrk.py, from output captured on a real run."""

import pytest

from kb.devtools.wrk import wrk_parse

# wrk 4.1.0, `wrk -t2 -c4 -d1s --latency` against a local server.
WITH_LATENCY = """\
Running 1s test @ http://127.0.0.1:18765/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.32ms   20.95ms 126.69ms   92.32%
    Req/Sec   463.85    230.60   848.00     55.00%
  Latency Distribution
     50%    3.36ms
     75%    7.85ms
     90%   22.54ms
     99%  110.95ms
  924 requests in 1.01s, 169.10KB read
Requests/sec:    918.16
Transfer/sec:    168.03KB
"""

# `wrk -t1 -c2 -d1s --latency` on a missing page: every response a 404.
NOT_FOUND = """\
Running 1s test @ http://127.0.0.1:18765/missing
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.90ms    6.41ms  62.21ms   95.52%
    Req/Sec     1.21k   408.20     2.22k    80.00%
  Latency Distribution
     50%    0.98ms
     75%    2.88ms
     90%    5.04ms
     99%   38.19ms
  1216 requests in 1.00s, 617.50KB read
  Non-2xx or 3xx responses: 1216
Requests/sec:   1211.20
Transfer/sec:    615.06KB
"""

# Without --latency, with the fault drill's Lua script (its DRILL line at the end).
DRILL_SCRIPT = """\
Running 1s test @ http://127.0.0.1:18765
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.64ms    1.38ms  19.16ms   90.68%
    Req/Sec   761.80    119.86     0.93k    65.00%
  1516 requests in 1.00s, 523.71KB read
  Non-2xx or 3xx responses: 758
Requests/sec:   1514.07
Transfer/sec:    523.04KB
DRILL requests=1516 fivexx=0 unavailable=0 fourxx=758 socket_errors=0
"""


def test_requests_latency_and_errors():
    assert wrk_parse(WITH_LATENCY) == {
        "rps": 918.16,
        "p50": pytest.approx(3.36),
        "p99": pytest.approx(110.95),
        "errors": 0,
    }


def test_non_2xx_responses_are_counted():
    result = wrk_parse(NOT_FOUND)
    assert result["errors"] == 1216
    assert result["rps"] == 1211.20
    assert result["p50"] == pytest.approx(0.98)
    assert result["p99"] == pytest.approx(38.19)


def test_thread_stats_percentages_are_not_taken_for_latency_percentiles():
    # "Latency ... 92.32%" in the thread-stats table is not the 50% or 99% row.
    assert wrk_parse(DRILL_SCRIPT) == {"rps": 1514.07, "p50": None, "p99": None, "errors": 758}


def test_units_are_converted_to_milliseconds():
    output = (
        "  Latency Distribution\n     50%  850.00us\n     99%    1.20s\nRequests/sec:   10.00\n"
    )
    result = wrk_parse(output)
    assert result["p50"] == pytest.approx(0.85)
    assert result["p99"] == pytest.approx(1200)
