"""What the hyperpod stack gives after it: one documented Terraform output of ``<env>-hyperpod`` per field."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_infra.layers.outputs import Expression, described


@dataclass(frozen=True)
class HyperpodOutputs:
    """The hyperpod stack's outputs, by the names of its stack outputs (values are Terraform expressions)."""

    cluster_arn: Expression = field(metadata=described("ARN of the HyperPod cluster"))
    cluster_name: Expression = field(metadata=described("name of the HyperPod cluster"))
