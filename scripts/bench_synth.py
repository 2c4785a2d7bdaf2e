"""`make bench`: time `python main.py` (every shipped environment) against the floor.

The floor is the CDK core synthesizing one stack with one local module block: what any CDK app pays. The
budget (issue 2) is a wall-clock median at most 2.0x the floor's and a peak resident set of at most 200 MiB.
Peak memory is the largest resident set of any single process of the run (python or the CDK's node runtime).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_RATIO = 2.0
BUDGET_PEAK_MIB = 200.0

FLOOR_APP = textwrap.dedent(
    """
    from cdktn import App, TerraformHclModule, TerraformStack
    app = App(outdir="cdktf.out", context={"cdktfRelativeModules": ["./modules/m"]})
    stack = TerraformStack(app, "floor")
    TerraformHclModule(stack, "m", source="./modules/m", variables={"name": "floor"})
    app.synth()
    """
)

# Runs one command and reports its wall time and the peak RSS of its process tree's largest process.
MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    start = time.perf_counter()
    code = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - start
    print(json.dumps({"code": code, "wall": wall, "peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
    """
)


def measure(cwd: Path, command: list[str], env: dict[str, str]) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(cwd), *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {result['code']}")
    return float(result["wall"]), result["peak_kib"] / 1024


def interleaved(
    commands: list[tuple[Path, list[str], dict[str, str]]], runs: int
) -> list[tuple[float, float]]:
    """Median wall time and peak memory of each command. The commands take turns, one run each per round, so
    that a change in the machine's load (other jobs on a shared CI runner) weighs on all of them alike."""
    for command in commands:
        measure(*command)  # warm-up: jsii unpacks its assemblies into the user cache on first use
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            samples[index].append(measure(*command))
    return [(statistics.median(s[0] for s in runs_of), max(s[1] for s in runs_of)) for runs_of in samples]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command (default: 5)")
    args = parser.parse_args()
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    env.pop("LLM_INFRA_ENV_FILES", None)
    with tempfile.TemporaryDirectory(prefix="llm-infra-bench-") as scratch:
        floor_dir = Path(scratch) / "floor"
        (floor_dir / "modules" / "m").mkdir(parents=True)
        (floor_dir / "modules" / "m" / "main.tf").write_text('variable "name" { type = string }\n')
        (floor_dir / "app.py").write_text(FLOOR_APP)
        synth_env = {**env, "CDKTF_OUTDIR": str(Path(scratch) / "cdktf.out")}
        started = time.perf_counter()
        (floor_wall, floor_peak), (synth_wall, synth_peak) = interleaved(
            [(floor_dir, [sys.executable, "app.py"], env), (ROOT, [sys.executable, "main.py"], synth_env)],
            args.runs,
        )
        elapsed = time.perf_counter() - started
    ratio = synth_wall / floor_wall
    print(f"floor (CDK core, 1 stack, 1 module):  median {floor_wall:.2f} s   peak {floor_peak:.0f} MiB")
    print(f"make synth (all environments):        median {synth_wall:.2f} s   peak {synth_peak:.0f} MiB")
    print(
        f"ratio {ratio:.2f} (budget {BUDGET_RATIO})   peak {synth_peak:.0f} MiB (budget {BUDGET_PEAK_MIB:.0f})"
    )
    print(f"({args.runs} interleaved runs each after one warm-up; took {elapsed:.1f} s)")
    within = ratio <= BUDGET_RATIO and synth_peak <= BUDGET_PEAK_MIB
    print("within budget" if within else "OVER BUDGET")
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
