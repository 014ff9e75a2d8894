"""Floor 4: the DuckDB warehouse. `store` writes (private copy, atomic publish), `marts` builds
the analysts' relations, `read` is the one read-only connection; SQL lives in sql/."""
