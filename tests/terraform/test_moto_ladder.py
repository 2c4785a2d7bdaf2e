"""Rungs 4-6 against a moto server on 127.0.0.1: plan every stack, scan each plan with checkov, apply what
moto can hold, re-plan (must be empty) and destroy.

The stacks come from tests/support/layers.stack_order (apply order); a consumer is planned after the producers it
reads were applied (the session's ``producers`` fixture applies each once to the shared moto server, and an
override file points the consumer's remote-state data source at the producer's local state, as the S3 backend
would in AWS). moto 5.2.5 lacks placement groups (CreatePlacementGroup returns HTTP 500), so the *applied*
producers come from a test variant of each environment without placement groups; the shipped stacks are still
planned in full. dev's producers are destroyed by test_dev_producers_destroy, after every other test on them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from llm_infra.config import Environment
from llm_infra.config.efa import max_efa_interfaces
from llm_infra.layers.storage.config import storage_bucket_prefix
from llm_infra.layers.training.names import lifecycle_bucket_prefix
from tests.support.checkov import checkov_binary, run_checkov
from tests.support.layers import StackEntry, terraform_stacks
from tests.support.producers import Producers
from tests.support.stack import assert_empty_but_for_moto_gaps, of_type, plan_json, prepare

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

STACKS = terraform_stacks()  # the awscc stacks cannot init here (tests/support/layers.initializable)


# checkov's plan checks read planned values only: an attribute set from a resource created in the same plan
# (a KMS key made by the module) is "unknown" until apply and counts as missing. Such a failure is excused
# only where the plan proves the attribute will be set (after_unknown), never by a blanket skip.
# (CKV_LLM_24: a model's security group is the module's own, created in the same plan.)
SET_BUT_UNKNOWN_AT_PLAN = {
    "CKV_AWS_158": "kms_key_id",
    "CKV_LLM_24": "vpc_config",
    "CKV_LLM_31": "kms_key_arn",  # the observability module's key
    "CKV_LLM_33": "vpc_configuration",  # Grafana's security group, made by the same plan
    "CKV_LLM_34": "alarm_actions",  # the observability module's topic
    "CKV_LLM_35": "kms_master_key_id",
}


def _unknown_in_plan(plan: dict[str, Any], address: str, attribute: str) -> bool:
    for change in plan.get("resource_changes", []):
        if change["address"] == address:
            return bool(change["change"].get("after_unknown", {}).get(attribute))
    return False


def _assert_checkov_clean(work: Path, plan: dict[str, Any]) -> None:
    binary = checkov_binary()
    if binary is None:
        pytest.skip("checkov is not installed (make test installs it into .venv-checkov)")
    result = run_checkov(
        binary,
        [
            "-f",
            str(work / "plan.json"),
            "--framework",
            "terraform_plan",
            "--repo-root-for-plan-enrichment",
            str(work),
        ],
    )
    real = [
        (check, address, file)
        for check, address, file in result.failures
        if not (
            check in SET_BUT_UNKNOWN_AT_PLAN
            and _unknown_in_plan(plan, address, SET_BUT_UNKNOWN_AT_PLAN[check])
        )
    ]
    assert real == [], "\n".join(f"{c} {a} ({f})" for c, a, f in real)
    assert result.passed > 20
    for skip in result.skips:
        assert skip.get("suppress_comment", "").strip(), f"skip without a reason: {skip['check_id']}"


def _check_network(plan: dict[str, Any], env: Environment, _producers: Producers) -> None:
    network = env.network
    assert len(of_type(plan, "aws_subnet")) == len(network.private_subnets) + len(network.public_subnets)
    subnet_azs = sorted(r["values"]["availability_zone_id"] for r in of_type(plan, "aws_subnet"))
    assert subnet_azs == sorted([*network.private_subnets, *network.public_subnets])
    nat_expected = {"none": 0, "single": 1, "per_az": len(network.public_subnets)}[network.nat_gateway_mode]
    assert len(of_type(plan, "aws_nat_gateway")) == nat_expected
    assert len(of_type(plan, "aws_placement_group")) == len(network.placement_groups)
    table = max_efa_interfaces()
    templates = {r["values"]["name"]: r["values"] for r in of_type(plan, "aws_launch_template")}
    for key, template in network.efa_launch_templates.items():
        values = templates[f"{env.namespace}-{env.name}-network-{key}"]
        interfaces = sorted(values["network_interfaces"], key=lambda i: int(i["network_card_index"]))
        assert len(interfaces) == table[template.instance_type]
        assert interfaces[0]["interface_type"] == "efa"
        assert {i["interface_type"] for i in interfaces[1:]} <= {"efa-only"}
        assert values["metadata_options"][0]["http_tokens"] == "required"
        assert all(i["associate_public_ip_address"] in ("false", False) for i in interfaces)
    # observability on: its AMP workspace is reached through the aps-workspaces endpoint wherever the network has
    # interface endpoints (derived in Python, llm_infra/layers/network/endpoints.py)
    services = {r["values"]["service_name"] for r in of_type(plan, "aws_vpc_endpoint")}
    interface = network.closed_network or network.interface_endpoints_enabled
    wanted = interface and env.observability is not None and env.observability.enabled
    assert (f"com.amazonaws.{env.region}.aps-workspaces" in services) == wanted
    # no shipped environment turns on network.kms_key_allow_autoscaling_service_linked_role
    (network_key,) = of_type(plan, "aws_kms_key")
    assert "AWSServiceRoleForAutoScaling" not in network_key["values"]["policy"]


def _check_storage(plan: dict[str, Any], env: Environment, producers: Producers) -> None:
    assert env.storage is not None
    network_state = producers.state(f"{env.name}-network")
    (fsx,) = of_type(plan, "aws_fsx_lustre_file_system")
    fsx_config = env.storage.fsx
    assert fsx["values"]["storage_capacity"] == fsx_config.storage_capacity_gib
    assert fsx["values"]["deployment_type"] == fsx_config.deployment_type
    assert fsx["values"]["per_unit_storage_throughput"] == fsx_config.per_unit_storage_throughput
    # the file system sits in the subnet the applied network made for the configured AZ ID
    subnets = {
        r["values"]["availability_zone_id"]: r["values"]["id"]
        for r in network_state["resources"]
        if r["type"] == "aws_subnet" and r["name"] == "private"
        for r in [{"values": i["attributes"]} for i in r["instances"]]
    }
    assert fsx["values"]["subnet_ids"] == [subnets[fsx_config.az_id]]
    protected = fsx["address"].endswith(".protected[0]")
    assert protected == env.protection.prevent_destroy
    buckets = of_type(plan, "aws_s3_bucket")
    assert len(buckets) == len(env.storage.buckets) + 1 + (
        sum(b.replicate for b in env.storage.buckets.values()) if env.storage.replication.enabled else 0
    )
    assert len(of_type(plan, "aws_fsx_data_repository_association")) == len(
        fsx_config.data_repository_associations
    )
    _assert_bucket_key_lets_fsx_in(plan, env)


def _check_inference(plan: dict[str, Any], env: Environment, producers: Producers) -> None:
    """One model, endpoint configuration, endpoint (the twin protection selects), rollback alarm pair and scalable
    target per configured endpoint, in the applied network's private subnets, reading and capturing into the
    applied storage's buckets.

    moto cannot *apply* this layer (it rejects ml.inf2.* in endpoint configurations, has no UpdateEndpoint, ignores
    DeploymentConfig, and its application-autoscaling has no ListTagsForResource): the ladder stops at plan and
    checkov for it, and the rollout behaviour is tested from a crafted state (test_inference_replacement.py)."""
    inference = env.inference
    assert inference is not None
    name = f"{env.namespace}-{env.name}-inf"
    keys = sorted(inference.endpoints)
    network_state = producers.state(f"{env.name}-network")
    private = sorted(
        i["attributes"]["id"]
        for r in network_state["resources"]
        if r["type"] == "aws_subnet" and r["name"] == "private"
        for i in r["instances"]
    )
    buckets = producers.outputs(f"{env.name}-storage")["bucket_names"]
    twin = "protected" if env.protection.prevent_destroy else "this"
    endpoints = {r["index"]: r for r in of_type(plan, "aws_sagemaker_endpoint")}
    assert sorted(endpoints) == keys
    configs = {r["index"]: r["values"] for r in of_type(plan, "aws_sagemaker_endpoint_configuration")}
    models = {r["index"]: r["values"] for r in of_type(plan, "aws_sagemaker_model")}
    targets = {r["index"]: r["values"] for r in of_type(plan, "aws_appautoscaling_target")}
    alarms = {r["values"]["alarm_name"] for r in of_type(plan, "aws_cloudwatch_metric_alarm")}
    assert sorted(configs) == sorted(models) == sorted(targets) == keys
    for key in keys:
        endpoint, config = inference.endpoints[key], configs[key]
        planned = endpoints[key]
        assert planned["address"] == f'module.fleet.aws_sagemaker_endpoint.{twin}["{key}"]'
        assert planned["values"]["name"] == f"{name}-{key}"
        (deployment,) = planned["values"]["deployment_config"]
        (rollback,) = deployment["auto_rollback_configuration"]
        assert {a["alarm_name"] for a in rollback["alarms"]} <= alarms and len(rollback["alarms"]) == 2
        rolling = endpoint.rollout.type == "ROLLING"
        assert (len(deployment["rolling_update_policy"]), len(deployment["blue_green_update_policy"])) == (
            (1, 0) if rolling else (0, 1)
        )
        (variant,) = config["production_variants"]
        assert (variant["variant_name"], variant["instance_type"], variant["initial_instance_count"]) == (
            "primary", endpoint.instance_type, endpoint.min_instances
        )  # fmt: skip
        assert config["name_prefix"] == f"{name}-{key}-"
        assert config["kms_key_arn"].startswith(f"arn:aws:kms:{env.region}:{env.account_id}:key/")
        (capture,) = config["data_capture_config"]
        assert capture["destination_s3_uri"] == (
            f"s3://{buckets[inference.capture_bucket]}/{inference.capture_prefix}/{key}"
        )
        assert capture["kms_key_id"] == config["kms_key_arn"]
        assert capture["enable_capture"] == (endpoint.data_capture_sampling_percent > 0)
        model = models[key]
        assert model["enable_network_isolation"] is True
        (vpc,) = model["vpc_config"]
        assert sorted(vpc["subnets"]) == private
        assert model["primary_container"][0]["model_data_url"].startswith(
            f"s3://{buckets[inference.model_bucket]}/"
        )
        target = targets[key]
        assert target["resource_id"] == f"endpoint/{name}-{key}/variant/primary"
        assert (target["min_capacity"], target["max_capacity"]) == (
            endpoint.min_instances,
            endpoint.max_instances,
        )
    (group,) = of_type(plan, "aws_security_group")
    assert group["values"]["ingress"] == [] and group["values"]["egress"] == []
    # With observability on (every shipped environment) each rollback alarm notifies its topic (the module's
    # alarms carry a CKV_LLM_34 skip for callers without that layer, so this is the check that they do).
    assert env.observability is not None and env.observability.enabled
    topic = producers.outputs(f"{env.name}-observability")["alarm_topic_arn"]
    for alarm in of_type(plan, "aws_cloudwatch_metric_alarm"):
        assert alarm["values"]["alarm_actions"] == [topic], alarm["address"]


def _check_training(plan: dict[str, Any], env: Environment, producers: Producers) -> None:
    """The prerequisites on what the producers hold: node-config.json carries the file system the harness gave the
    consumers (stand-in outputs for what moto cannot hold), the role reads and writes the configured buckets."""
    training, storage = env.training, env.storage
    assert training is not None and storage is not None and storage.fsx is not None
    fsx = producers.outputs_for_consumers(f"{env.name}-storage")
    buckets = producers.outputs_for_consumers(f"{env.name}-storage")["bucket_arns"]
    (role,) = of_type(plan, "aws_iam_role")
    assert role["values"]["name"] == f"{env.namespace}-{env.name}-training-hyperpod-exec"
    assert "sagemaker.amazonaws.com" in role["values"]["assume_role_policy"]
    lifecycle = [b["values"]["bucket"] for b in of_type(plan, "aws_s3_bucket")]
    assert f"{lifecycle_bucket_prefix(env)}-lifecycle" in lifecycle
    (node_config,) = [
        o for o in of_type(plan, "aws_s3_object") if o["values"]["key"].endswith("node-config.json")
    ]
    config = json.loads(node_config["values"]["content"])
    assert config["cluster_name"] == f"{env.namespace}-{env.name}-training"
    assert config["fsx"] == {
        "dns_name": fsx["fsx_dns_name"],
        "mount_name": fsx["fsx_mount_name"],
        "mount_path": "/fsx",
        "efa": storage.fsx.efa_enabled,
    }
    scripts = {o["values"]["key"] for o in of_type(plan, "aws_s3_object")}
    assert {"lifecycle/on_create.sh", "lifecycle/on_init_complete.sh"} <= scripts
    # The node policy's JSON is unknown at plan (it names the lifecycle key made in the same plan): its bucket
    # grants are checked on the applied state (test_training_node_policy_grants_the_configured_buckets).
    (managed,) = of_type(plan, "aws_iam_role_policy_attachment")
    assert (
        managed["values"]["policy_arn"] == "arn:aws:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy"
    )
    assert buckets  # the storage outputs the role is granted on came through the harness


def test_training_node_policy_grants_the_configured_buckets(producers: Producers) -> None:
    """Applied on moto (without the managed-policy attachment moto lacks): the node policy reads the dataset
    buckets, writes the checkpoint buckets, and uses their key, by the storage layer's outputs."""
    env = producers.environments["dev"]
    assert env.training is not None
    storage = producers.outputs_for_consumers("dev-storage")
    (policy,) = [
        instance["attributes"]
        for resource in producers.state("dev-training")["resources"]
        if resource["type"] == "aws_iam_role_policy"
        for instance in resource["instances"]
    ]
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"] if "Sid" in s}

    def resources(sid: str) -> set[str]:
        found = statements[sid]["Resource"]
        return {found} if isinstance(found, str) else set(found)

    arns = storage["bucket_arns"]
    assert resources("ReadDatasets") == {
        f"{arns[k]}{s}" for k in env.training.read_buckets for s in ("", "/*")
    }
    assert resources("WriteCheckpoints") == {
        f"{arns[k]}{s}" for k in env.training.write_buckets for s in ("", "/*")
    }
    assert storage["kms_key_arns"]["s3"] in resources("BucketKeys")


