"""A serving-only account: storage with ``fsx_enabled = false`` (buckets, no Lustre file system) and inference.

The inference stack reads only the storage layer's bucket outputs, so it builds the same with or without a file
system; the storage stack has no FSx module, no FSx moves, and null file-system outputs."""

from __future__ import annotations

import json
from pathlib import Path

from llm_infra.app import synth
from llm_infra.config import load_environments
from llm_infra.layers.storage import LAYER as STORAGE
from llm_infra.paths import ENVIRONMENTS_DIR


def test_storage_without_a_file_system_feeds_inference(tmp_path: Path) -> None:
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    assert "[storage]\n" in text and "[storage.fsx]\n" in text
    # the dev file's own [storage.fsx] table stays: fsx_enabled = false ignores it, as it does the defaults'
    text = text.replace("[storage]\n", "[storage]\nfsx_enabled = false\n", 1)
    text += "\n[training]\nenabled = false\n"  # training mounts the file system (TRN-021)
    path = tmp_path / "dev.toml"
    path.write_text(text, encoding="utf-8")
    (env,) = load_environments([path], ENVIRONMENTS_DIR / "_defaults.toml")
    storage = STORAGE.require(env)
    assert storage.fsx is None and set(storage.buckets) == {"artifacts", "checkpoints", "datasets"}
    outdir = tmp_path / "out"
    result = synth([env], outdir)
    # observability turns its FSx dashboards and alarm off with the file system (observability.fsx follows it)
    assert [s.label.stack_id for s in result.stacks] == [
        "dev-network", "dev-storage", "dev-observability", "dev-inference"
    ]  # fmt: skip
    stacks = {
        name: json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text(encoding="utf-8"))
        for name in ("dev-storage", "dev-inference")
    }
    assert set(stacks["dev-storage"]["module"]) == {"buckets"}
    assert all("fsx" not in m["from"] for m in stacks["dev-storage"].get("moved", []))
    outputs = stacks["dev-storage"]["output"]
    assert {k: outputs[k]["value"] for k in ("fsx_file_system_id", "fsx_dns_name", "fsx_mount_name")} == {
        "fsx_file_system_id": "${null}", "fsx_dns_name": "${null}", "fsx_mount_name": "${null}"
    }  # fmt: skip
    assert outputs["kms_key_arns"]["value"] == {"s3": "${module.buckets.kms_key_arn}"}
    assert "kms_key_policy_statements" not in stacks["dev-storage"]["module"]["buckets"]
    # the inference stack is the one the shipped dev (with a file system) gets
    shipped = synth(load_environments([ENVIRONMENTS_DIR / "dev.toml"], ENVIRONMENTS_DIR / "_defaults.toml"),
                    tmp_path / "shipped")  # fmt: skip
    assert shipped.stacks
    assert stacks["dev-inference"] == json.loads(
        (tmp_path / "shipped" / "stacks" / "dev-inference" / "cdk.tf.json").read_text(encoding="utf-8")
    )
