"""Exports: a colleague's data as one ZIP (streamed, or built in the task queue when large)
and the task queue's export jobs (the 汇编 and that ZIP)."""
