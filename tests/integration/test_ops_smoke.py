"""scripts/smoke.py against resources the test creates in moto, tagged as the stacks' providers tag them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.moto import MotoServer
from tests.support.ops import ACCOUNT, account_session, environment_dir, run_script

pytestmark = pytest.mark.moto


def layer_tags(layer: str, name: str) -> list[dict[str, str]]:
    tags = {"Namespace": "llm", "Environment": "dev", "Layer": layer, "ManagedBy": "llm-infra", "Name": name}
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def create_network(session: boto3.Session) -> dict[str, str]:
    """The dev network as the network layer leaves it: a tagged VPC, private subnets keyed by AZ ID."""
    ec2 = session.client("ec2")
    vpc = ec2.create_vpc(
        CidrBlock="10.10.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": layer_tags("network", "llm-dev-network")}],
    )["Vpc"]["VpcId"]
    subnets = {}
    for az_id, cidr in (("usw2-az1", "10.10.0.0/18"), ("usw2-az2", "10.10.64.0/18")):
        tags = [
            *layer_tags("network", f"llm-dev-network-private-{az_id}"),
            {"Key": "Tier", "Value": "private"},
        ]
        subnets[az_id] = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=cidr,
            AvailabilityZoneId=az_id,
            TagSpecifications=[{"ResourceType": "subnet", "Tags": tags}],
        )["Subnet"]["SubnetId"]
    return {"vpc": vpc, **subnets}


def create_file_system(session: boto3.Session, subnet_id: str) -> str:
    fsx = session.client("fsx")
    return str(
        fsx.create_file_system(
            FileSystemType="LUSTRE",
            StorageCapacity=1200,
            SubnetIds=[subnet_id],
            LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 125},
            Tags=layer_tags("storage", "llm-dev-storage"),
        )["FileSystem"]["FileSystemId"]
    )


def create_cluster(session: boto3.Session, subnet_id: str) -> None:
    """The shipped dev cluster (controller ml.m5.2xlarge, gpu ml.g5.2xlarge: types moto's HyperPod accepts), as the
    hyperpod stack would create it; moto needs ThreadsPerCore and a s3://sagemaker- lifecycle URI."""
    lifecycle = {"SourceS3Uri": "s3://sagemaker-llm-dev-training-111111111111-lifecycle/lifecycle/",
                 "OnCreate": "on_create.sh"}  # fmt: skip
    role = f"arn:aws:iam::{ACCOUNT}:role/llm-dev-training-hyperpod-exec"
    session.client("sagemaker").create_cluster(
        ClusterName="llm-dev-training",
        InstanceGroups=[
            {
                "InstanceGroupName": name,
                "InstanceType": kind,
                "InstanceCount": 1,
                "LifeCycleConfig": lifecycle,
                "ExecutionRole": role,
                "ThreadsPerCore": threads,
            }
            for name, kind, threads in (("controller", "ml.m5.2xlarge", 2), ("gpu", "ml.g5.2xlarge", 1))
        ],
        VpcConfig={"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": [subnet_id]},
    )


# This file smokes the network, storage and training layers on resources it creates in moto. Observability and
# inference are off here: the observability probe is tested on moto in tests/unit/test_observability_probe.py and
# the inference probe on stubbed clients (moto has no inf2 endpoints) in tests/unit/test_inference_ops.py.
OTHER_LAYERS_OFF = {
    "[inference]\n": "[inference]\nenabled = false\n",
    "[observability]\n": "[observability]\nenabled = false\n",
}


def smoke_json(tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    directory = environment_dir(tmp_path, replace=OTHER_LAYERS_OFF)
    result = run_script("smoke.py", "--env", "dev", "--env-dir", str(directory), "--json", "--timeout", "20")
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def checks(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {check["name"]: (check["status"], check["reason"]) for check in document["checks"]}


def test_smoke_passes_on_the_applied_layers(moto_env: MotoServer, tmp_path: Path) -> None:
    session = account_session()
    network = create_network(session)
    fs_id = create_file_system(session, network["usw2-az1"])
    create_cluster(session, network["usw2-az1"])

    code, document, _ = smoke_json(tmp_path)

    assert code == 0, document
    result = checks(document)
    assert result["vpc"] == ("pass", f"{network['vpc']} 10.10.0.0/16 available")
    assert result["private subnet usw2-az1"] == ("pass", f"{network['usw2-az1']} 10.10.0.0/18 available")
    assert result["private subnet usw2-az2"] == ("pass", f"{network['usw2-az2']} 10.10.64.0/18 available")
    assert result[f"fsx {fs_id} az"] == ("pass", f"{network['usw2-az1']} is in usw2-az1, as configured")
    # moto's FSx returns no Lifecycle at all: smoke says it cannot tell, and does not fail.
    assert result[f"fsx {fs_id}"] == (
        "unknown",
        "the FSx API returned no Lifecycle, so availability cannot be told (emulator?)",
    )
    assert result["cluster llm-dev-training"] == ("pass", "InService, 2 nodes running as configured")
    assert document["counts"] == {"pass": 5, "fail": 0, "unknown": 1}


def test_missing_file_system_fails_with_a_clear_reason(moto_env: MotoServer, tmp_path: Path) -> None:
    session = account_session()
    create_network(session)
    # A file system of another environment does not count.
    other = session.client("ec2").create_subnet(
        VpcId=session.client("ec2").create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"],
        CidrBlock="10.20.0.0/24",
        AvailabilityZoneId="usw2-az1",
    )["Subnet"]["SubnetId"]
    session.client("fsx").create_file_system(
        FileSystemType="LUSTRE",
        StorageCapacity=1200,
        SubnetIds=[other],
        Tags=[{"Key": "Namespace", "Value": "llm"}, {"Key": "Environment", "Value": "staging"}],
    )

    code, document, _ = smoke_json(tmp_path)

    assert code == 1
    assert checks(document)["fsx"] == (
        "fail",
        "no FSx for Lustre file system tagged Namespace=llm, Environment=dev, Layer=storage in us-west-2: is the "
        "storage layer applied?",
    )


def test_file_system_in_the_wrong_az_fails(moto_env: MotoServer, tmp_path: Path) -> None:
    session = account_session()
    network = create_network(session)
    fs_id = create_file_system(session, network["usw2-az2"])

    code, document, _ = smoke_json(tmp_path)

    assert code == 1
    assert checks(document)[f"fsx {fs_id} az"] == (
        "fail",
        f"{network['usw2-az2']} is in usw2-az2, the environment puts the file system in usw2-az1",
    )


def test_nothing_applied_fails_every_probe(moto_env: MotoServer, tmp_path: Path) -> None:
    code, document, _ = smoke_json(tmp_path)
    assert code == 1
    assert [(c["name"], c["status"]) for c in document["checks"]] == [
        ("vpc", "fail"),
        ("fsx", "fail"),
        ("cluster llm-dev-training", "fail"),
    ]
    assert checks(document)["cluster llm-dev-training"][1] == "not found: is the hyperpod stack applied?"
