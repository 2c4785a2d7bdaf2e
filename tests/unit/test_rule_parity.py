"""The config and the modules enforce the same rules: every rule id on one side exists on the other.

HCL ids are read with python-hcl2 from every validation of ``modules/*/variables.tf``; Python ids from the
``Rule`` metadata of the config models and the ids passed to ``rule()``. What only one side can check is
listed below, each with its reason.
"""

from __future__ import annotations

import re
import typing
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from llm_infra.config import Environment
from llm_infra.config.limits import module_limits
from llm_infra.config.types import Rule
from llm_infra.paths import MODULES_DIR, PROJECT_ROOT
from tests.support.hcl import load_hcl

# The HyperPod cluster's validations live in its provider-free body/ (the parent only forwards them).
MODULES = (
    "kms-key",
    "network",
    "fsx-lustre",
    "s3-buckets",
    "cloudwatch-dashboard",
    "observability",
    "hyperpod-prerequisites",
    "hyperpod-cluster/body",
    "inference-fleet",
)
# Modules whose limits moved to a limits file (the HyperPod limits are read from botocore by the config).
LIMITS_MODULES = (
    "kms-key",
    "network",
    "fsx-lustre",
    "s3-buckets",
    "cloudwatch-dashboard",
    "observability",
    "inference-fleet",
)
RULE_ID = re.compile(r"\[((?:KMS|NET|FSX|S3|CFG|CWD|OBS|TRN|HPP|INF)-\d{3})\]")

# Rules only the config can check: they need more than one module's inputs (cross-layer), the whole environment
# file, or values no module variable holds.
PYTHON_ONLY = {
    "CFG-001": "vpc_cidr vs existing_vpc_id (and subnets with the wrong one): the wrapper derives create_vpc from it",
    "CFG-002": "AZ IDs belong to the environment's region: the module has no region input (cross-environment)",
    "CFG-003": "role_arn is in account_id: provider configuration, no module variable",
    "CFG-004": "the FSx AZ is one of the network's AZ IDs: cross-layer (network -> storage)",
    "CFG-005": "a DRA names a configured bucket: cross-module (s3-buckets -> fsx-lustre)",
    "CFG-006": "an enabled storage layer has its [storage.fsx] table unless fsx_enabled = false: layer assembly",
    "CFG-007": "tag keys and values (length, charset, aws: prefix): org tags go to the provider's default_tags",
    "CFG-008": "tags.extra must not collide with the label's tags: the label is Python",
    "CFG-009": "state.noncurrent_version_expiration_days: read by scripts/bootstrap_state.py, not by a module",
    "CFG-010": "checkpoint_size_gib (finite, fits the file system): summary input, no module variable",
    "CFG-011": "replication region differs from the home region: needs the environment's region",
    "CFG-012": "account id, region, state bucket and key shapes: provider and backend configuration",
    "CFG-013": "an enabled layer's required layers are enabled: layer assembly (the registry), no module variable",
    "INF-016": "the weights fit the accelerator memory of the tensor-parallel cores: parameters and dtype are no module input",
    "INF-017": "the container environment agrees with tensor_parallel_degree and its token limits: framework-specific",
    "INF-018": "min_instances >= inference.min_instances_floor: an environment policy, no module variable",
    "INF-019": "model_bucket / capture_bucket name storage buckets: cross-layer (storage -> inference)",
    "INF-020": "every model_data_url is in the model bucket: cross-layer (the role reads that bucket only)",
    "TRN-009": "multi-node compute groups on EFA-capable types: the EFA table is the network module's data",
    "TRN-015": "every group in one of the network's AZ IDs: cross-layer (network -> training)",
    "TRN-016": "accelerated groups in the AZ of an EFA file system: cross-layer (storage -> training)",
    "TRN-020": "read/write buckets are storage buckets: cross-layer (storage -> training)",
    "TRN-021": "training needs the storage layer's file system (storage.fsx_enabled): cross-layer",
    "OBS-018": "observability.fsx = true needs the storage layer's file system: cross-layer (storage -> observability)",
    **{
        f"OBS-{n}": "node-alert thresholds (alerts.py): the module receives finished rule files, checked by promtool"
        for n in range(101, 116)
    },
}

