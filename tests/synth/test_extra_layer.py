"""A layer added by registering it, and by nothing else: its config table, its module (in tmp), its stack, its
note, its probe. No file of the app, the ops tools or the harness knows it; the registry is replaced for the test.

The layer ``extra`` requires storage (it reads the file system's DNS name) and uses the network when present.
It is registered *first*, to prove the registry orders it after what it needs.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import boto3
import botocore.session
import pytest
from moto import mock_aws
from pydantic import Field

from llm_infra import cli, layers
from llm_infra.app import synth
from llm_infra.cdk import Construct
from llm_infra.config import ConfigError, Environment, load_environments
from llm_infra.config.base import Model
from llm_infra.config.types import StrictBool, StrictInt
from llm_infra.layers import Layer
from llm_infra.layers.outputs import described
from llm_infra.layers.spec import Deps, PreflightInputs
from llm_infra.layers.storage.outputs import StorageOutputs
from llm_infra.ops.report import Check, passed
from llm_infra.ops.session import Aws, client_config
from llm_infra.ops.smoke import SmokeContext, layer_probes, smoke
from llm_infra.ops.wait import Deadline
from llm_infra.paths import ENVIRONMENTS_DIR
from llm_infra.stacks.base import LayerStack
from llm_infra.wrappers.base import ModuleWrapper

MODULE_TF = """\
variable "name" {
  description = "Name of the thing."
  type        = string
}

variable "file_system_dns_name" {
  description = "Where the thing mounts the file system."
  type        = string
}

resource "terraform_data" "this" {
  input = "${var.name}@${var.file_system_dns_name}"
}

