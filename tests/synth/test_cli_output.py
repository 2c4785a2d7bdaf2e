"""What `python main.py` does to the output folder: selections keep the other environments' stacks, --check
writes nothing, a folder that is not a synth output is refused, and nothing can fail after the swap."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.synth import ROOT, SYNTH_TIMEOUT_S, main_env, run_main

LAYERS = ("network", "storage", "observability")
OTHERS = [f"{env}-{layer}" for env in ("prod", "staging") for layer in LAYERS]
DEV = [f"dev-{layer}" for layer in LAYERS]


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` and a hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def manifest_stacks(outdir: Path) -> dict[str, dict[str, object]]:
    stacks: dict[str, dict[str, object]] = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))[
        "stacks"
    ]
    return stacks


@pytest.fixture
def previous(outdir: Path, tmp_path: Path) -> Path:
    """A copy of a full synth (every shipped environment), as a previous `make synth` left it."""
    copy = tmp_path / "work" / "cdktf.out"
    shutil.copytree(outdir, copy)
    # A marker the next synth of dev must replace (a synth of the same config writes the same bytes).
    (copy / "stacks" / "dev-network" / "cdk.tf.json").write_text("{}", encoding="utf-8")
    return copy


@pytest.mark.parametrize("how", ["--env", "LLM_INFRA_ENV_FILES"])
def test_selecting_an_environment_keeps_the_other_environments_stacks(previous: Path, how: str) -> None:
    before = tree_digest(previous)
    if how == "--env":
        result = run_main(previous, args=["--env", "dev"])
    else:
        result = run_main(previous, [ENVIRONMENTS_DIR / "dev.toml"])
    assert result.returncode == 0, result.stderr
    assert (
        f"kept {len(OTHERS)} stack(s) of environments not selected, from the previous {previous}: "
        f"{', '.join(sorted(OTHERS))}" in result.stdout.splitlines()
    )
    after = tree_digest(previous)
    # the other environments' stacks are there, byte for byte
    for name in OTHERS:
        kept = {path: digest for path, digest in before.items() if path.startswith(f"stacks/{name}/")}
        assert kept, name
        assert {path: after.get(path) for path in kept} == kept
    # dev was synthesized again
    assert json.loads((previous / "stacks" / "dev-network" / "cdk.tf.json").read_text(encoding="utf-8")) != {}
    # and the CDK's manifest lists exactly the stack folders (the cdktn CLI deletes folders it does not list)
    stacks = manifest_stacks(previous)
    assert sorted(stacks) == sorted(path.name for path in (previous / "stacks").iterdir())
    assert sorted(stacks) == sorted([*DEV, *OTHERS])
    for name, entry in stacks.items():
        assert entry["name"] == name
        assert (previous / str(entry["synthesizedStackPath"])).is_file()
    assert stacks["prod-storage"]["dependencies"] == ["prod-network"]
    assert sorted(p.name for p in previous.parent.iterdir()) == ["cdktf.out"]  # no staging folder left


def test_a_full_synth_removes_and_names_stacks_no_environment_produces(previous: Path) -> None:
    shutil.copytree(previous / "stacks" / "dev-network", previous / "stacks" / "old-network")
    manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    manifest["stacks"]["old-network"] = {
        **manifest["stacks"]["dev-network"],
        "name": "old-network",
        "constructPath": "old-network",
        "synthesizedStackPath": "stacks/old-network/cdk.tf.json",
        "workingDirectory": "stacks/old-network",
    }
    (previous / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_main(previous)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"removed 1 stack(s) of the previous {previous} that this synth no longer produces: old-network"
    )
    assert not (previous / "stacks" / "old-network").exists()
    assert "old-network" not in manifest_stacks(previous)


def test_check_validates_everything_and_writes_nothing(previous: Path, tmp_path: Path) -> None:
    before = tree_digest(previous)
    result = run_main(previous, args=["--check"])
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.splitlines()[-1]
        == f"{len(DEV) + len(OTHERS)} stack(s) valid; nothing was written to {previous} (--check)"
    )
    assert "written to" not in result.stdout.replace("nothing was written to", "")
    assert re.search(
        r"^dev-storage +dev/storage\.tfstate ", result.stdout, re.MULTILINE
    )  # the summary was computed
    assert tree_digest(previous) == before
    assert sorted(p.name for p in previous.parent.iterdir()) == ["cdktf.out"]
    fresh = tmp_path / "fresh" / "cdktf.out"
    result = run_main(fresh, args=["--check", "--env", "prod"])
    assert result.returncode == 0, result.stderr
    assert not fresh.parent.exists()


def test_check_reports_invalid_configuration_with_exit_2(tmp_path: Path) -> None:
    env_dir = tmp_path / "envs"
    env_dir.mkdir()
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", env_dir)
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    (env_dir / "dev.toml").write_text(text.replace('"10.10.0.0/16"', '"10.10.0.1/16"'), encoding="utf-8")
    result = run_main(tmp_path / "out", [env_dir / "dev.toml"], args=["--check"])
    assert result.returncode == 2
    assert "network.vpc_cidr" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_existing_folder_that_is_not_a_synth_output_is_refused(tmp_path: Path) -> None:
    """`--outdir .` (or a typo'd CDKTF_OUTDIR) must never swap a user's folder away."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("keep me", encoding="utf-8")
    result = run_main(folder)
    assert result.returncode == 2
    assert result.stderr == (
        f"{folder}: exists, is not empty and has no manifest.json, so it is not a synth output; refusing to "
        "replace it (choose another folder, or remove it); nothing was written\n"
    )
    assert (folder / "todo.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]


def test_outdir_option_wins_over_cdktf_outdir(tmp_path: Path) -> None:
    result = run_main(tmp_path / "from-env", args=["--outdir", str(tmp_path / "from-option"), "--env", "dev"])
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "from-option" / "stacks").iterdir()) == sorted(DEV)
    assert not (tmp_path / "from-env").exists()


