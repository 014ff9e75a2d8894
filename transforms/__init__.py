"""Floor 2: pure Polars functions on frames (no I/O, no Prefect): parsing uploads, batch rows,
decisions, history, ledger. Each states its grain in its docstring."""
