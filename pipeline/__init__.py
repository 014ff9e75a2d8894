"""Floor 6: the steps of a run as plain functions (no Prefect): read a batch of uploads, validate
and decide it, load it; and the dry run `ektp check` built from the same steps."""
