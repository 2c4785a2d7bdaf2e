"""Create or harden an environment's Terraform state backend: a KMS key and an S3 bucket.

Idempotent: every setting is read first and written only when it differs, so a second run changes nothing
and says so. ``dry_run`` reads and reports, and writes nothing. Settings of other tools are kept: foreign
bucket-policy statements and lifecycle rules survive; only this tool's statement and rule (by id) are managed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError

from llm_infra.config import Environment
from llm_infra.ops.errors import OpsError, error_code
from llm_infra.ops.session import Aws
from llm_infra.ops.state_rules import (
    ABORT_INCOMPLETE_UPLOAD_DAYS,
    LIFECYCLE_RULE_ID,
    OWNERSHIP,
    PUBLIC_ACCESS_BLOCK,
    TLS_STATEMENT_SID,
    encryption_matches,
    lifecycle_rule,
    merge_lifecycle,
    merge_policy,
    parse_kms_arn,
    tls_only_statement,
)

Outcome = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class Item:
    name: str
    outcome: Outcome
    detail: str


@dataclass
class BootstrapResult:
    bucket: str
    region: str
    key: str
    account: str
    dry_run: bool
    items: list[Item] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(item.outcome != "unchanged" for item in self.items)

    def render(self) -> str:
        verb = {"created": "would create", "updated": "would update"} if self.dry_run else {}
        width = max(len(item.name) for item in self.items)
        lines = [
            f"State backend of account {self.account}: s3://{self.bucket} ({self.region}), key {self.key}"
            + (" [dry run: nothing is changed]" if self.dry_run else ""),
        ]
        for item in self.items:
            outcome = verb.get(item.outcome, item.outcome)
            lines.append(f"  {item.name:<{width}}  {outcome:<12}  {item.detail}")
        created = sum(item.outcome == "created" for item in self.items)
        updated = sum(item.outcome == "updated" for item in self.items)
        unchanged = sum(item.outcome == "unchanged" for item in self.items)
        if not self.changed:
            lines.append(f"No changes: all {unchanged} items were already in place.")
        elif self.dry_run:
            lines.append(
                f"{created} to create, {updated} to update, {unchanged} unchanged. "
                "Run without --dry-run to apply."
            )
        else:
            lines.append(f"{created} created, {updated} updated, {unchanged} unchanged.")
        return "\n".join(lines)


def _absent_on(codes: tuple[str, ...], call: Callable[[], Any]) -> Any:
    """The call's answer, or None when AWS says the thing is not configured."""
    try:
        return call()
    except ClientError as error:
        if error_code(error) in codes:
            return None
        raise


