"""Storage layer config: FSx for Lustre and the S3 data buckets.

Rule ids ``FSX-…`` / ``S3-…`` are shared with ``modules/fsx-lustre/variables.tf`` and
``modules/s3-buckets/variables.tf``; limits come from each module's ``limits.json``.
"""

from __future__ import annotations

from itertools import combinations
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from llm_infra.config.base import Model
from llm_infra.config.limits import (
    AWS_MAX_INT,
    automatic_metadata_iops,
    fsx_limits,
    metadata_iops_values,
    s3_limits,
)
from llm_infra.config.types import (
    AzId,
    FiniteFloat,
    FsxRetentionDays,
    Key,
    Region,
    Rule,
    StrictBool,
    StrictInt,
    rule,
    violations,
)
from llm_infra.label import Label

_FSX = fsx_limits()
_S3 = s3_limits()
_BACKUP_DAYS = _FSX["automatic_backup_retention_days"]
_NONCURRENT = _S3["noncurrent_version_expiration_days"]
_CAPACITY = _FSX["ssd_capacity_gib"]

Event = Literal["NEW", "CHANGED", "DELETED"]


def _throughputs(deployment_type: str) -> tuple[int, ...]:
    return tuple(_FSX["per_unit_storage_throughput"].get(deployment_type, ()))


def efa_capacity_step_gib(per_unit_throughput: int) -> int | None:
    step = _FSX["efa_capacity_step_gib"].get(str(per_unit_throughput))
    return None if step is None else int(step)


class MetadataConfig(Model):
    mode: Annotated[Literal["AUTOMATIC", "USER_PROVISIONED"], Rule("FSX-015")] = "AUTOMATIC"
    iops: Annotated[StrictInt | None, Rule("FSX-017")] = None

    @model_validator(mode="after")
    def _rules(self) -> MetadataConfig:
        spec = _FSX["metadata_iops"]
        if self.mode == "USER_PROVISIONED" and self.iops is None:
            raise violations(
                [rule("iops", "USER_PROVISIONED needs iops", None, id="FSX-016", allowed="a number")]
            )
        if self.mode == "USER_PROVISIONED" and self.iops not in metadata_iops_values():
            fixed = ", ".join(map(str, spec["fixed"]))
            raise violations(
                [
                    rule(
                        "iops",
                        "not a metadata IOPS value FSx accepts",
                        self.iops,
                        id="FSX-017",
                        allowed=f"{fixed} or a multiple of {spec['step']} up to {spec['max']}",
                    )
                ]
            )
        if self.mode == "AUTOMATIC" and self.iops is not None:
            raise violations(
                [
                    rule(
                        "iops",
                        "iops is set only with mode 'USER_PROVISIONED'",
                        self.iops,
                        id="FSX-016",
                        allowed="unset",
                    )
                ]
            )
        return self


class DataRepositoryAssociation(Model):
    file_system_path: Annotated[
        str,
        Field(pattern=r"^/[A-Za-z0-9_./-]*$", max_length=_FSX["file_system_path_max_length"]),
        Rule("FSX-033"),
    ]
    bucket: Annotated[Key, Rule("CFG-005")]
    prefix: Annotated[str, Field(pattern=r"^([A-Za-z0-9_.!*'()-]+/)*$"), Rule("FSX-034")] = ""
    batch_import_meta_data_on_create: StrictBool = False
    import_events: Annotated[tuple[Event, ...], Rule("FSX-036")] = ("NEW", "CHANGED", "DELETED")
    export_events: Annotated[tuple[Event, ...], Rule("FSX-036")] = ("NEW", "CHANGED", "DELETED")

    @model_validator(mode="after")
    def _rules(self) -> DataRepositoryAssociation:
        problems = []
        path = self.file_system_path
        if path != "/" and path.endswith("/"):
            problems.append(
                rule(
                    "file_system_path",
                    "no trailing '/'",
                    path,
                    id="FSX-033",
                    allowed=f"e.g. {path.rstrip('/') or '/'!r}",
                )
            )
        for field in ("import_events", "export_events"):
            events = getattr(self, field)
            if len(set(events)) != len(events):
                problems.append(
                    rule(
                        field,
                        "each event at most once",
                        list(events),
                        id="FSX-036",
                        allowed="NEW, CHANGED, DELETED",
                    )
                )
        if problems:
            raise violations(problems)
        return self


