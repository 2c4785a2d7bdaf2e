"""The network adds the aps-workspaces interface endpoint for the observability layer, derived from the
environment: on when observability is on, never configured by hand."""

from __future__ import annotations

from pathlib import Path

from llm_infra.app import build_app
from llm_infra.config import load_environments
from llm_infra.layers.network.endpoints import AMP_ENDPOINT, additional_interface_endpoints
from llm_infra.paths import ENVIRONMENTS_DIR


def _env(tmp_path: Path, *, observability: bool = True) -> object:
    text = (ENVIRONMENTS_DIR / "staging.toml").read_text(encoding="utf-8")
    if not observability:
        text = text.replace("[observability]\n", "[observability]\nenabled = false\n", 1)
    path = tmp_path / "staging.toml"
    path.write_text(text, encoding="utf-8")
    (env,) = load_environments([path], ENVIRONMENTS_DIR / "_defaults.toml")
    return env


def test_observability_on_adds_the_amp_endpoint(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert additional_interface_endpoints(env) == (AMP_ENDPOINT,)  # type: ignore[arg-type]
    _app, stacks = build_app([env], outdir=str(tmp_path / "out"))  # type: ignore[list-item]
    network = next(s for s in stacks if s.layer == "network").to_terraform()
    assert network["module"]["network"]["additional_interface_endpoint_services"] == ["aps-workspaces"]
    assert network["module"]["network"]["interface_endpoints_enabled"] is True


def test_observability_off_adds_none(tmp_path: Path) -> None:
    env = _env(tmp_path, observability=False)
    assert additional_interface_endpoints(env) == ()  # type: ignore[arg-type]
    _app, stacks = build_app([env], outdir=str(tmp_path / "out"))  # type: ignore[list-item]
    assert "observability" not in [s.layer for s in stacks]
    assert stacks[0].to_terraform()["module"]["network"]["additional_interface_endpoint_services"] == []
