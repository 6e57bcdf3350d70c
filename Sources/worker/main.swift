// The worker Lambda: wiring only (SPEC §3, §5, §6). Implemented by the worker issue.
print("worker: not implemented yet")
