"""A layer stack: S3 backend with native locking, the aws provider, version constraints, and the named outputs
that are the interface between layers."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from llm_infra.cdk import Construct, Provider, TerraformStack, s3_backend
from llm_infra.config import Environment
from llm_infra.label import Label
from llm_infra.layers.outputs import (
    REMOTE_STATE,
    Expression,
    MapExpression,
    described,
    output_fields,
    remote_reference,
)
from llm_infra.layers.spec import state_key

TERRAFORM_REQUIRED_VERSION = ">= 1.10"  # S3 backend native locking (use_lockfile)
AWS_PROVIDER_CONSTRAINT = ">= 5.100, < 7"
# awscc_sagemaker_cluster has slurm_config, orchestrator.slurm and on_init_complete from 1.106.0 (FACTS.md).
AWSCC_PROVIDER_CONSTRAINT = ">= 1.106.0, < 2"
PROVIDER_CONSTRAINTS = {"aws": AWS_PROVIDER_CONSTRAINT, "awscc": AWSCC_PROVIDER_CONSTRAINT}

OutputsT = TypeVar("OutputsT")

__all__ = [
    "AWSCC_PROVIDER_CONSTRAINT",
    "AWS_PROVIDER_CONSTRAINT",
    "REMOTE_STATE",
    "TERRAFORM_REQUIRED_VERSION",
    "Expression",
    "LayerStack",
    "MapExpression",
    "backend_config",
    "described",
    "output_fields",
    "remote_reference",
    "state_key",
]

_REMOTE_REFERENCE = re.compile(
    r"^\$\{data\." + REMOTE_STATE + r"\.(?P<layer>[a-z][a-z0-9_]*)\.outputs\.(?P<field>[a-z][a-z0-9_]*)\}$"
)


def backend_config(environment: Environment, layer: str) -> dict[str, Any]:
    """The S3 backend of one layer's stack; a consumer reads the layer's state with the same configuration."""
    config: dict[str, Any] = {
        "bucket": environment.state.bucket,
        "key": state_key(environment.name, layer),
        "region": environment.state_region,
        "encrypt": True,
        "kms_key_id": environment.state.kms_key_arn,
        "use_lockfile": True,
    }
    if environment.role_arn:
        config["assume_role"] = {"role_arn": environment.role_arn, "session_name": f"llm-infra-{layer}"}
    return config


class LayerStack(TerraformStack):
    """One environment x one layer, with its own state object."""

    # The layer's typed outputs (an instance of its outputs dataclass), set by emit_outputs; a subclass
    # declares the narrower type.
    outputs: object

    def __init__(
        self, scope: Construct, *, environment: Environment, layer: str, providers: tuple[str, ...] = ("aws",)
    ) -> None:
        """``providers``: the layer's (``Layer.providers``). The aws provider is configured only when listed: a
        stack without it (the awscc-only hyperpod stack) requires no aws provider at all, so `terraform init`
        installs nothing it does not use and the committed aws lock is not copied into it."""
        self.environment = environment
        self.label = Label.for_layer(environment, layer)
        super().__init__(scope, self.label.stack_id)
        # The layer stacks built in the same scope, by id: producers are looked up here, in Python (the CDK's
        # node.scope.node.tryFindChild would be four round trips to its node process per read).
        siblings: dict[str, LayerStack] | None = getattr(scope, "_llm_infra_stacks", None)
        if siblings is None:
            siblings = {}
            scope._llm_infra_stacks = siblings  # type: ignore[attr-defined]
        siblings[self.label.stack_id] = self
        self._siblings = siblings
        self.layer = layer
        self.state_key = state_key(environment.name, layer)
        backend = backend_config(environment, layer)
        # What the engine needs merged into the `terraform` block besides the backend construct (CDKTF 0.21)
        self._terraform_block = s3_backend(self, use_lockfile=backend.pop("use_lockfile"), **backend)
        unknown = sorted(set(providers) - {"aws", "awscc"})
        if unknown:
            raise ValueError(f"{self.label.stack_id}: no provider configuration for {', '.join(unknown)}")
        # What this stack writes as root-level overrides, each in one round trip to the CDK (see _write): the
        # provider blocks and their required_providers, and per producer layer read, its remote-state data source.
        self._providers: list[Provider] = []
        self._written = False
        self._dirty: set[str] = set()
        # layer -> (outputs dataclass, postconditions) of each producer this stack reads
        self._reads: dict[str, tuple[type[Any], list[dict[str, str]]]] = {}
        # construct id -> module block (ModuleWrapper), written as the stack's `module` block
        self._modules: dict[str, dict[str, Any]] = {}
        self.aws: Provider | None = None
        if "aws" in providers:
            self.aws = self.aws_provider(region=environment.region)
        self.awscc: Provider | None = None
        if "awscc" in providers:
            self.awscc = self.awscc_provider(region=environment.region)

    def aws_provider(self, *, region: str, alias: str | None = None) -> Provider:
        """An aws provider pinned to the environment's account, with its role and default tags; its Terraform
        address is ``aws`` or ``aws.<alias>`` (it is not a construct)."""
        config: dict[str, Any] = {
            "region": region,
            "allowed_account_ids": [self.environment.account_id],
            "default_tags": [{"tags": self.label.tags}],
        }
        if self.environment.role_arn:
            session = f"llm-infra-{self.label.stack_id}"
            config["assume_role"] = [{"role_arn": self.environment.role_arn, "session_name": session}]
        return self._add_provider(Provider("aws", "hashicorp/aws", config, alias))

    def awscc_provider(self, *, region: str) -> Provider:
        """An awscc provider in the environment's region, assuming its role. awscc has no ``default_tags`` and no
        ``allowed_account_ids``: its resources take the label's tags explicitly (``Label.tag_list``)."""
        config: dict[str, Any] = {"region": region}
        if self.environment.role_arn:
            session = f"llm-infra-{self.label.stack_id}"
            config["assume_role"] = {"role_arn": self.environment.role_arn, "session_name": session}
        return self._add_provider(Provider("awscc", "hashicorp/awscc", config))

    def _add_provider(self, provider: Provider) -> Provider:
        if any(p.reference == provider.reference for p in self._providers):
            raise ValueError(f"{self.label.stack_id}: provider {provider.reference} is configured twice")
        self._providers.append(provider)
        self._changed("terraform", "provider")
        return provider

    def add_module_block(self, construct_id: str, block: dict[str, Any]) -> None:
        """Register (or replace) the block of module ``construct_id``; written with the stack's other root
        blocks (see write_overrides). ``block`` is the wrapper's own: later changes to it are written too."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", construct_id):
            raise ValueError(f"{self.label.stack_id}: {construct_id!r} is not a Terraform module name")
        self._modules[construct_id] = block
        self._changed("module")

    def _changed(self, *parts: str) -> None:
        self._dirty.update(parts)
        if self._written:  # a change after emit_outputs: written again at once
            self.write_overrides()

    def write_overrides(self) -> None:
        """Write what changed of the stack's own root-level blocks, one override each: ``terraform``'s
        required_version and required_providers, ``provider``, ``module`` (every ModuleWrapper's block) and
        ``data.terraform_remote_state``.

        emit_outputs calls it (every layer stack ends with it) and the app calls it once more for every stack
        built (a no-op unless something changed since). Overriding a path again replaces it (the CDK merges its
        overrides into the stack's JSON only at synth), so a late change is written whole again."""
        if "terraform" in self._dirty:
            # One override of `terraform` (it merges with the backend construct's block), carrying what the
            # engine needs besides (use_lockfile, on CDKTF 0.21).
            self.add_override(
                "terraform",
                {
                    **self._terraform_block,
                    "required_version": TERRAFORM_REQUIRED_VERSION,
                    "required_providers": {
                        p.type_name: {"source": p.source, "version": PROVIDER_CONSTRAINTS[p.type_name]}
                        for p in self._providers
                    },
                },
            )
        if "provider" in self._dirty and self._providers:
            blocks: dict[str, list[dict[str, Any]]] = {}
            for provider in self._providers:
                blocks.setdefault(provider.type_name, []).append(provider.block())
            self.add_override("provider", blocks)
        if "module" in self._dirty and self._modules:
            self.add_override("module", self._modules)
        if "data" in self._dirty and self._reads:
            self.add_override(
                f"data.{REMOTE_STATE}",
                {
                    layer: {
                        "backend": "s3",
                        "config": backend_config(self.environment, layer),
                        "workspace": "${terraform.workspace}",
                        "lifecycle": {"postcondition": list(postconditions)},
                    }
                    for layer, (_type, postconditions) in self._reads.items()
                },
            )
        self._dirty.clear()
        self._written = True

    def emit_outputs(self, outputs: OutputsT) -> OutputsT:
        """One Terraform output per field of the layer's outputs dataclass, named after the field, described.

        These names are public API: consumers, plain-Terraform users, ops tools and tests read them.
        """
        # One override for all of them, not a TerraformOutput construct each: a construct is a round trip to the
        # CDK's node process (the largest share of a stack's synth time), and the JSON Terraform reads is the same.
        # Only the CDK's own metadata (``"//".outputs``, read by `cdktf output`, which this project never runs) is
        # not written.
        self.add_override(
            "output",
            {
                name: {"description": description, "value": getattr(outputs, name)}
                for name, description in output_fields(type(outputs)).items()
            },
        )
        self.outputs = outputs
        self.write_overrides()
        return outputs

    def read_outputs(self, layer: str, outputs_type: type[OutputsT]) -> OutputsT:
        """``outputs_type`` whose values read ``layer``'s outputs by name from its state in this environment,
        through one ``data.terraform_remote_state.<layer>`` with the producer's backend configuration.

        The plan fails, naming the producer's stack, when its state lacks one of the outputs (not applied yet).
        """
        fields = output_fields(outputs_type)
        if layer == self.layer or not re.fullmatch(r"[a-z][a-z0-9_]*", layer):
            raise ValueError(f"{self.label.stack_id}: cannot read the outputs of layer {layer!r}")
        # The producer's stack in this app: the CLIs order stacks by these dependencies (the manifest's).
        producer_stack = self._siblings.get(self._producer(layer))
        if not isinstance(producer_stack, LayerStack) or producer_stack.layer != layer:
            raise ValueError(
                f"{self.label.stack_id}: reads layer {layer}, but {self._producer(layer)} is not built"
            )
        if not isinstance(getattr(producer_stack, "outputs", None), outputs_type):
            raise TypeError(
                f"{self.label.stack_id}: {producer_stack.label.stack_id} emits no {outputs_type.__name__}"
            )
        self.add_dependency(producer_stack)
        names = json.dumps(sorted(fields))
        missing = f"setsubtract({names}, keys(self.outputs))"
        producer = self._producer(layer)
        self._reads.setdefault(layer, (outputs_type, []))
        self._add_postcondition(
            layer,
            condition=f"${{length({missing}) == 0}}",
            message=(
                f'{producer}: its state lacks outputs ${{join(", ", sort({missing}))}} that '
                f'{self.label.stack_id} reads (got ${{join(", ", sort(keys(self.outputs)))}}); '
                f"apply {producer} first"
            ),
        )
        return outputs_type(**{name: remote_reference(layer, name) for name in fields})

    def remote_entry(self, value: MapExpression, key: str, *, source: str) -> Expression:
        """Entry ``key`` of a map output read with :meth:`read_outputs`. The plan fails when the producer's
        map has no such key, naming ``source`` (the config path the key comes from) and the keys it has."""
        match = _REMOTE_REFERENCE.match(value) if isinstance(value, str) else None
        if (
            match is None
            or match["layer"] not in self._reads
            or match["field"] not in output_fields(self._reads[match["layer"]][0])
        ):
            raise ValueError(f"{self.label.stack_id}: {value!r} is not an output this stack reads by name")
        layer, field = match["layer"], match["field"]
        entries = f"keys(try(self.outputs.{field}, {{}}))"
        self._add_postcondition(
            layer,
            condition=f"${{contains({entries}, {json.dumps(key)})}}",
            message=(
                f"{self._producer(layer)}: output {field} has no entry for {source} of {self.label.stack_id} "
                f'(got {key}; allowed ${{join(", ", sort({entries}))}})'
            ),
        )
        return f"${{data.{REMOTE_STATE}.{layer}.outputs.{field}[{json.dumps(key)}]}}"

    def _producer(self, layer: str) -> str:
        return Label.for_layer(self.environment, layer).stack_id

    def _add_postcondition(self, layer: str, *, condition: str, message: str) -> None:
        postconditions = self._reads[layer][1]
        entry = {"condition": condition, "error_message": message}
        if entry not in postconditions:
            postconditions.append(entry)
            self._changed("data")
