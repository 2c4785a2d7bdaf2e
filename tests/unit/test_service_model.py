"""The botocore service-model cache: same facts as botocore, botocore read again whenever the key changes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from llm_infra.config import service_model


def _instance_types(model: Any) -> dict[str, Any]:
    return {"instance_types": list(model.shape_for("ClusterInstanceType").enum)}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("LLM_INFRA_CACHE_DIR", str(folder))
    return folder


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = service_model._from_botocore

    def counted(service: str, extract: service_model.Extract) -> dict[str, Any]:
        calls.append(service)
        return real(service, extract)

    monkeypatch.setattr(service_model, "_from_botocore", counted)
    return calls


def test_the_cached_facts_are_botocores_and_the_second_read_does_not_load_the_model(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    direct = _instance_types(botocore.session.get_session().get_service_model("sagemaker"))
    calls = _counting(monkeypatch)
    first = service_model.service_facts("sagemaker", _instance_types, name="t", revision="1")
    second = service_model.service_facts("sagemaker", _instance_types, name="t", revision="1")
    assert first == second == direct
    assert "ml.p5en.48xlarge" in first["instance_types"]
    assert calls == ["sagemaker"]  # the second answer came from the cache
    assert len(list(cache.glob("sagemaker-t-*.json"))) == 1


def test_a_new_revision_or_a_changed_model_file_reads_botocore_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = _counting(monkeypatch)
    service_model.service_facts("sagemaker", _instance_types, name="t", revision="1")
    service_model.service_facts("sagemaker", _instance_types, name="t", revision="2")
    assert len(calls) == 2
    # A model file that changed (another botocore build with the same version): its size/mtime are in the key.
    real = service_model.model_file("sagemaker")
    assert real is not None
    copy = tmp_path / "service-2.json.gz"
    copy.write_bytes(real.read_bytes())
    monkeypatch.setattr(service_model, "model_file", lambda _service: copy)
    service_model.service_facts("sagemaker", _instance_types, name="t", revision="2")
    os.utime(copy, ns=(1, 1))
    service_model.service_facts("sagemaker", _instance_types, name="t", revision="2")
    assert len(calls) == 4


def test_a_corrupt_or_foreign_cache_file_is_rebuilt(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service_model.service_facts("sagemaker", _instance_types, name="t", revision="1")
    (target,) = cache.glob("sagemaker-t-*.json")
    for broken in ("{not json", '{"key": "another", "facts": {"instance_types": ["ml.fake"]}}', "[]"):
        target.write_text(broken)
        calls = _counting(monkeypatch)
        facts = service_model.service_facts("sagemaker", _instance_types, name="t", revision="1")
        assert calls == ["sagemaker"]
        assert "ml.fake" not in facts["instance_types"]
        monkeypatch.undo()
        monkeypatch.setenv("LLM_INFRA_CACHE_DIR", str(cache))


def test_a_cache_folder_that_cannot_be_written_still_gives_botocores_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LLM_INFRA_CACHE_DIR", str(blocker / "cache"))  # a folder under a file: mkdir fails
    facts = service_model.service_facts("sagemaker", _instance_types, name="t", revision="1")
    assert "ml.p5en.48xlarge" in facts["instance_types"]
    assert not (blocker / "cache").exists()


def test_the_cache_folder_follows_xdg_when_not_given(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LLM_INFRA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert service_model.cache_dir() == tmp_path / "llm-infra"
