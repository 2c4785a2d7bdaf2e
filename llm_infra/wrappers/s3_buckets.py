"""Wrapper of ``modules/s3-buckets``."""

from __future__ import annotations

from collections.abc import Mapping

from llm_infra.cdk import Construct, Provider
from llm_infra.layers.storage.config import BucketConfig, ReplicationConfig
from llm_infra.wrappers.base import ModuleWrapper, expression
from llm_infra.wrappers.protection import Move, Twin, twin_moves


class S3BucketsModule(ModuleWrapper):
    module_name = "s3-buckets"
    # The module's twin blocks (see modules/s3-buckets/buckets.tf): data buckets by key, replicas by replicated key.
    DATA_TWIN = Twin(unprotected="aws_s3_bucket.this", protected="aws_s3_bucket.protected")
    REPLICA_TWIN = Twin(unprotected="aws_s3_bucket.replica", protected="aws_s3_bucket.replica_protected")
    PROTECTION_TWINS = (DATA_TWIN, REPLICA_TWIN)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        permissions_boundary: str | None = None,
        name: str,
        buckets: Mapping[str, BucketConfig],
        replication: ReplicationConfig,
        replica_provider: Provider,
        prevent_destroy: bool,
    ) -> None:
        self.keys = tuple(sorted(buckets))
        # The module's local.replicated: the keys that get a replica bucket.
        self.replicated_keys = (
            tuple(key for key in self.keys if buckets[key].replicate) if replication.enabled else ()
        )
        self._kms_key_policy_statements: list[object] = []
        super().__init__(
            scope,
            construct_id,
            variables={
                "permissions_boundary": permissions_boundary,
                "name": name,
                "buckets": {key: bucket.model_dump() for key, bucket in buckets.items()},
                "replication": {"enabled": replication.enabled, "destination_region": replication.region},
                "prevent_destroy": prevent_destroy,
            },
            providers={"aws.replica": replica_provider},
        )

    def protection_moves(self, *, protect: bool) -> tuple[Move, ...]:
        """``moved`` statements that carry every data and replica bucket to the block ``protect`` selects."""
        module = self.construct_id
        return twin_moves(module=module, twin=self.DATA_TWIN, keys=self.keys, protect=protect) + twin_moves(
            module=module, twin=self.REPLICA_TWIN, keys=self.replicated_keys, protect=protect
        )

    def add_kms_key_policy_statements(self, *, statements: object) -> None:
        """Add statements to the policy of the buckets' key (one policy per key, never a second policy resource).

        ``statements`` is a list in the module's ``kms_key_policy_statements`` shape, typically another module's
        output (e.g. ``FsxLustreModule.s3_kms_key_policy_statements``) that Terraform resolves at plan time.
        """
        self._kms_key_policy_statements.append(statements)
        added = self._kms_key_policy_statements
        concat = f"${{concat({', '.join(expression(str(item)) for item in added)})}}"
        self.set("kms_key_policy_statements", added[0] if len(added) == 1 else concat)

    def bucket_name(self, key: str) -> str:
        return self.output_lookup("bucket_names", key)

    def bucket_arn(self, key: str) -> str:
        return self.output_lookup("bucket_arns", key)

    @property
    def kms_key_arn(self) -> str:
        return self.output("kms_key_arn")
