"""benchmark_search, benchmark_http and fault_drill: listed by manage.py only with DEVTOOLS."""