class FsxConfig(Model):
    az_id: Annotated[AzId, Rule("CFG-004")]
    deployment_type: Annotated[Literal["PERSISTENT_2", "SCRATCH_2"], Rule("FSX-007")] = "PERSISTENT_2"
    storage_capacity_gib: Annotated[StrictInt, Field(gt=0, le=_CAPACITY["max"]), Rule("FSX-008")] = 4800
    # Defaults depend on the deployment type (see _type_defaults): PERSISTENT_2 gets 250 MB/s/TiB and an
    # AUTOMATIC metadata configuration; SCRATCH_2 takes neither. TOML cannot say null, so leaving them out is
    # how a SCRATCH_2 file says "none".
    per_unit_storage_throughput: Annotated[StrictInt | None, Rule("FSX-010")] = None
    efa_enabled: Annotated[StrictBool, Rule("FSX-020")] = False
    metadata: MetadataConfig | None = None
    data_compression: Annotated[Literal["LZ4", "NONE"], Rule("FSX-014")] = "LZ4"
    automatic_backup_retention_days: Annotated[
        StrictInt, Field(ge=_BACKUP_DAYS["min"], le=_BACKUP_DAYS["max"]), Rule("FSX-022")
    ] = 7
    daily_backup_start_time: Annotated[
        str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"), Rule("FSX-023")
    ] = "03:00"
    weekly_maintenance_start_time: Annotated[
        str, Field(pattern=r"^[1-7]:([01][0-9]|2[0-3]):[0-5][0-9]$"), Rule("FSX-024")
    ] = "7:04:00"
    log_retention_days: Annotated[FsxRetentionDays, Rule("FSX-026")] = 365
    root_squash: Annotated[str | None, Field(pattern=r"^[0-9]{1,10}:[0-9]{1,10}$"), Rule("FSX-027")] = None
    data_repository_associations: Annotated[
        dict[Key, DataRepositoryAssociation], Rule("FSX-033", key="FSX-032")
    ] = {}

    @model_validator(mode="before")
    @classmethod
    def _type_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("deployment_type", "PERSISTENT_2") != "PERSISTENT_2":
            return data
        return {"per_unit_storage_throughput": 250, "metadata": {"mode": "AUTOMATIC"}, **data}

    @property
    def persistent(self) -> bool:
        return self.deployment_type.startswith("PERSISTENT")

    @property
    def aggregate_throughput_mbps(self) -> float:
        """Baseline throughput of the whole file system: capacity (TiB) x per-unit (or the type's baseline)."""
        per_unit = self.per_unit_storage_throughput
        if per_unit is None:
            per_unit = int(_FSX["baseline_throughput_mbps_per_tib"][self.deployment_type])
        return self.storage_capacity_gib / 1024 * per_unit

    @model_validator(mode="after")
    def _rules(self) -> FsxConfig:
        problems = [
            *self._capacity_rules(),
            *self._throughput_rules(),
            *self._efa_rules(),
            *self._persistent_rules(),
            *self._metadata_rules(),
            *self._backup_rules(),
            *self._association_rules(),
        ]
        if problems:
            raise violations(problems)
        return self

    def _capacity_rules(self) -> list[dict[str, Any]]:
        capacity = self.storage_capacity_gib
        if capacity in _CAPACITY["fixed"] or capacity % _CAPACITY["step"] == 0:
            return []
        fixed = ", ".join(map(str, _CAPACITY["fixed"]))
        return [
            rule(
                "storage_capacity_gib",
                "not an SSD capacity FSx accepts",
                capacity,
                id="FSX-008",
                allowed=f"{fixed} or a multiple of {_CAPACITY['step']} GiB",
            )
        ]

    def _throughput_rules(self) -> list[dict[str, Any]]:
        allowed = _throughputs(self.deployment_type)
        value = self.per_unit_storage_throughput
        if not allowed and value is not None:
            return [
                rule(
                    "per_unit_storage_throughput",
                    f"{self.deployment_type} takes no per-unit throughput",
                    value,
                    id="FSX-011",
                    allowed="unset",
                )
            ]
        if allowed and value not in allowed:
            return [
                rule(
                    "per_unit_storage_throughput",
                    f"not allowed for {self.deployment_type}",
                    value,
                    id="FSX-010",
                    allowed=f"{', '.join(map(str, allowed))} MB/s/TiB",
                )
            ]
        return []

    def _efa_rules(self) -> list[dict[str, Any]]:
        if not self.efa_enabled:
            return []
        problems = []
        if self.deployment_type != "PERSISTENT_2":
            problems.append(
                rule(
                    "efa_enabled",
                    "EFA needs deployment_type 'PERSISTENT_2'",
                    self.deployment_type,
                    id="FSX-020",
                )
            )
        if self.metadata is None:
            problems.append(rule("metadata", "EFA needs a metadata configuration", None, id="FSX-020"))
        step = efa_capacity_step_gib(self.per_unit_storage_throughput or 0)
        if step and self.storage_capacity_gib % step:
            problems.append(
                rule(
                    "storage_capacity_gib",
                    f"an EFA file system at {self.per_unit_storage_throughput} MB/s/TiB comes in steps of "
                    f"{step} GiB",
                    self.storage_capacity_gib,
                    id="FSX-009",
                    allowed=f"a multiple of {step}",
                )
            )
        return problems

    def _persistent_rules(self) -> list[dict[str, Any]]:
        if self.persistent:
            return []
        problems = []
        if self.metadata is not None:
            problems.append(
                rule(
                    "metadata",
                    "a metadata configuration needs PERSISTENT_2",
                    self.deployment_type,
                    id="FSX-018",
                )
            )
        if self.data_repository_associations:
            problems.append(
                rule(
                    "data_repository_associations",
                    "data repository associations need PERSISTENT_2",
                    self.deployment_type,
                    id="FSX-030",
                )
            )
        return problems

    def _metadata_rules(self) -> list[dict[str, Any]]:
        metadata = self.metadata
        if (
            not self.persistent
            or metadata is None
            or metadata.mode != "USER_PROVISIONED"
            or metadata.iops is None
        ):
            return []
        floor = automatic_metadata_iops(self.storage_capacity_gib)
        if metadata.iops >= floor:
            return []
        return [
            rule(
                "metadata.iops",
                f"below what AUTOMATIC mode provisions for {self.storage_capacity_gib} GiB; FSx does not grow "
                "capacity past the IOPS (use mode 'AUTOMATIC' or more IOPS)",
                metadata.iops,
                id="FSX-019",
                allowed=f">= {floor}",
            )
        ]

    def _backup_rules(self) -> list[dict[str, Any]]:
        if not self.persistent or self.automatic_backup_retention_days == 0:
            return []
        if self.weekly_maintenance_start_time[2:] != self.daily_backup_start_time:
            return []
        return [
            rule(
                "daily_backup_start_time",
                "the daily backup window starts at the same time as the weekly maintenance window "
                f"({self.weekly_maintenance_start_time})",
                self.daily_backup_start_time,
                id="FSX-025",
                allowed=f"any HH:MM but {self.daily_backup_start_time}",
            )
        ]

    def _association_rules(self) -> list[dict[str, Any]]:
        associations = self.data_repository_associations
        problems = []
        limit = int(_FSX["max_data_repository_associations"])
        if len(associations) > limit:
            problems.append(
                rule(
                    "data_repository_associations",
                    f"{len(associations)} associations",
                    sorted(associations),
                    id="FSX-031",
                    allowed=f"at most {limit} per file system",
                )
            )
        for (key_a, a), (key_b, b) in combinations(sorted(associations.items()), 2):
            path_a, path_b = a.file_system_path.rstrip("/") or "/", b.file_system_path.rstrip("/") or "/"
            inside = (
                path_a == path_b
                or "/" in (path_a, path_b)
                or f"{path_b}/".startswith(f"{path_a}/")
                or f"{path_a}/".startswith(f"{path_b}/")
            )
            if inside:
                problems.append(
                    rule(
                        f"data_repository_associations.{key_b}.file_system_path",
                        f"overlaps data_repository_associations.{key_a} ({a.file_system_path})",
                        b.file_system_path,
                        id="FSX-037",
                        allowed="a path neither inside nor containing another association's ('/' only alone)",
                    )
                )
        return problems


