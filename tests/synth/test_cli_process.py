"""`python main.py` as a process: it leaves nothing behind (success, error, SIGTERM, SIGINT), and the app command
of cdktf.json works when run the way the cdktn/cdktf CLIs run it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.synth import ROOT, SYNTH_TIMEOUT_S, main_env, run_main

SHIPPED = sorted(
    f"{env}-{layer}"
    for env in ("dev", "prod", "staging")
    for layer in ("network", "storage", "observability")
)
STAGING_WAIT_S = 60.0


def leftovers(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def processes_with(marker: str) -> list[str]:
    """Processes (the node child, say) whose environment holds ``marker``: what a run left running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(f"{entry.name}: {(entry / 'cmdline').read_bytes()[:120]!r}")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


@pytest.fixture
def private_tmp(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_a_synth_leaves_nothing_in_the_temp_folder(tmp_path: Path, private_tmp: Path) -> None:
    result = run_main(tmp_path / "out" / "cdktf.out", extra_env={"TMPDIR": str(private_tmp)})
    assert result.returncode == 0, result.stderr
    assert leftovers(private_tmp) == []  # jsii's folders included
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["cdktf.out"]


def test_a_failed_synth_leaves_nothing_behind(tmp_path: Path, private_tmp: Path) -> None:
    # A real CDK validation error: the context the CLIs pass in CDKTF_CONTEXT_JSON overrides the app's, and
    # S3 native locking needs a terraform target >= 1.10.
    context = json.dumps({"targetVersions": {"terraform": ">=1.5"}})
    result = run_main(
        tmp_path / "out" / "cdktf.out", extra_env={"TMPDIR": str(private_tmp), "CDKTF_CONTEXT_JSON": context}
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("synthesis failed; nothing was written:\n")
    assert "S3 native state locking requires terraform >=1.10.0" in result.stderr
    assert leftovers(private_tmp) == []
    assert not (tmp_path / "out").exists() or leftovers(tmp_path / "out") == []


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc to find left-over processes")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_synth_cancelled_mid_way_cleans_up_and_stops_the_cdk(
    tmp_path: Path, private_tmp: Path, signum: signal.Signals
) -> None:
    """A cancelled CI job: the signal arrives while the output is being staged."""
    parent = tmp_path / "out"
    parent.mkdir()
    run_id = uuid.uuid4().hex
    marker = f"LLM_INFRA_TEST_RUN={run_id}"
    env = main_env(parent / "cdktf.out")
    env["TMPDIR"] = str(private_tmp)
    env["LLM_INFRA_TEST_RUN"] = run_id
    process = subprocess.Popen(
        [sys.executable, "main.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + STAGING_WAIT_S
        while not any(p.name.startswith(".cdktf.out.") for p in parent.iterdir()):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the synth never created its staging folder"
            time.sleep(0.005)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=SYNTH_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 128 + signum, stderr
    assert f"interrupted by {signum.name}" in stderr
    assert "Traceback" not in stderr
    assert [p.name for p in parent.iterdir() if p.name.startswith(".cdktf.out.")] == []
    assert leftovers(private_tmp) == []
    deadline = time.monotonic() + 10
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with(marker) == []


def test_the_cdktf_json_app_command_works_as_the_cli_runs_it(tmp_path: Path) -> None:
    """cdktn-cli (Node >= 22.19, not on this machine) runs `app` through a shell in the project root, with
    CDKTF_OUTDIR and its context in CDKTF_CONTEXT_JSON (cdktf.json's context plus `cdktfRelativeModules` from
    `terraformModules`), then reads manifest.json. Here: the same, with a PATH that has no virtual environment."""
    config = json.loads((ROOT / "cdktf.json").read_text(encoding="utf-8"))
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv in the project root (make synth creates it)")
    venv_bins = {str(Path(sys.prefix) / "bin"), str(ROOT / ".venv" / "bin")}
    env = {k: v for k, v in main_env(None).items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p not in venv_bins)
    relative_modules = [m for m in config["terraformModules"] if str(m).startswith(("./", "../"))]
    outdir = tmp_path / "cdktf.out"
    env.update(
        {
            "CDKTF_OUTDIR": str(outdir),
            "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS": "true",
            "CDKTF_CONTEXT_JSON": json.dumps({**config["context"], "cdktfRelativeModules": relative_modules}),
            "SYNTH_HCL_OUTPUT": "false",
            "NODE_OPTIONS": "--max-old-space-size=4096",
        }
    )
    result = subprocess.run(
        config["app"], shell=True, cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=SYNTH_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    stacks = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))["stacks"]
    assert sorted(stacks) == SHIPPED
    for entry in stacks.values():
        stack = json.loads((outdir / entry["synthesizedStackPath"]).read_text(encoding="utf-8"))
        for module in stack["module"].values():
            assert (outdir / entry["workingDirectory"] / module["source"] / "variables.tf").is_file()


def test_the_shipped_environments_are_the_ones_this_file_expects() -> None:
    assert sorted(p.stem for p in ENVIRONMENTS_DIR.glob("[!_]*.toml")) == ["dev", "prod", "staging"]
    result = run_main(None, args=["--check"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith(f"{len(SHIPPED)} stack(s) valid;")
