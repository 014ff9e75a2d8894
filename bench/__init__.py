"""The national benchmark of issue 7: `python -m bench.run` (or `make bench`); see docs/bench.md."""