# Module rules on variables the wrapper never exposes or always passes a value that satisfies them.
HCL_ONLY = {
    "KMS-001": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-002": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-003": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-004": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-005": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-006": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-007": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-008": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-009": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-010": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-011": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-012": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-013": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-014": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-015": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "KMS-016": "modules/kms-key: called only by other modules with literal or module-computed values, never TOML",
    "NET-001": "name: the wrapper passes the label prefix <namespace>-<env>-network (patterns of both parts)",
    "NET-002": "existing_vpc_id required without create_vpc: the wrapper sets create_vpc = (existing_vpc_id unset)",
    "NET-020": "interface_endpoint_services: not exposed, the module default is passed; "
    "additional_interface_endpoint_services: derived in Python (network/endpoints.py), never TOML",
    "NET-021": "interface_endpoint_services: not exposed",
    "NET-022": "interface_endpoint_services: not exposed",
    "NET-023": "interface_endpoint_services: not exposed",
    "NET-025": "kms_key_arn: not exposed, the module creates its key",
    "NET-029": "placement_groups[*].spread_level: not exposed (the config model forbids the key)",
    "NET-035": "efa_launch_templates[*].http_put_response_hop_limit: not exposed, default 1",
    "NET-036": "root_device_name: not exposed, default /dev/xvda",
    "FSX-001": "name: the wrapper passes the label prefix <namespace>-<env>-storage",
    "FSX-002": "subnet_id: the network layer's output",
    "FSX-003": "vpc_id: the network layer's output",
    "FSX-004": "vpc_id with empty security_group_ids: the wrapper always passes both",
    "FSX-005": "security_group_ids: the network layer's EFA security group",
    "FSX-006": "security_group_ids: the wrapper passes exactly one",
    "FSX-012": "file_system_type_version: not exposed, default 2.15",
    "FSX-013": "2.15 with a metadata configuration: the wrapper never passes another version",
    "FSX-021": "kms_key_arn: not exposed, the module creates its key",
    "FSX-028": "no_squash_nids: not exposed",
    "FSX-029": "no_squash_nids: not exposed",
    "FSX-035": "imported_file_chunk_size_mib: not exposed, default 1024",
    "CWD-001": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-002": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-003": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-004": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-005": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-006": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-007": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-008": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-009": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-010": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-011": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-012": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "CWD-013": "modules/cloudwatch-dashboard: widgets and alarms are generated by code (observability/dashboards.py, modules/observability alarms), never TOML; test_observability_dashboards checks them",
    "OBS-001": "name: the wrapper passes the label prefix <namespace>-<env>-observability",
    "OBS-007": "rule_groups: generated by alerts.rule_groups (fixed names), never TOML",
    "S3-001": "name: the wrapper passes <namespace>-<env>-storage-<account> (at most 44 characters)",
    "S3-010": "kms_key_arn: not exposed, the module creates its key",
    "S3-011": "access_log_retention_days: not exposed",
    "S3-012": "abort_incomplete_multipart_days: not exposed",
    "S3-015": "kms_key_policy_statements: not TOML input; the storage stack passes fsx-lustre's s3_kms_key_policy_statements output",
    "S3-016": "kms_key_policy_statements: not TOML input; the storage stack passes fsx-lustre's s3_kms_key_policy_statements output",
    "S3-017": "kms_key_policy_statements: not TOML input; the storage stack passes fsx-lustre's s3_kms_key_policy_statements output",
    "S3-018": "kms_key_policy_statements: not TOML input; the storage stack passes fsx-lustre's s3_kms_key_policy_statements output",
    "S3-019": "kms_key_policy_statements: not TOML input; the storage stack passes fsx-lustre's s3_kms_key_policy_statements output",
    "S3-020": "kms_key_policy_statements: not TOML input; the storage stack passes fsx-lustre's s3_kms_key_policy_statements output",
    "S3-021": "kms_key_policy_statements: not TOML input; the storage stack passes fsx-lustre's s3_kms_key_policy_statements output",
    "S3-022": "kms_key_policy_statements: not TOML input; the storage stack passes fsx-lustre's s3_kms_key_policy_statements output",
    "INF-012": "subnet_ids: the network layer's private subnets (1 per AZ ID, 2-6 by the network's rules)",
    "INF-013": "security_group_ids: the wrapper passes vpc_id (the module's own group) and no other",
    "INF-014": "kms_key_arn: the storage layer's S3 key ARN, read from its state",
    "INF-015": "capture_s3_uri: s3://<storage bucket>/<capture_prefix>, built by the stack (capture_prefix has a pattern)",
    "HPP-001": "name: the wrapper passes the label prefix <namespace>-<env>-training (at most 32 characters)",
    "HPP-003": "cluster_name: the label prefix, always matching the pattern (lowercase letters, digits, hyphens)",
    "HPP-004": "storage bucket ARNs: the storage layer's outputs",
    "HPP-005": "storage.kms_key_arn: the storage layer's output",
    "HPP-006": "fsx.mount_path: the stack passes the constant /fsx",
    "HPP-009": "observability.workspace_arn: the observability layer's output (not wired yet)",
    "TRN-101": "cluster_name: the label prefix, always matching the pattern and at most 32 characters",
    "TRN-102": "execution_role_arn: the training stack's output",
    "TRN-103": "lifecycle_scripts.source_s3_uri: the training stack's output (bucket prefix sagemaker-)",
    "TRN-104": "subnet_ids: the network's subnets of the groups' AZ IDs (TRN-015), distinct by construction",
    "TRN-105": "security_group_ids: the stack passes exactly the EFA security group",
    "TRN-107": "fsx.mount_name: the storage layer's output",
    "TRN-108": "fsx.mount_path: the stack passes the constant /fsx",
    "TRN-122": "instance_groups[*].subnet_id: the stack picks it from subnet_ids by the group's AZ ID",
}


