"""Pays the stack's imports once, then forks one `ektp` run per request (a fork server).

The crash test kills runs at ten points; importing Prefect and GX afresh for each would cost
~20 s a run here. Requests on stdin are JSON argument lists; the reply is the child's pid, or with
{"wait": true} the pid and exit status once it is done.

Its runs validate in their own process (`engine.Validator`, as `ektp check` and the portal do),
with the GX imported here: a run's validation child (expectations/child.py) is a fresh interpreter
that imports GX again, ~4 s of CPU a run. What these tests kill runs for is the warehouse; the
child's own ends (killed, orphaned) are tests/expectations/test_child.py's and
tests/flows/test_validation_process.py's.
"""

import json
import os
import sys

from flows import environment as quiet

quiet.configure()

# Besides the stack, what a run imports on its way (Prefect's flow engine serialises a run's
# parameters with FastAPI's encoder: ~0.3 s of imports), so that no forked run imports it again.
import anyio._backends._asyncio  # noqa: E402,F401
import fastapi.encoders  # noqa: E402,F401
import great_expectations  # noqa: E402,F401
import jinja2.ext  # noqa: E402,F401
import prefect.artifacts  # noqa: E402
import prefect.flow_engine  # noqa: E402
import prefect.task_engine  # noqa: E402
import prefect.utilities.visualization  # noqa: E402,F401

import ektp.cli  # noqa: E402
import flows.backfill  # noqa: E402
import flows.nightly  # noqa: E402
import flows.steps  # noqa: E402
import pipeline.check  # noqa: E402,F401
import reports.daily  # noqa: E402,F401
from expectations import engine  # noqa: E402

flows.steps.ChildValidator = engine.Validator  # type: ignore[misc]  # in the run's process (header)


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            if not os.environ.get("ZYGOTE_DEBUG"):
                os.dup2(devnull, 2)
            os._exit(ektp.cli.main(request["args"]))
        if request.get("wait"):
            _, status = os.waitpid(pid, 0)
            print(json.dumps({"pid": pid, "status": os.waitstatus_to_exitcode(status)}), flush=True)
        else:
            # The test kills it and waits until it is a zombie; it is reaped on the next request.
            print(json.dumps({"pid": pid}), flush=True)
        _reap()


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


if __name__ == "__main__":
    main()