output "id" {
  description = "The thing's id."
  value       = terraform_data.this.id
}
"""


class ExtraConfig(Model):
    enabled: StrictBool = True
    size: Annotated[StrictInt, Field(ge=1, le=10)] = 1


@dataclass(frozen=True)
class ExtraOutputs:
    thing_id: str = field(metadata=described("the thing's id"))


class ExtraModule(ModuleWrapper):
    module_name = "extra-thing"


class ExtraStack(LayerStack):
    def __init__(self, scope: Construct, *, environment: Environment, storage: StorageOutputs) -> None:
        super().__init__(scope, environment=environment, layer="extra")
        storage = self.read_outputs("storage", type(storage))  # by name, from the storage stack's state
        self.thing = ExtraModule(
            self,
            "thing",
            variables={"name": self.label.prefix, "file_system_dns_name": storage.fsx_dns_name},
        )
        self.emit_outputs(ExtraOutputs(thing_id=self.thing.output("id")))


def _build(scope: Construct, environment: Environment, deps: Deps) -> LayerStack:
    storage = deps["storage"]
    assert isinstance(storage, StorageOutputs)
    assert set(deps) == {"storage", "network"}  # the used layer is passed because it is on
    return ExtraStack(scope, environment=environment, storage=storage)


def _probe(context: SmokeContext) -> list[Check]:
    account = context.aws.caller_identity()["account"]
    return [passed("extra", f"thing of {context.label('extra').prefix} seen from {account}")]


def _note(environment: Environment) -> str:
    return f"thing size {EXTRA.require(environment).size}"


def _preflight(environment: Environment) -> PreflightInputs:
    return PreflightInputs(instance_types={"inf2.xlarge": ("extra",)})


@pytest.fixture
def module_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "modules" / "extra-thing"
    folder.mkdir(parents=True)
    (folder / "main.tf").write_text(MODULE_TF, encoding="utf-8")
    return folder.parent


EXTRA: Layer[ExtraConfig] = Layer(
    name="extra",
    table="extra",
    config_model=ExtraConfig,
    enabled=lambda config: config.enabled,
    outputs=ExtraOutputs,
    build=_build,
    requires=("storage",),
    uses=("network",),
    providers=("aws",),
    protected_types=("terraform_data",),
    modules=("extra-thing",),
    probes=(("extra", _probe),),
    loaders=("extra-loader",),
    note=_note,
    preflight=_preflight,
)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch, module_dir: Path) -> Iterator[Layer[ExtraConfig]]:
    layer = dataclasses.replace(EXTRA, modules_dir=module_dir)
    monkeypatch.setattr(layers, "LAYERS", (layer, *layers.LAYERS))  # first: the registry must reorder it
    yield layer


def env_file(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "envs"
    folder.mkdir(exist_ok=True)
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", folder / "_defaults.toml")
    path = folder / "dev.toml"
    path.write_text((ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def load(path: Path) -> Environment:
    (env,) = load_environments([path], path.parent / "_defaults.toml")
    return env


def test_the_registry_orders_it_after_its_requirement(registered: Layer[ExtraConfig]) -> None:
    names = layers.names()
    assert names.index("extra") > names.index("storage") > names.index("network")
    assert layers.LAYERS[0] is registered  # registered first, ordered last
    assert "extra-thing" in layers.module_names()


def test_it_is_synthesized_after_storage_reading_storage_and_summarized(
    registered: Layer[ExtraConfig], tmp_path: Path
) -> None:
    env = load(env_file(tmp_path, "\n[extra]\nsize = 3\n"))
    assert registered.require(env).size == 3
    outdir = tmp_path / "cdktf.out"
    result = synth([env], outdir)
    assert [s.label.stack_id for s in result.stacks] == [
        "dev-network",
        "dev-storage",
        "dev-extra",
        "dev-observability",
    ]
    stack = json.loads((outdir / "stacks" / "dev-extra" / "cdk.tf.json").read_text(encoding="utf-8"))
    thing = stack["module"]["thing"]
    assert thing["name"] == "llm-dev-extra"
    assert (outdir / "stacks" / "dev-extra" / thing["source"] / "main.tf").read_text() == MODULE_TF
    reference = thing["file_system_dns_name"]  # read from the storage stack's state
    assert reference == "${data.terraform_remote_state.storage.outputs.fsx_dns_name}"
    assert stack["data"]["terraform_remote_state"]["storage"]["config"]["key"] == "dev/storage.tfstate"
    assert stack["terraform"]["backend"]["s3"]["key"] == "dev/extra.tfstate"
    assert stack["output"]["thing_id"]["value"] == "${module.thing.id}"
    line = next(line for line in result.summary.splitlines() if line.startswith("dev-extra "))
    assert line.split() == ["dev-extra", "dev/extra.tfstate", "thing", "size", "3"]


def test_it_is_listed(
    registered: Layer[ExtraConfig], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = env_file(tmp_path, "\n[extra]\nsize = 3\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LLM_INFRA_ENV_FILES", str(path))
        assert cli.main(["--list"]) == 0
    stacks = json.loads(capsys.readouterr().out)["stacks"]
    assert [s["stack"] for s in stacks] == ["dev-network", "dev-storage", "dev-extra", "dev-observability"]
    assert stacks[2] == {
        "stack": "dev-extra",
        "environment": "dev",
        "layer": "extra",
        "state_key": "dev/extra.tfstate",
        "depends_on": ["dev-storage", "dev-network"],
        "providers": ["aws"],
        "protected_types": ["terraform_data"],
        "post_apply": ["extra", "extra-loader"],
    }


def test_a_bad_value_in_its_table_is_a_config_error_line(
    registered: Layer[ExtraConfig], tmp_path: Path
) -> None:
    path = env_file(tmp_path, "\n[extra]\nsize = 11\n")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.problems == (f"{path}: extra.size: out of range (got 11; allowed <= 10)",)


def test_an_unknown_key_in_its_table_names_its_keys(registered: Layer[ExtraConfig], tmp_path: Path) -> None:
    path = env_file(tmp_path, "\n[extra]\nsise = 3\n")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.problems == (
        f"{path}: extra.sise: unknown key; did you mean 'size'? (got 3; allowed enabled, size)",
    )


def test_enabled_without_its_required_layer_is_a_config_error(
    registered: Layer[ExtraConfig], tmp_path: Path
) -> None:
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    assert "[storage]\n" in text
    path = env_file(tmp_path, "\n[extra]\nsize = 3\n")
    path.write_text(path.read_text().replace("[storage]\n", "[storage]\nenabled = false\n", 1))
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.problems == (
        f"{path}: extra.enabled: [CFG-013] requires layer storage, which is disabled in this environment "
        "(got True; allowed enable storage.enabled, or disable extra)",
    )
    # Disabled itself, it is not built and not checked.
    path.write_text(path.read_text() + "enabled = false\n")
    assert registered.config(load(path)) is None


def test_it_is_probed_by_smoke_and_feeds_preflight(registered: Layer[ExtraConfig], tmp_path: Path) -> None:
    env = load(env_file(tmp_path, "\n[extra]\nsize = 3\n"))
    assert [name for name, _probe in layer_probes()] == ["network", "fsx", "extra", "observability"]
    from llm_infra.ops.preflight import configured_instance_types  # noqa: PLC0415

    assert configured_instance_types(env)["inf2.xlarge"] == ["extra"]
    with mock_aws():
        core = botocore.session.Session()
        session = boto3.Session(
            aws_access_key_id="x", aws_secret_access_key="y", region_name=env.region, botocore_session=core
        )
        aws = Aws(session=session, config=client_config(core), region=env.region)
        context = SmokeContext(env, aws, Deadline(1), sleep=lambda _s: None)
        checks = smoke(context)
    by_name: dict[str, Any] = {check.name: check for check in checks}
    assert by_name["extra"].status == "pass"
    assert by_name["extra"].reason.startswith("thing of llm-dev-extra seen from ")
    assert by_name["vpc"].status == "fail"  # nothing applied in this moto: the shipped probes ran too