@cache
def hcl_rule_ids() -> dict[str, list[str]]:
    """Rule id -> the modules/<module>:<variable> validations that carry it (every variable is in variables.tf)."""
    found: dict[str, list[str]] = {}
    for module in MODULES:
        variables = {
            name: body
            for block in load_hcl(MODULES_DIR / module / "variables.tf").get("variable", [])
            for name, body in block.items()
        }
        for name, body in variables.items():
            for validation in body.get("validation", []):
                message = str(validation["error_message"])
                ids = RULE_ID.findall(message)
                assert len(ids) == 1 and message.startswith(f"[{ids[0]}] "), (
                    f"modules/{module} variable {name}: every validation message starts with one rule id: {message}"
                )
                found.setdefault(ids[0], []).append(f"{module}:{name}")
    return found


def _walk_models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    ids: set[str] = set()
    if model in seen:
        return ids
    seen.add(model)
    for field in model.model_fields.values():
        for meta in field.metadata:
            if isinstance(meta, Rule):
                ids |= {meta.id, *([meta.key] if meta.key else [])}
        stack: list[Any] = [field.annotation]
        while stack:
            current = stack.pop()
            if isinstance(current, type) and issubclass(current, BaseModel):
                ids |= _walk_models(current, seen)
            stack.extend(typing.get_args(current))
    return ids


def python_rule_ids() -> set[str]:
    """Ids on model fields (Rule metadata) and ids passed to rule() in the config package and the layers."""
    ids = _walk_models(Environment, set())
    package = PROJECT_ROOT / "llm_infra"
    for path in sorted([*(package / "config").glob("*.py"), *(package / "layers").rglob("*.py")]):
        ids |= set(
            re.findall(r'\bid="((?:NET|FSX|S3|CFG|OBS|TRN|HPP|INF)-\d{3})"', path.read_text(encoding="utf-8"))
        )
    return ids


def test_every_module_rule_is_a_config_rule_or_listed() -> None:
    hcl = hcl_rule_ids()
    missing = sorted(set(hcl) - python_rule_ids() - set(HCL_ONLY))
    assert not missing, (
        f"module rules the config does not check (add them, or list them in HCL_ONLY): {missing}"
    )


def test_every_config_rule_is_a_module_rule_or_listed() -> None:
    extra = sorted(python_rule_ids() - set(hcl_rule_ids()) - set(PYTHON_ONLY))
    assert not extra, (
        f"config rules no module has (add them to the module, or list them in PYTHON_ONLY): {extra}"
    )


def test_the_lists_hold_only_what_they_must() -> None:
    hcl, python = set(hcl_rule_ids()), python_rule_ids()
    assert not set(HCL_ONLY) - hcl, "HCL_ONLY names ids no module has"
    assert not set(HCL_ONLY) & python, "HCL_ONLY names ids the config checks after all"
    assert not set(PYTHON_ONLY) & hcl, "PYTHON_ONLY names ids a module has"
    assert not set(PYTHON_ONLY) - python, "PYTHON_ONLY names ids the config does not have"


def test_shared_limits_are_equal_in_every_module() -> None:
    """CloudWatch Logs retention values live in three self-contained modules: the copies must not drift."""
    retention = module_limits("network")["log_retention_days"]
    assert retention == module_limits("fsx-lustre")["log_retention_days"]
    assert retention == module_limits("observability")["log_retention_days"]


def test_no_module_validation_hard_codes_a_limit_of_its_limits_file() -> None:
    """The numbers that moved to limits.json are not written into variables.tf again."""
    for module, literal in (
        ("network", "3653]"),
        ("fsx-lustre", "192000"),
        ("fsx-lustre", "3653]"),
        ("fsx-lustre", "<= 8"),
        ("s3-buckets", "<= 63"),
        ("inference-fleet", "<= 37"),
        ("inference-fleet", "3600"),
    ):
        text = (MODULES_DIR / module / "variables.tf").read_text(encoding="utf-8")
        conditions = [line for line in text.splitlines() if "condition" in line]
        assert not any(literal in line for line in conditions), (module, literal)


def _module_dirs() -> list[Path]:
    return [MODULES_DIR / module for module in LIMITS_MODULES]


# The limits file of a module whose table is more than limits (the inf2 sizes): its own name.
LIMITS_FILES = {"inference-fleet": "inf2_instance_types.json"}


def test_every_module_has_its_own_limits_file() -> None:
    for directory in _module_dirs():
        name = LIMITS_FILES.get(directory.name, "limits.json")
        assert (directory / name).is_file(), directory
        assert f'jsondecode(file("${{path.module}}/{name}"))' in (directory / "main.tf").read_text(
            encoding="utf-8"
        ), directory