def _check_observability(plan: dict[str, Any], env: Environment, producers: Producers) -> None:
    from llm_infra.layers.observability.alerts import rule_groups  # noqa: PLC0415

    config = env.observability
    assert config is not None
    (workspace,) = of_type(plan, "aws_prometheus_workspace")
    # planned with its key (the moto apply drops it: test_dev_observability_apply_on_moto)
    assert workspace["address"].endswith(".protected[0]") == env.protection.prevent_destroy
    assert _unknown_in_plan(plan, workspace["address"], "kms_key_arn")
    (logging,) = workspace["values"]["logging_configuration"]
    assert logging["log_group_arn"].endswith(
        f":log-group:/aws/vendedlogs/prometheus/{env.namespace}-{env.name}-observability:*"
    )
    (log_group,) = of_type(plan, "aws_cloudwatch_log_group")
    assert log_group["values"]["retention_in_days"] == config.retention_days >= config.min_retention_days
    assert {r["values"]["name"] for r in of_type(plan, "aws_prometheus_rule_group_namespace")} == set(
        rule_groups(config.node_alerts)
    )
    assert len(of_type(plan, "aws_prometheus_alert_manager_definition")) == 1
    (topic,) = of_type(plan, "aws_sns_topic")
    assert _unknown_in_plan(
        plan, topic["address"], "kms_master_key_id"
    )  # the module's key, known after apply
    assert sorted(
        (s["values"]["protocol"], s["values"]["endpoint"])
        for s in of_type(plan, "aws_sns_topic_subscription")
    ) == sorted((s.protocol, s.endpoint) for s in config.subscriptions)
    (grafana,) = of_type(plan, "aws_grafana_workspace")
    values = grafana["values"]
    assert values["grafana_version"] == config.grafana.version
    assert (
        json.loads(values["configuration"])["plugins"]["pluginAdminEnabled"]
        is config.grafana.plugin_admin_enabled
    )
    network_state = producers.state(f"{env.name}-network")
    subnets = sorted(
        i["attributes"]["id"]
        for r in network_state["resources"]
        if r["type"] == "aws_subnet" and r["name"] == "private"
        for i in r["instances"]
    )
    (vpc,) = values["vpc_configuration"]
    assert sorted(vpc["subnet_ids"]) == subnets  # the applied network's private subnets
    (alarm,) = of_type(plan, "aws_cloudwatch_metric_alarm")
    assert alarm["values"]["dimensions"] == {
        "FileSystemId": producers.outputs_for_consumers(f"{env.name}-storage")["fsx_file_system_id"]
    }
    assert alarm["values"]["treat_missing_data"] == "breaching"
    assert {d["values"]["dashboard_name"] for d in of_type(plan, "aws_cloudwatch_dashboard")} == {
        f"{env.namespace}-{env.name}-observability-{key}" for key in ("fsx", "network")
    }
    (budget,) = of_type(plan, "aws_budgets_budget")
    assert config.budget is not None and float(budget["values"]["limit_amount"]) == config.budget.amount_usd


