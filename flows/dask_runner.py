"""prefect-dask's task runner, minus the scheduler's and nannies' INFO chatter on the terminal."""

from __future__ import annotations

import logging

from prefect_dask import DaskTaskRunner


class QuietDaskTaskRunner(DaskTaskRunner):
    """A DaskTaskRunner that sets the `distributed` loggers to WARNING where the flow runs."""

    def __enter__(self):
        # Here, not in the CLI: `ektp serve` runs flows in fresh processes that never went
        # through the CLI's logging setup. An operator's own, other level wins.
        log = logging.getLogger("distributed")
        if log.level in (logging.NOTSET, logging.INFO):
            log.setLevel(logging.WARNING)
        return super().__enter__()
