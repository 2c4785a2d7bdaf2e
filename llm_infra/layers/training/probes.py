"""Smoke probe of the HyperPod cluster: its status, and per instance group the nodes running against the count
the config asks for. Plain functions on a boto3 SageMaker client (the layer wires them into the smoke context)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from llm_infra.layers.training.config import TrainingConfig


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
