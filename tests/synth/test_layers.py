"""Layers an environment disables are not created (built in-process with the CDK)."""

from __future__ import annotations

from pathlib import Path

from llm_infra import layers
from llm_infra.app import build_app
from llm_infra.config import load_environments
from llm_infra.paths import ENVIRONMENTS_DIR


def test_disabled_storage_layer_is_not_created(tmp_path: Path) -> None:
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    text = text.replace("[storage]\n", "[storage]\nenabled = false\n", 1)
    # a layer that requires storage goes off with it (else CFG-013)
    for layer in layers.registry():
        if "storage" in layer.requires and layer.table_from is None:
            header = f"[{layer.table}]\n"
            if header in text:
                text = text.replace(header, f"{header}enabled = false\n", 1)
            else:
                text += f"\n{header}enabled = false\n"
    path = tmp_path / "dev.toml"
    path.write_text(text, encoding="utf-8")
    (env,) = load_environments([path], ENVIRONMENTS_DIR / "_defaults.toml")
    _app, stacks = build_app([env], outdir=str(tmp_path / "out"))
    # observability stays (it only uses storage); without a file system it has no FSx alarm or dashboard
    assert [s.label.stack_id for s in stacks] == ["dev-network", "dev-observability"]
    observability = stacks[1]
    assert "storage" not in observability.to_terraform().get("data", {}).get("terraform_remote_state", {})
