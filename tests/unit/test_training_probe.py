"""The cluster probe against moto's HyperPod (moto accepts only older types such as ml.p5.48xlarge/ml.m5 and needs
ThreadsPerCore: this test uses such a variant of the config)."""

from __future__ import annotations

import copy

import boto3
from moto import mock_aws

from llm_infra.layers.training.config import TrainingConfig
from llm_infra.layers.training.probes import cluster_findings
from tests.unit.test_training_config import GOOD

ROLE = "arn:aws:iam::123456789012:role/llm-dev-training-hyperpod-exec"
LIFECYCLE = {"SourceS3Uri": "s3://sagemaker-llm-dev/lifecycle", "OnCreate": "on_create.sh"}


def _group(name: str, instance_type: str, count: int) -> dict[str, object]:
    return {
        "InstanceGroupName": name,
        "InstanceType": instance_type,
        "InstanceCount": count,
        "LifeCycleConfig": LIFECYCLE,
        "ExecutionRole": ROLE,
        "ThreadsPerCore": 1,
    }


@mock_aws
def test_probe_counts_running_nodes_per_group() -> None:
    data = copy.deepcopy(GOOD)
    data["groups"]["gpu"].update(instance_type="ml.p5.48xlarge", count=2)
    training = TrainingConfig.model_validate(data)
    client = boto3.client("sagemaker", region_name="us-west-2")
    client.create_cluster(
        ClusterName="llm-dev",
        InstanceGroups=[_group("controller", "ml.m5.xlarge", 1), _group("gpu", "ml.p5.48xlarge", 1)],
        VpcConfig={"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123456789abcdef0"]},
    )
    findings = cluster_findings(client, "llm-dev", training)
    assert "group gpu: 1 of 2 nodes running" in findings
    assert not any(f.startswith("group controller") for f in findings)
    assert len(findings) == 1, findings  # moto reports the cluster InService
