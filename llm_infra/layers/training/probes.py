"""Smoke probe of the HyperPod cluster: its status, and per instance group the nodes running against the count
the config asks for. Plain functions on a boto3 SageMaker client (the layer wires them into the smoke context)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from llm_infra.layers.training.config import TrainingConfig

if TYPE_CHECKING:
    from llm_infra.ops.report import Check
    from llm_infra.ops.smoke import SmokeContext

# ClusterStatus values that move on by themselves (botocore's ClusterStatus enum).
CONVERGING = frozenset({"Creating", "Updating", "RollingBack", "SystemUpdating"})


def cluster_findings(client: Any, cluster_name: str, training: TrainingConfig) -> list[str]:
    """Problems found (empty: healthy): status not InService, or a group with fewer running nodes than asked."""
    status = client.describe_cluster(ClusterName=cluster_name)["ClusterStatus"]
    findings = [] if status == "InService" else [f"cluster {cluster_name} is {status} (want InService)"]
    running: Counter[str] = Counter()
    for page in client.get_paginator("list_cluster_nodes").paginate(ClusterName=cluster_name):
        for node in page["ClusterNodeSummaries"]:
            if node["InstanceStatus"]["Status"] == "Running":
                running[node["InstanceGroupName"]] += 1
    for name, group in sorted(training.groups.items()):
        if running[name] < group.count:
            findings.append(f"group {name}: {running[name]} of {group.count} nodes running")
    return findings


def cluster_probe(context: SmokeContext) -> list[Check]:
    """The hyperpod layer's smoke probe: the environment's cluster is InService with every group's nodes running
    (a cluster still Creating or Updating is waited for, bounded by the smoke deadline)."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    from llm_infra.layers.training import LAYER  # noqa: PLC0415
    from llm_infra.layers.training.names import cluster_name  # noqa: PLC0415
    from llm_infra.ops.report import failed, passed, unknown  # noqa: PLC0415
    from llm_infra.ops.wait import WaitTimeoutError  # noqa: PLC0415

    training = LAYER.config(context.environment)
    if training is None:
        return []
    name = cluster_name(context.environment)
    client = context.aws.client("sagemaker")

    def status() -> str:
        return str(client.describe_cluster(ClusterName=name)["ClusterStatus"])

    try:
        current = status()
        if current in CONVERGING:
            current = context.wait(status, lambda s: s not in CONVERGING, what=f"cluster {name}", state=str)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("ResourceNotFound", "ValidationException"):
            return [failed(f"cluster {name}", "not found: is the hyperpod stack applied?")]
        raise
    except WaitTimeoutError as timeout:
        return [unknown(f"cluster {name}", f"still {timeout.state} after {timeout.waited:.0f}s")]
    findings = cluster_findings(client, name, training)
    if findings:
        return [failed(f"cluster {name}", "; ".join(findings))]
    nodes = sum(group.count for group in training.groups.values())
    return [passed(f"cluster {name}", f"{current}, {nodes} nodes running as configured")]