# A value the configuration accepts today but the summary cannot render stands for any failure of the code that
# finishes the output: it must happen before the swap. (The config now rejects inf; model_copy does not
# re-validate, which is how a future rule gap would reach the summary.)
SUMMARY_FAILS = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from llm_infra.app import synth
    from llm_infra.config import load_environments
    from llm_infra.paths import ENVIRONMENTS_DIR

    (dev,) = load_environments([ENVIRONMENTS_DIR / "dev.toml"], ENVIRONMENTS_DIR / "_defaults.toml")
    storage = dev.storage.model_copy(update={"checkpoint_size_gib": float("inf")})
    try:
        synth([dev.model_copy(update={"storage": storage})], Path(sys.argv[1]), keep_others=True)
    except OverflowError as error:
        print(f"OverflowError: {error}")
        raise SystemExit(3) from None
    """
)


def test_a_failure_in_the_summary_leaves_the_previous_output_untouched(
    previous: Path, tmp_path: Path
) -> None:
    before = tree_digest(previous)
    env = main_env(None)
    env["TMPDIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", SUMMARY_FAILS, str(previous)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert result.returncode == 3, result.stdout + result.stderr
    assert result.stdout.startswith("OverflowError: ")
    assert tree_digest(previous) == before
    assert sorted(p.name for p in previous.parent.iterdir()) == ["cdktf.out"]


def test_a_kept_stack_missing_from_the_previous_output_is_an_error_not_a_silent_loss(previous: Path) -> None:
    shutil.rmtree(previous / "stacks" / "prod-network")
    before = tree_digest(previous)
    result = run_main(previous, args=["--env", "dev"])
    assert result.returncode == 2
    assert result.stderr == (
        f"{previous / 'manifest.json'}: lists stack prod-network, but {previous / 'stacks' / 'prod-network'} is "
        "missing; remove the folder, or synthesize every environment; nothing was written\n"
    )
    assert tree_digest(previous) == before
    assert sorted(p.name for p in previous.parent.iterdir()) == ["cdktf.out"]


def test_an_unreadable_manifest_blocks_a_selection_but_not_a_full_synth(previous: Path) -> None:
    (previous / "manifest.json").write_text("{not json", encoding="utf-8")
    result = run_main(previous, args=["--env", "dev"])
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"{previous / 'manifest.json'}: cannot read the previous output's list of stacks ("
    )
    assert (previous / "manifest.json").read_text(encoding="utf-8") == "{not json"
    result = run_main(previous)
    assert result.returncode == 0, result.stderr
    assert sorted(manifest_stacks(previous)) == sorted([*DEV, *OTHERS])


def test_layer_selection_writes_that_layer_and_keeps_every_other_stack(outdir: Path, previous: Path) -> None:
    """--layer storage: dev-storage is synthesized again, dev-network (its producer) is built but not written."""
    (previous / "stacks" / "dev-storage" / "cdk.tf.json").write_text("{}", encoding="utf-8")
    before = tree_digest(previous)
    result = run_main(previous, args=["--env", "dev", "--layer", "storage"])
    assert result.returncode == 0, result.stderr
    after = tree_digest(previous)
    fresh = outdir / "stacks" / "dev-storage" / "cdk.tf.json"
    assert (previous / "stacks" / "dev-storage" / "cdk.tf.json").read_bytes() == fresh.read_bytes()
    assert (previous / "stacks" / "dev-network" / "cdk.tf.json").read_text(encoding="utf-8") == "{}"  # kept
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert {name.split("/")[1] for name in changed if name.startswith("stacks/")} == {"dev-storage"}
    assert set(manifest_stacks(previous)) == set(manifest_stacks(outdir))
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[2:3]] == ["dev-storage"]
    assert lines[-1] == (
        f"kept {len(DEV) - 1 + len(OTHERS)} stack(s) of layers or environments not selected, from the previous "
        f"{previous}: {', '.join(sorted([*(d for d in DEV if d != 'dev-storage'), *OTHERS]))}"
    )
