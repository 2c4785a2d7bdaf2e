"""The CDK's node process, seen from Python: stop it before its temporary folder goes.

Standard library only, and jsii is looked up in ``sys.modules`` (never imported), so this works whether or not
the engine was loaded, or its import was interrupted half-way.
"""

from __future__ import annotations

import contextlib
import gc
import subprocess
import sys
from typing import Any


def _node_processes() -> list[Any]:
    """The jsii runtime's handles on its node process (at most one per Python process)."""
    module = sys.modules.get("jsii._kernel.providers.process")
    handle_type = getattr(module, "_NodeProcess", None)
    if not isinstance(handle_type, type):  # pragma: no cover - a jsii without this class: nothing to stop
        return []
    started = _memoized_handles(getattr(module, "ProcessProvider", None))
    if started is not None:
        return [obj for obj in started if isinstance(obj, handle_type) and hasattr(obj, "_process")]
    # pragma: no cover - another jsii layout: scan every object (tens of milliseconds in a synth's process)
    return [obj for obj in gc.get_objects() if isinstance(obj, handle_type) and hasattr(obj, "_process")]


def _memoized_handles(provider_type: object) -> list[Any] | None:
    """What jsii's ``ProcessProvider._process`` has started: a memoized property whose closure holds the list
    of the one handle it made (empty before the first request). None when jsii is laid out otherwise."""
    prop = getattr(provider_type, "_process", None)
    getter = getattr(prop, "fget", None)
    names = getattr(getattr(getter, "__code__", None), "co_freevars", ())
    cells = getattr(getter, "__closure__", None) or ()
    stored = dict(zip(names, cells, strict=False)).get("stored")
    contents = getattr(stored, "cell_contents", None)
    return contents if isinstance(contents, list) else None


def stop_engine(*, kill: bool = False, timeout_s: float = 5.0) -> None:
    """Stop the CDK's node process now, instead of at interpreter exit.

    jsii stops it from an ``atexit`` hook, after the caller's ``finally`` blocks have run: a caller that gives
    the process a private temporary folder must stop it before removing that folder. ``kill`` ends it at once
    (SIGTERM, then SIGKILL after ``timeout_s``) rather than asking it to finish its current request: a synth
    that is being cancelled does not wait for the CDK. After this the engine cannot be used in this process.
    """
    for handle in _node_processes():
        process: subprocess.Popen[bytes] = handle._process
        if kill and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout_s)
        if process.poll() is not None and process.stdin is not None:
            # jsii's stop() would write an exit request into the pipe of a process that is gone.
            with contextlib.suppress(OSError):
                process.stdin.close()
        with contextlib.suppress(OSError, ValueError):
            handle.stop()  # closes the pipes, joins jsii's stderr thread, removes jsii's own temp folder
