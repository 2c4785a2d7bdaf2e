"""`python main.py` with bad input: every problem on stderr, exit 2, no traceback, nothing written."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import llm_infra
from llm_infra import layers
from llm_infra.cli import Interrupted, Interrupts
from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.synth import ROOT, SYNTH_TIMEOUT_S, main_env, run_main
from tests.unit.conftest import BASE


def _env_dir(tmp_path: Path, **files: str) -> list[Path]:
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", tmp_path / "_defaults.toml")
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_invalid_environment_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    files = _env_dir(
        tmp_path,
        good=BASE,
        bad=BASE.replace('vpc_cidr = "10.10.0.0/16"', 'vpc_cidr = "10.0.0.1/16"'),
        broken=BASE.replace("[state]", "[state"),
    )
    outdir = tmp_path / "out"
    result = run_main(outdir, files)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{files[1]}: network.vpc_cidr: [NET-007] not a valid IPv4 network")
    assert lines[1].startswith(f"{files[2]}: TOML syntax error: ")
    assert lines[-1] == "2 problem(s) found; nothing was written."
    assert result.stdout == ""
    assert not outdir.exists()


def test_invalid_environment_leaves_previous_output_untouched(tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    (outdir / "stacks" / "dev-network").mkdir(parents=True)
    marker = outdir / "stacks" / "dev-network" / "cdk.tf.json"
    marker.write_text("{}", encoding="utf-8")
    files = _env_dir(tmp_path, dev=BASE.replace('account_id = "111111111111"', 'account_id = "x"'))
    result = run_main(outdir, files)
    assert result.returncode == 2
    assert marker.read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in outdir.parent.iterdir()) == sorted(["_defaults.toml", "dev.toml", "out"])


def test_missing_environment_file(tmp_path: Path) -> None:
    result = run_main(tmp_path / "out", [tmp_path / "nope.toml"])
    assert result.returncode == 2
    assert result.stderr.startswith(f"{tmp_path / 'nope.toml'}: cannot read file: No such file or directory")
    assert "Traceback" not in result.stderr


def test_duplicate_environment_names(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _env_dir(tmp_path / "a", dev=BASE)[0]
    second = _env_dir(tmp_path / "b", dev=BASE)[0]
    result = run_main(tmp_path / "out", [first, second])
    assert result.returncode == 2
    assert f"{second}: name: environment 'dev' is also defined by {first}" in result.stderr


# --- the command line: answered before anything is synthesized or written -----------------------------------

ALLOWED_OPTIONS = "(allowed: --help, --version, --env NAME, --layer NAME, --outdir DIR, --check, --list, --schema [KIND]; see --help)"


def test_help_lists_the_options_and_synthesizes_nothing(tmp_path: Path) -> None:
    result = run_main(tmp_path / "out", args=["--help"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: main.py ")
    for option in (
        "--env NAME",
        "--outdir DIR",
        "--check",
        "--version",
        "CDKTF_OUTDIR",
        "LLM_INFRA_ENV_FILES",
    ):
        assert option in result.stdout
    assert not (tmp_path / "out").exists()


def test_version_names_the_package_and_the_engine_llm_infra_cdk_imports(tmp_path: Path) -> None:
    result = run_main(tmp_path / "out", args=["--version"])
    assert result.returncode == 0, result.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import llm_infra.cdk as c; print(c.ENGINE, c.ENGINE_VERSION)"],
        env=main_env(None), capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S, check=True, cwd=ROOT,
    )  # fmt: skip
    engine, version = probe.stdout.split()
    assert version == metadata.version(engine)  # a real version, not "unknown"
    # the source's version, and the installed package's metadata carries the same (pyproject reads it)
    assert result.stdout.strip().startswith(f"llm-infra {llm_infra.__version__} ")
    assert metadata.version("llm-infra") == llm_infra.__version__
    assert f"CDK engine: {engine} {version};" in result.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["synth"], "unrecognized arguments: synth"),
        (["--envs", "dev"], "unrecognized arguments: --envs dev"),
        (["--out", "x"], "unrecognized arguments: --out x"),  # no abbreviations: --layer/--list will come
        (["--env"], "argument --env: expected one argument"),
    ],
)
def test_bad_arguments_are_one_line_exit_2_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run_main(tmp_path / "out", args=args)
    assert result.returncode == 2
    assert result.stderr == f"main.py: arguments: {message} {ALLOWED_OPTIONS}\n"
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()


def test_unknown_environment_lists_the_available_ones(tmp_path: Path) -> None:
    result = run_main(tmp_path / "out", args=["--env", "dev", "--env", "qa", "--env", "prd"])
    assert result.returncode == 2
    names = ", ".join(sorted(p.stem for p in ENVIRONMENTS_DIR.glob("*.toml") if not p.stem.startswith("_")))
    assert names == "dev, prod, staging"
    assert result.stderr.splitlines() == [
        f"main.py: --env: unknown environment, no environments/{name}.toml (got '{name}'; allowed: {names})"
        for name in ("qa", "prd")
    ]
    assert not (tmp_path / "out").exists()


def test_env_selects_among_the_files_of_llm_infra_env_files(tmp_path: Path) -> None:
    files = _env_dir(tmp_path, alpha=BASE, beta=BASE)
    result = run_main(tmp_path / "out", files, args=["--env", "dev"])
    assert result.returncode == 2
    assert result.stderr == (
        "main.py: --env: unknown environment, not among the files LLM_INFRA_ENV_FILES names "
        "(got 'dev'; allowed: alpha, beta)\n"
    )
    # and a name among them selects that file only: beta's error is not reported
    files[1].write_text(BASE.replace('account_id = "111111111111"', 'account_id = "x"'), encoding="utf-8")
    files[0].write_text(BASE.replace('account_id = "111111111111"', 'account_id = "y"'), encoding="utf-8")
    result = run_main(tmp_path / "out", files, args=["--env", "alpha"])
    assert result.returncode == 2
    assert [line.split(":")[0] for line in result.stderr.splitlines()[:-1]] == [str(files[0])]


def test_missing_dependencies_are_one_line_that_says_what_to_run(tmp_path: Path) -> None:
    """A Python without the project's packages (the cdktn/cdktf CLIs run the app outside any venv)."""
    for blocked, expected in (
        (
            ["cdktn", "cdktf"],
            "no CDK engine: neither cdktn (CDK Terrain) nor cdktf (CDKTF 0.21) is installed",
        ),
        (["pydantic"], "pydantic is not installed for"),
    ):
        code = (
            "import runpy, sys\n"
            f"for name in {blocked!r}: sys.modules[name] = None  # what `import` sees when it is not installed\n"
            "sys.argv = ['main.py']\n"
            "runpy.run_path('main.py', run_name='__main__')\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            env=main_env(tmp_path / "out"), capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S, cwd=ROOT,
            check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("main.py: ")
        assert expected in result.stderr
        assert (
            "run `make synth` (it creates .venv) and use .venv/bin/python, or `pip install -e .`"
            in result.stderr
        )
        assert not (tmp_path / "out").exists()


def test_a_signal_during_the_swap_is_raised_only_after_it() -> None:
    """The two renames that swap the output folder in are never separated by SIGTERM/SIGINT."""
    interrupts = Interrupts()
    steps = []
    with pytest.raises(Interrupted) as raised:
        with interrupts.deferred():
            steps.append("rename old away")
            interrupts.handle(signal.SIGTERM, None)  # arrives between the renames
            steps.append("rename new in")
        steps.append("not reached")
    assert steps == ["rename old away", "rename new in"]
    assert raised.value.signum == signal.SIGTERM
    interrupts.handle(signal.SIGINT, None)  # a second signal does not cut the clean-up short
    assert interrupts.received == signal.SIGTERM
    with pytest.raises(Interrupted):
        Interrupts().handle(signal.SIGINT, None)  # outside a deferred block: at once


def test_list_prints_the_stacks_in_apply_order_as_json_and_writes_nothing(tmp_path: Path) -> None:
    files = _env_dir(
        tmp_path, alpha=BASE, beta=BASE + "\n[storage]\nenabled = false\n\n[training]\nenabled = false\n"
    )
    result = run_main(tmp_path / "out", files, args=["--list"])
    assert result.returncode == 0, result.stderr
    stacks = json.loads(result.stdout)["stacks"]
    assert [(s["stack"], s["environment"], s["layer"], s["state_key"], s["depends_on"]) for s in stacks] == [
        ("alpha-network", "alpha", "network", "alpha/network.tfstate", []),
        ("alpha-storage", "alpha", "storage", "alpha/storage.tfstate", ["alpha-network"]),
        (
            "alpha-observability",
            "alpha",
            "observability",
            "alpha/observability.tfstate",
            ["alpha-network", "alpha-storage"],
        ),
        (
            "alpha-training",
            "alpha",
            "training",
            "alpha/training.tfstate",
            ["alpha-network", "alpha-storage", "alpha-observability"],
        ),
        ("alpha-hyperpod", "alpha", "hyperpod", "alpha/hyperpod.tfstate", ["alpha-training"]),
        ("beta-network", "beta", "network", "beta/network.tfstate", []),
        ("beta-observability", "beta", "observability", "beta/observability.tfstate", ["beta-network"]),
    ]
    # The cluster's stack carries awscc alone (no aws provider: the mirror has no awscc, nothing else needs it).
    assert [s["providers"] for s in stacks[3:5]] == [["aws"], ["awscc"]]
    assert stacks[4]["protected_types"] == ["awscc_sagemaker_cluster"]
    assert stacks[4]["post_apply"] == ["hyperpod"]
    storage = stacks[1]
    assert storage["providers"] == ["aws"]
    assert {"aws_s3_bucket", "aws_fsx_lustre_file_system"} <= set(storage["protected_types"])
    assert storage["post_apply"] == ["fsx"]
    assert not (tmp_path / "out").exists()
    selected = run_main(tmp_path / "out", files, args=["--list", "--layer", "storage", "--env", "alpha"])
    assert [s["stack"] for s in json.loads(selected.stdout)["stacks"]] == ["alpha-storage"]


def test_unknown_layer_lists_the_registered_ones(tmp_path: Path) -> None:
    result = run_main(tmp_path / "out", args=["--layer", "storage", "--layer", "gpu"])
    assert result.returncode == 2
    allowed = ", ".join(layers.names())
    assert "storage" in allowed
    assert result.stderr == f"main.py: --layer: unknown layer (got 'gpu'; allowed: {allowed})\n"
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()