class BucketConfig(Model):
    intelligent_tiering: StrictBool = False
    noncurrent_version_expiration_days: Annotated[
        StrictInt, Field(ge=_NONCURRENT["min"], le=_NONCURRENT["max"]), Rule("S3-009")
    ] = 30
    replicate: StrictBool = True


class ReplicationConfig(Model):
    enabled: StrictBool = False
    region: Annotated[Region | None, Rule("S3-014")] = None

    @model_validator(mode="after")
    def _rules(self) -> ReplicationConfig:
        if self.enabled and self.region is None:
            raise violations([rule("region", "replication needs a destination region", None, id="S3-013")])
        return self


def _default_buckets() -> dict[str, BucketConfig]:
    return {
        "datasets": BucketConfig(intelligent_tiering=True),
        "checkpoints": BucketConfig(),
        "artifacts": BucketConfig(),
    }


class StorageConfig(Model):
    enabled: StrictBool = True
    # false: buckets only, no Lustre file system (a serving-only account: the inference layer reads the buckets)
    fsx_enabled: StrictBool = True
    fsx: FsxConfig | None = None
    buckets: Annotated[dict[Key, BucketConfig], Rule("S3-003", key="S3-004")] = Field(
        default_factory=_default_buckets
    )
    replication: ReplicationConfig = ReplicationConfig()
    checkpoint_size_gib: Annotated[
        FiniteFloat,
        Field(gt=0, le=AWS_MAX_INT, description="size of one training checkpoint"),
        Rule("CFG-010"),
    ] = 1050.0

    @model_validator(mode="before")
    @classmethod
    def _ignore_disabled(cls, data: Any) -> Any:
        """A disabled layer (or file system) is not built, so its file-system settings (e.g. from the defaults) are
        not checked."""
        if isinstance(data, dict) and (data.get("enabled") is False or data.get("fsx_enabled") is False):
            return {key: value for key, value in data.items() if key != "fsx"}
        return data

    @model_validator(mode="after")
    def _rules(self) -> StorageConfig:
        problems = self._bucket_rules()
        if self.fsx is None:
            if self.enabled and self.fsx_enabled:
                problems.append(
                    rule(
                        "fsx",
                        "an enabled storage layer needs its [storage.fsx] table (or fsx_enabled = false)",
                        None,
                        id="CFG-006",
                    )
                )
            if problems:
                raise violations(problems)
            return self
        for key, association in self.fsx.data_repository_associations.items():
            if association.bucket not in self.buckets:
                problems.append(
                    rule(
                        f"fsx.data_repository_associations.{key}.bucket",
                        "unknown bucket",
                        association.bucket,
                        id="CFG-005",
                        allowed=", ".join(sorted(self.buckets)),
                    )
                )
        if self.checkpoint_size_gib > self.fsx.storage_capacity_gib:
            problems.append(
                rule(
                    "checkpoint_size_gib",
                    f"larger than the file system ({self.fsx.storage_capacity_gib} GiB)",
                    self.checkpoint_size_gib,
                    id="CFG-010",
                    allowed=f"<= {self.fsx.storage_capacity_gib}",
                )
            )
        if problems:
            raise violations(problems)
        return self

    def _bucket_rules(self) -> list[dict[str, Any]]:
        if not self.enabled:
            return []
        problems = []
        if not self.buckets:
            problems.append(rule("buckets", "at least one data bucket", {}, id="S3-003"))
        for key in self.buckets:
            if key == "access-logs" or key.endswith("-replica"):
                problems.append(
                    rule(
                        f"buckets.{key}",
                        "reserved for the access-log and replica buckets",
                        key,
                        id="S3-005",
                        allowed="any key but 'access-logs' or '*-replica'",
                    )
                )
        return problems

    def checkpoint_write_seconds(self) -> float:
        """Time to write one checkpoint at the file system's baseline throughput (no burst, no contention)."""
        assert self.fsx is not None, "only for an enabled storage layer"
        return self.checkpoint_size_gib * 1024 / self.fsx.aggregate_throughput_mbps


def storage_bucket_prefix(namespace: str, environment: str, account_id: str) -> str:
    """Prefix of the data bucket names (the storage layer's label plus the account, for global uniqueness)."""
    return Label(namespace, environment, "storage").scoped(account_id)
