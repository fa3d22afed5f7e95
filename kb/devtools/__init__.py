"""Development tools: benchmarks, the fault drill and the servers they start.

They exist to measure and stress the product, not to run it: they load
synthetic data, create users with known passwords and restart PostgreSQL. So
they live apart from the product, in an app that is installed only when the
DEVTOOLS setting asks for it (on by default with DEBUG or under pytest, off in
production; ``KB_DEVTOOLS`` overrides): a production ``manage.py`` does not
even list their commands.
"""
