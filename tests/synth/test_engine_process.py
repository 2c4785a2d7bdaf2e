"""stop_engine finds jsii's node process through jsii's provider, not by scanning every object of the process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from llm_infra.paths import PROJECT_ROOT


def test_stop_engine_reaches_the_node_process_through_jsiis_provider(tmp_path: Path) -> None:
    # In a child process: the engine it starts and stops is its own. If a jsii upgrade changes the layout,
    # _memoized_handles returns None and stop_engine falls back to the slow heap scan: this test says so.
    script = textwrap.dedent(
        f"""
        import jsii._kernel.providers.process as process
        from llm_infra import engine_process

        assert engine_process._memoized_handles(process.ProcessProvider) == [], "no engine yet"
        from llm_infra.cdk import App  # starts the engine

        App(outdir={str(tmp_path / "out")!r})
        handles = engine_process._memoized_handles(process.ProcessProvider)
        assert handles is not None, "jsii's ProcessProvider is laid out differently: stop_engine scans the heap"
        assert len(handles) == 1 and handles[0]._process.poll() is None, handles
        assert engine_process._node_processes() == handles
        engine_process.stop_engine()
        assert handles[0]._process.poll() is not None, "the node process still runs"
        print("stopped")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "stopped"
