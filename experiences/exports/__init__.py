"""Large exports built in the task queue: the 汇编 and the personal data ZIP."""
