"""Floor 4: the DuckDB warehouse. `store` writes (the working file, migrations, loads), `publish`
makes a run's changes what analysts open (monthly Parquet files and a catalog swapped in),
`marts` brings the analysts' relations up to date, `models` reads the SQL files' headers (key,
reads, refresh, partition), `macros` the macros that SQL calls, `db` the DuckDB plumbing
(transactions, registered frames, catalog helpers), `read` is the one read-only connection,
`cadangan` writes backups; SQL lives in sql/."""
