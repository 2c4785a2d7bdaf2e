"""``permissions_boundary_arn`` reaches every module that creates an IAM role, in every layer's stack."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.ops import ACCOUNT, environment_dir
from tests.support.synth import run_main

BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/github-llm-dev-boundary"
# The modules that create an aws_iam_role (the test below finds them in modules/; this is what it must find).
ROLE_MODULES = {"network", "s3-buckets", "observability", "hyperpod-prerequisites", "inference-fleet"}


def test_every_role_creating_module_gets_the_boundary(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent.parent
    creating = {
        path.parent.name
        for path in (root / "modules").glob("*/*.tf")
        if 'resource "aws_iam_role"' in path.read_text(encoding="utf-8")
        and path.parent.name != "ci-identities"
    }
    assert creating == ROLE_MODULES
    edit = {f'account_id = "{ACCOUNT}"': f'account_id = "{ACCOUNT}"\npermissions_boundary_arn = "{BOUNDARY}"'}
    env_file = environment_dir(tmp_path, role=False, replace=edit) / "dev.toml"
    done = run_main(tmp_path / "out", [env_file])
    assert done.returncode == 0, done.stderr
    passed: dict[str, str | None] = {}
    for stack_file in sorted((tmp_path / "out" / "stacks").glob("*/cdk.tf.json")):
        for block in json.loads(stack_file.read_text(encoding="utf-8")).get("module", {}).values():
            name = block["source"].rsplit("/", 1)[-1]
            if name in ROLE_MODULES:
                passed[name] = block.get("permissions_boundary")
    assert passed == dict.fromkeys(ROLE_MODULES, BOUNDARY)
