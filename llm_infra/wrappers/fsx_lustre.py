"""Wrapper of ``modules/fsx-lustre``."""

from __future__ import annotations

from collections.abc import Mapping

from llm_infra.cdk import Construct
from llm_infra.label import Label
from llm_infra.layers.storage.config import FsxConfig
from llm_infra.wrappers.base import ModuleWrapper
from llm_infra.wrappers.protection import Move, Twin, twin_moves


class FsxLustreModule(ModuleWrapper):
    module_name = "fsx-lustre"
    # The module's twin blocks (see modules/fsx-lustre/main.tf), each with count 0 or 1.
    FILE_SYSTEM_TWIN = Twin(
        unprotected="aws_fsx_lustre_file_system.this", protected="aws_fsx_lustre_file_system.protected"
    )
    PROTECTION_TWINS = (FILE_SYSTEM_TWIN,)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        label: Label,
        config: FsxConfig,
        subnet_id: str,
        vpc_id: str,
        security_group_ids: list[str],
        bucket_names: Mapping[str, str],
        prevent_destroy: bool,
    ) -> None:
        metadata = config.metadata.model_dump(exclude_none=True) if config.metadata else None
        associations = {
            key: {
                "file_system_path": association.file_system_path,
                "data_repository_path": f"s3://{bucket_names[association.bucket]}/{association.prefix}",
                "batch_import_meta_data_on_create": association.batch_import_meta_data_on_create,
                "import_events": list(association.import_events),
                "export_events": list(association.export_events),
            }
            for key, association in config.data_repository_associations.items()
        }
        super().__init__(
            scope,
            construct_id,
            variables={
                "name": label.prefix,
                "subnet_id": subnet_id,
                "vpc_id": vpc_id,
                "security_group_ids": security_group_ids,
                "deployment_type": config.deployment_type,
                "storage_capacity_gib": config.storage_capacity_gib,
                "per_unit_storage_throughput": config.per_unit_storage_throughput,
                "data_compression_type": config.data_compression,
                "metadata_configuration": metadata,
                "efa_enabled": config.efa_enabled,
                "automatic_backup_retention_days": config.automatic_backup_retention_days,
                "daily_automatic_backup_start_time": config.daily_backup_start_time,
                "weekly_maintenance_start_time": config.weekly_maintenance_start_time,
                "log_retention_days": config.log_retention_days,
                "root_squash": config.root_squash,
                "prevent_destroy": prevent_destroy,
                "data_repository_associations": associations,
            },
        )

    def protection_moves(self, *, protect: bool) -> tuple[Move, ...]:
        """The ``moved`` statement that carries the file system to the block ``protect`` selects."""
        return twin_moves(module=self.construct_id, twin=self.FILE_SYSTEM_TWIN, keys=(0,), protect=protect)

    @property
    def file_system_id(self) -> str:
        return self.output("file_system_id")

    @property
    def dns_name(self) -> str:
        return self.output("dns_name")

    @property
    def mount_name(self) -> str:
        return self.output("mount_name")

    @property
    def kms_key_arn(self) -> str:
        return self.output("kms_key_arn")
