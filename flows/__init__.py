"""Floor 7: Prefect. The nightly and backfill flows wire the pipeline's steps; serve schedules them."""