# What each layer's plan must hold beyond what every stack's must (changes, checkov clean). A layer without an
# entry gets the common checks only; its own tests live with it.
LAYER_CHECKS: dict[str, Callable[[dict[str, Any], Environment, Producers], None]] = {
    "network": _check_network,
    "storage": _check_storage,
    "observability": _check_observability,
    "inference": _check_inference,
    "training": _check_training,
}


@pytest.mark.parametrize("stack", STACKS, ids=[s.name for s in STACKS])
def test_plan_against_moto(
    stack: StackEntry,
    outdir: Path,
    producers: Producers,
    environments: dict[str, Environment],
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    """Every shipped stack, in apply order, planned against moto after the producers it reads were applied."""
    env = environments[stack.environment]
    work = prepare(
        outdir / "stacks" / stack.name,
        tmp_path / "stack",
        producers.moto,
        env,
        tf_env,
        remote_states=producers.remote_states(stack.name),
    )
    code, plan = plan_json(work, tf_env)
    assert code == 2
    check = LAYER_CHECKS.get(stack.layer)
    if check is not None:
        check(plan, env, producers)
    _assert_checkov_clean(work, plan)


FSX_S3_ROLES = "role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*"


def _assert_bucket_key_lets_fsx_in(plan: dict[str, Any], env: Environment) -> None:
    """The linked buckets' key lets FSx's S3 service-linked roles use it, through S3, for those buckets only."""
    (key,) = [
        r
        for r in of_type(plan, "aws_kms_key")
        if r["address"] == "module.buckets.module.kms[0].aws_kms_key.this"
    ]
    statements = json.loads(key["values"]["policy"])["Statement"]
    (fsx,) = [s for s in statements if s.get("Sid") == "AllowFSxS3AccessRolesOfLinkedBuckets"]
    linked = {
        r["values"]["data_repository_path"].split("/")[2]
        for r in of_type(plan, "aws_fsx_data_repository_association")
    }
    assert env.storage is not None and env.storage.fsx is not None
    prefix = storage_bucket_prefix(env.namespace, env.name, env.account_id)
    assert linked == {f"{prefix}-{a.bucket}" for a in env.storage.fsx.data_repository_associations.values()}
    contexts = sorted(f"arn:aws:s3:::{bucket}{suffix}" for bucket in linked for suffix in ("", "/*"))
    assert (fsx["Effect"], fsx["Principal"], fsx["Resource"]) == ("Allow", {"AWS": "*"}, "*")
    assert sorted(fsx["Action"]) == [
        "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"
    ]  # fmt: skip
    like = fsx["Condition"].get("StringLike", {})
    like["kms:EncryptionContext:aws:s3:arn"] = sorted(like.get("kms:EncryptionContext:aws:s3:arn", []))
    assert fsx["Condition"] == {
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{env.account_id}:{FSX_S3_ROLES}"},
        "StringEquals": {
            "kms:CallerAccount": env.account_id,
            "kms:ViaService": f"s3.{env.region}.amazonaws.com",
        },
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": contexts},
    }


def test_dev_apply_replan_empty_destroy(producers: Producers, tf_env: dict[str, str]) -> None:
    """Rung 6: what moto can hold is applied for dev (the session's applied stacks: the network, and storage but
    for the file system); a second plan of each must be empty; destroying them must succeed
    (test_dev_producers_destroy, after every other test on dev's producers)."""
    for stack in [s for s in STACKS if s.environment == "dev"]:
        work = producers.work(stack.name)
        _code, plan = plan_json(work, tf_env, *producers.targets(stack.name))
        assert_empty_but_for_moto_gaps(plan)


@pytest.mark.runs_last
def test_dev_producers_destroy(producers: Producers) -> None:
    """Rung 6's end: every dev stack moto can hold, applied (by the tests before this one, or here when it runs
    alone), is destroyed, consumers first, and leaves no managed resource in its state (``Producers.destroy``)."""
    dev = [s.name for s in STACKS if s.environment == "dev"]
    for name in dev:
        producers.work(name)
    left = producers.destroy("dev")
    assert left == [], "producer destroy failed:\n" + "\n".join(left)
    assert not set(dev) & set(producers.applied)


def test_dev_observability_apply_on_moto(producers: Producers, tf_env: dict[str, str]) -> None:
    """Rung 6 for observability: dev applied to moto as far as moto holds it - key, log group, topic and policy,
    subscription, AMP workspace with logging and rule groups, the FSx alarm, dashboards - then a second plan must be
    empty (the session destroys it, consumers first). moto 5.2.5 drops the AMP workspace's kms_key_arn (it would be
    replaced on every plan), has no Grafana and no alert manager backend, and fails Budgets'
    DescribeSubscribersForNotification (HTTP 500), so the applied copy overrides exactly those (tests/support/producers.MOTO_MODULE_OVERRIDES); the shipped stack is planned with
    all of them in test_plan_against_moto."""
    work = producers.work("dev-observability")
    state = producers.state("dev-observability")
    applied = {r["type"] for r in state["resources"] if r["mode"] == "managed"}
    assert {
        "aws_kms_key", "aws_cloudwatch_log_group", "aws_sns_topic", "aws_sns_topic_policy",
        "aws_sns_topic_subscription", "aws_prometheus_workspace", "aws_prometheus_rule_group_namespace",
        "aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard", "aws_iam_role",
    } <= applied  # fmt: skip
    assert not applied & {
        "aws_grafana_workspace",
        "aws_prometheus_alert_manager_definition",
        "aws_budgets_budget",
    }
    assert state["outputs"]["amp_remote_write_url"]["value"].endswith("/api/v1/remote_write")
    _code, plan = plan_json(work, tf_env)
    assert_empty_but_for_moto_gaps(plan)
