// The reader Lambda: wiring only (SPEC §2, §4). Implemented by the reader issue.
print("reader: not implemented yet")