class Bootstrap:
    """One run over one environment's state backend."""

    def __init__(self, aws: Aws, environment: Environment, *, dry_run: bool) -> None:
        self.environment = environment
        self.state = environment.state
        self.region = environment.state_region
        self.dry_run = dry_run
        self.kms = aws.client("kms", self.region)
        self.s3 = aws.client("s3", self.region)
        self.aws = aws
        self.key_ref = parse_kms_arn(self.state.kms_key_arn)
        self.key_arn: str | None = None
        self.key_id: str | None = None
        self.key_new = False
        self.bucket_new = False
        self.result = BootstrapResult(
            bucket=self.state.bucket,
            region=self.region,
            key=self.key_ref.alias_name or self.key_ref.arn,
            account=environment.account_id,
            dry_run=dry_run,
        )

    def add(self, name: str, outcome: Outcome, detail: str) -> None:
        self.result.items.append(Item(name, outcome, detail))

    def run(self) -> BootstrapResult:
        self._check_target()
        self._key()
        self._rotation()
        self._bucket()
        self._ownership()
        self._public_access_block()
        self._versioning()
        self._encryption()
        self._policy()
        self._lifecycle()
        return self.result

    # -- preconditions ---------------------------------------------------------------------------------------

    def _check_target(self) -> None:
        identity = self.aws.caller_identity()
        if identity["account"] != self.environment.account_id:
            raise OpsError(
                f"the credentials are for account {identity['account']} ({identity['arn']}), but environment "
                f"'{self.environment.name}' is account {self.environment.account_id}: use a profile of that "
                "account or set role_arn; nothing was changed"
            )
        ref = self.key_ref
        if ref.account != self.environment.account_id or ref.region != self.region:
            raise OpsError(
                f"state.kms_key_arn is in {ref.account}/{ref.region}, but the state bucket is in "
                f"{self.environment.account_id}/{self.region}: SSE-KMS needs a key of the bucket's account "
                "and region; nothing was changed",
                exit_code=2,
            )

    # -- KMS key ---------------------------------------------------------------------------------------------

    def _key(self) -> None:
        metadata = _absent_on(
            ("NotFoundException",), lambda: self.kms.describe_key(KeyId=self.key_ref.arn)["KeyMetadata"]
        )
        if metadata is not None:
            if metadata.get("KeyState") != "Enabled":
                raise OpsError(f"KMS key {metadata['Arn']} is {metadata.get('KeyState')}; enable it first")
            self.key_arn, self.key_id = metadata["Arn"], metadata["KeyId"]
            self.add("kms key", "unchanged", f"{metadata['Arn']} ({self.result.key})")
            return
        if self.key_ref.alias is None:
            raise OpsError(
                f"KMS key {self.key_ref.arn} does not exist: create it, or give state.kms_key_arn as an alias "
                "ARN (arn:aws:kms:<region>:<account>:alias/<name>) so that bootstrap can create the key"
            )
        self.key_new = True
        if not self.dry_run:
            created = self.kms.create_key(
                Description=f"Terraform state of llm-infra ({self.state.bucket})",
                KeyUsage="ENCRYPT_DECRYPT",
                KeySpec="SYMMETRIC_DEFAULT",
                Tags=[{"TagKey": "ManagedBy", "TagValue": "llm-infra"}],
            )["KeyMetadata"]
            self.key_arn, self.key_id = created["Arn"], created["KeyId"]
            self.kms.create_alias(AliasName=self.key_ref.alias_name, TargetKeyId=self.key_id)
        self.add("kms key", "created", f"{self.key_arn or 'new symmetric key'} ({self.result.key})")

    def _rotation(self) -> None:
        detail = "automatic yearly rotation enabled"
        if self.key_new:
            if not self.dry_run:
                self.kms.enable_key_rotation(KeyId=self.key_id)
            self.add("kms key rotation", "created", detail)
            return
        enabled = self.kms.get_key_rotation_status(KeyId=self.key_id)["KeyRotationEnabled"]
        if enabled:
            self.add("kms key rotation", "unchanged", detail)
            return
        if not self.dry_run:
            self.kms.enable_key_rotation(KeyId=self.key_id)
        self.add("kms key rotation", "updated", detail)

    # -- bucket ----------------------------------------------------------------------------------------------

    def _bucket(self) -> None:
        bucket = self.state.bucket
        try:
            head = self.s3.head_bucket(Bucket=bucket)
        except ClientError as error:
            code = error_code(error)
            if code in ("403", "AccessDenied", "Forbidden"):
                raise OpsError(
                    f"bucket {bucket} exists but these credentials cannot use it (HeadBucket 403): it belongs "
                    "to another account, or access is denied; nothing more was changed"
                ) from None
            if code not in ("404", "NoSuchBucket", "NotFound"):
                raise
            head = None
        if head is not None:
            region = head.get("BucketRegion") or head["ResponseMetadata"]["HTTPHeaders"].get(
                "x-amz-bucket-region"
            )
            if region and region != self.region:
                raise OpsError(
                    f"bucket {bucket} is in {region}, but the environment's state region is {self.region}"
                )
            self.add("bucket", "unchanged", f"s3://{bucket} in {self.region}")
            return
        self.bucket_new = True
        if not self.dry_run:
            arguments: dict[str, Any] = {"Bucket": bucket, "ObjectOwnership": OWNERSHIP}
            if self.region != "us-east-1":
                arguments["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
            self.s3.create_bucket(**arguments)
        self.add("bucket", "created", f"s3://{bucket} in {self.region}")

    def _setting(
        self, name: str, detail: str, *, in_place: Callable[[], bool], write: Callable[[], None]
    ) -> None:
        """A bucket setting: written on a new bucket; otherwise read, compared, and written if it differs."""
        if self.bucket_new:
            outcome: Outcome = "created"
        elif in_place():
            self.add(name, "unchanged", detail)
            return
        else:
            outcome = "updated"
        if not self.dry_run:
            write()
        self.add(name, outcome, detail)

    def _ownership(self) -> None:
        bucket = self.state.bucket

        def in_place() -> bool:
            controls = _absent_on(
                ("OwnershipControlsNotFoundError",),
                lambda: self.s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"],
            )
            rules = (controls or {}).get("Rules", [])
            return [rule.get("ObjectOwnership") for rule in rules] == [OWNERSHIP]

        self._setting(
            "object ownership",
            f"{OWNERSHIP} (ACLs disabled)",
            in_place=in_place,
            write=lambda: self.s3.put_bucket_ownership_controls(
                Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": OWNERSHIP}]}
            ),
        )

    def _public_access_block(self) -> None:
        bucket = self.state.bucket

        def in_place() -> bool:
            current = _absent_on(
                ("NoSuchPublicAccessBlockConfiguration",),
                lambda: self.s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
            )
            return bool(current == PUBLIC_ACCESS_BLOCK)

        self._setting(
            "public access block",
            "all four blocks on",
            in_place=in_place,
            write=lambda: self.s3.put_public_access_block(
                Bucket=bucket, PublicAccessBlockConfiguration=dict(PUBLIC_ACCESS_BLOCK)
            ),
        )

    def _versioning(self) -> None:
        bucket = self.state.bucket
        self._setting(
            "versioning",
            "Enabled",
            in_place=lambda: self.s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled",
            write=lambda: self.s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
            ),
        )

    def _encryption(self) -> None:
        bucket = self.state.bucket
        key_ids = {self.key_ref.arn} | {
            value for value in (self.key_arn, self.key_id, self.key_ref.alias_name) if value
        }

        def in_place() -> bool:
            configuration = _absent_on(
                ("ServerSideEncryptionConfigurationNotFoundError",),
                lambda: self.s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"],
            )
            return encryption_matches(configuration, key_ids)

        def write() -> None:
            default = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.key_arn}
            self.s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]
                },
            )

        key = self.key_arn or f"the new key {self.result.key}"
        self._setting(
            "default encryption", f"SSE-KMS with {key}, bucket key on", in_place=in_place, write=write
        )

    def _policy(self) -> None:
        bucket = self.state.bucket
        statement = tls_only_statement(bucket, self.key_ref.partition)
        merged: dict[str, str] = {}

        def in_place() -> bool:
            current = _absent_on(
                ("NoSuchBucketPolicy",), lambda: self.s3.get_bucket_policy(Bucket=bucket)["Policy"]
            )
            present, merged["policy"] = merge_policy(current, statement)
            return present

        def write() -> None:
            policy = merged.get("policy") or merge_policy(None, statement)[1]
            self.s3.put_bucket_policy(Bucket=bucket, Policy=policy)

        self._setting(
            "bucket policy",
            f"{TLS_STATEMENT_SID}: deny requests without TLS (aws:SecureTransport=false)",
            in_place=in_place,
            write=write,
        )

    def _lifecycle(self) -> None:
        bucket = self.state.bucket
        rule = lifecycle_rule(self.state.noncurrent_version_expiration_days)
        merged: dict[str, Any] = {}

        def in_place() -> bool:
            current = _absent_on(
                ("NoSuchLifecycleConfiguration",),
                lambda: self.s3.get_bucket_lifecycle_configuration(Bucket=bucket),
            )
            present, merged["rules"] = merge_lifecycle((current or {}).get("Rules"), rule)
            if current and current.get("TransitionDefaultMinimumObjectSize"):
                merged["size"] = current["TransitionDefaultMinimumObjectSize"]
            return present

        def write() -> None:
            arguments: dict[str, Any] = {
                "Bucket": bucket,
                "LifecycleConfiguration": {"Rules": merged.get("rules") or [rule]},
            }
            if "size" in merged:
                arguments["TransitionDefaultMinimumObjectSize"] = merged["size"]
            self.s3.put_bucket_lifecycle_configuration(**arguments)

        days = self.state.noncurrent_version_expiration_days
        self._setting(
            "lifecycle",
            f"{LIFECYCLE_RULE_ID}: noncurrent versions expire after {days} days, "
            f"incomplete uploads abort after {ABORT_INCOMPLETE_UPLOAD_DAYS} days",
            in_place=in_place,
            write=write,
        )


def bootstrap(aws: Aws, environment: Environment, *, dry_run: bool = False) -> BootstrapResult:
    return Bootstrap(aws, environment, dry_run=dry_run).run()
