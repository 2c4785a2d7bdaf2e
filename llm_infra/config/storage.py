"""Storage layer config: FSx for Lustre and the S3 data buckets. Rules mirror the fsx-lustre module's."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from llm_infra.config.base import Model
from llm_infra.config.types import AzId, Key, Region, RetentionDays, rule, violations

# MB/s per TiB of storage, by deployment type (FSx for Lustre API reference).
THROUGHPUT_BY_DEPLOYMENT: dict[str, tuple[int, ...]] = {
    "PERSISTENT_2": (125, 250, 500, 1000),
    "SCRATCH_2": (),
}
# EFA-enabled file systems come (and grow) in these capacity steps, by per-unit throughput.
EFA_CAPACITY_STEP_GIB = {125: 38400, 250: 19200, 500: 9600, 1000: 4800}
# SCRATCH_2 has a fixed baseline of 200 MB/s per TiB.
SCRATCH_2_BASELINE_MBPS_PER_TIB = 200
METADATA_IOPS = (1500, 3000, 6000, *range(12000, 192001, 12000))


class MetadataConfig(Model):
    mode: Literal["AUTOMATIC", "USER_PROVISIONED"] = "AUTOMATIC"
    iops: int | None = None

    @model_validator(mode="after")
    def _rules(self) -> MetadataConfig:
        if self.mode == "USER_PROVISIONED" and self.iops not in METADATA_IOPS:
            raise violations(
                [
                    rule(
                        "iops",
                        "USER_PROVISIONED needs iops of 1500, 3000, 6000 or a multiple of 12000 up to 192000",
                        self.iops,
                    )
                ]
            )
        if self.mode == "AUTOMATIC" and self.iops is not None:
            raise violations([rule("iops", "iops is set only with mode 'USER_PROVISIONED'", self.iops)])
        return self


class DataRepositoryAssociation(Model):
    file_system_path: str = Field(pattern=r"^/[A-Za-z0-9_./-]*$", max_length=4096)
    bucket: Key
    prefix: str = Field(default="", pattern=r"^([A-Za-z0-9_.!*'()-]+/)*$")
    batch_import_meta_data_on_create: bool = False
    import_events: tuple[Literal["NEW", "CHANGED", "DELETED"], ...] = ("NEW", "CHANGED", "DELETED")
    export_events: tuple[Literal["NEW", "CHANGED", "DELETED"], ...] = ("NEW", "CHANGED", "DELETED")


class FsxConfig(Model):
    az_id: AzId
    deployment_type: Literal["PERSISTENT_2", "SCRATCH_2"] = "PERSISTENT_2"
    storage_capacity_gib: int = Field(default=4800, gt=0)
    # Defaults depend on the deployment type (see _type_defaults): PERSISTENT_2 gets 250 MB/s/TiB and an
    # AUTOMATIC metadata configuration; SCRATCH_2 takes neither. TOML cannot say null, so leaving them out is
    # how a SCRATCH_2 file says "none".
    per_unit_storage_throughput: int | None = None
    efa_enabled: bool = False
    metadata: MetadataConfig | None = None
    data_compression: Literal["LZ4", "NONE"] = "LZ4"
    automatic_backup_retention_days: int = Field(default=7, ge=0, le=90)
    daily_backup_start_time: str = Field(default="03:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    weekly_maintenance_start_time: str = Field(
        default="7:04:00", pattern=r"^[1-7]:([01][0-9]|2[0-3]):[0-5][0-9]$"
    )
    log_retention_days: RetentionDays = 365
    root_squash: str | None = Field(default=None, pattern=r"^[0-9]{1,10}:[0-9]{1,10}$")
    data_repository_associations: dict[Key, DataRepositoryAssociation] = {}

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
        """Baseline throughput of the whole file system: capacity (TiB) x per-unit throughput."""
        per_unit = self.per_unit_storage_throughput or SCRATCH_2_BASELINE_MBPS_PER_TIB
        return self.storage_capacity_gib / 1024 * per_unit

    @model_validator(mode="after")
    def _rules(self) -> FsxConfig:
        problems = [
            *self._capacity_rules(),
            *self._throughput_rules(),
            *self._efa_rules(),
            *self._persistent_rules(),
        ]
        if problems:
            raise violations(problems)
        return self

    def _capacity_rules(self) -> list[dict[str, Any]]:
        capacity = self.storage_capacity_gib
        if capacity in (1200, 2400) or capacity % 2400 == 0:
            return []
        return [
            rule(
                "storage_capacity_gib", "SSD capacity must be 1200, 2400 or a multiple of 2400 GiB", capacity
            )
        ]

    def _throughput_rules(self) -> list[dict[str, Any]]:
        allowed = THROUGHPUT_BY_DEPLOYMENT[self.deployment_type]
        value = self.per_unit_storage_throughput
        if not allowed and value is not None:
            return [
                rule(
                    "per_unit_storage_throughput",
                    f"{self.deployment_type} takes no per-unit throughput",
                    value,
                )
            ]
        if allowed and value not in allowed:
            allowed_text = ", ".join(map(str, allowed))
            return [
                rule(
                    "per_unit_storage_throughput",
                    f"not allowed for {self.deployment_type} (allowed MB/s/TiB: {allowed_text})",
                    value,
                )
            ]
        return []

    def _efa_rules(self) -> list[dict[str, Any]]:
        if not self.efa_enabled:
            return []
        problems = []
        if self.deployment_type != "PERSISTENT_2":
            problems.append(
                rule("efa_enabled", "EFA needs deployment_type 'PERSISTENT_2'", self.deployment_type)
            )
        if self.metadata is None:
            problems.append(rule("metadata", "EFA needs a metadata configuration", None))
        step = EFA_CAPACITY_STEP_GIB.get(self.per_unit_storage_throughput or 0)
        if step and self.storage_capacity_gib % step:
            problems.append(
                rule(
                    "storage_capacity_gib",
                    f"an EFA file system at {self.per_unit_storage_throughput} MB/s/TiB comes in multiples "
                    f"of {step} GiB",
                    self.storage_capacity_gib,
                )
            )
        return problems

    def _persistent_rules(self) -> list[dict[str, Any]]:
        if self.persistent:
            return []
        problems = []
        if self.metadata is not None:
            problems.append(
                rule("metadata", "a metadata configuration needs PERSISTENT_2", self.deployment_type)
            )
        if self.data_repository_associations:
            problems.append(
                rule(
                    "data_repository_associations",
                    "data repository associations need PERSISTENT_2",
                    self.deployment_type,
                )
            )
        return problems


class BucketConfig(Model):
    intelligent_tiering: bool = False
    noncurrent_version_expiration_days: int = Field(default=30, ge=1, le=3650)
    replicate: bool = True


class ReplicationConfig(Model):
    enabled: bool = False
    region: Region | None = None

    @model_validator(mode="after")
    def _rules(self) -> ReplicationConfig:
        if self.enabled and self.region is None:
            raise violations([rule("region", "replication needs a destination region", None)])
        return self


def _default_buckets() -> dict[str, BucketConfig]:
    return {
        "datasets": BucketConfig(intelligent_tiering=True),
        "checkpoints": BucketConfig(),
        "artifacts": BucketConfig(),
    }


class StorageConfig(Model):
    enabled: bool = True
    fsx: FsxConfig | None = None
    buckets: dict[Key, BucketConfig] = Field(default_factory=_default_buckets)
    replication: ReplicationConfig = ReplicationConfig()
    checkpoint_size_gib: float = Field(default=1050.0, gt=0, description="size of one training checkpoint")

    @model_validator(mode="before")
    @classmethod
    def _ignore_disabled(cls, data: Any) -> Any:
        """A disabled layer is not built, so its file-system settings (e.g. from the defaults) are not checked."""
        if isinstance(data, dict) and data.get("enabled") is False:
            return {key: value for key, value in data.items() if key != "fsx"}
        return data

    @model_validator(mode="after")
    def _rules(self) -> StorageConfig:
        if self.fsx is None:
            if self.enabled:
                raise violations(
                    [rule("fsx", "an enabled storage layer needs its [storage.fsx] table", None)]
                )
            return self
        problems = []
        for key, association in self.fsx.data_repository_associations.items():
            if association.bucket not in self.buckets:
                problems.append(
                    rule(
                        f"fsx.data_repository_associations.{key}.bucket",
                        f"unknown bucket (allowed: {', '.join(sorted(self.buckets))})",
                        association.bucket,
                    )
                )
        if problems:
            raise violations(problems)
        return self

    def checkpoint_write_seconds(self) -> float:
        """Time to write one checkpoint at the file system's baseline throughput (no burst, no contention)."""
        assert self.fsx is not None, "only for an enabled storage layer"
        return self.checkpoint_size_gib * 1024 / self.fsx.aggregate_throughput_mbps
