"""Names the training and hyperpod stacks share, derived from the label (pure: the config rules check them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.label import Label

if TYPE_CHECKING:
    from llm_infra.config import Environment

# modules/hyperpod-prerequisites `bucket_name` (HPP-002): `sagemaker-` + 3-39 more characters, the module appends
# `-lifecycle` (S3 bucket names are at most 63 characters).
LIFECYCLE_BUCKET_PREFIX_MAX = 49
# modules/hyperpod-cluster/body `tags` (TRN-019): SageMaker takes at most 50 tags on a cluster.
CLUSTER_TAGS_MAX = 50
# The lifecycle entry points under lifecycle_source_s3_uri (modules/hyperpod-prerequisites/lifecycle/).
ON_CREATE = "on_create.sh"
ON_INIT_COMPLETE = "on_init_complete.sh"
# The cluster tag modules/hyperpod-prerequisites scopes researchers' SSM StartSession with (its ssm_access policy).
CLUSTER_NAME_TAG = "hyperpod-cluster-name"
# Where every node mounts the storage layer's file system.
FSX_MOUNT_PATH = "/fsx"


def cluster_name(environment: Environment) -> str:
    """``<namespace>-<environment>-training``: at most 10 + 1 + 12 + 9 = 32 characters of lowercase letters,
    digits and hyphens, so always a valid cluster name (TRN-101). Stable: a new name replaces the cluster."""
    return Label.for_layer(environment, "training").prefix


def lifecycle_bucket_prefix(environment: Environment) -> str:
    """``sagemaker-<namespace>-<environment>-training-<account>``: the lifecycle bucket's prefix (the managed
    policy and the CreateCluster API expect the ``sagemaker-`` start)."""
    return "sagemaker-" + Label.for_layer(environment, "training").scoped(environment.account_id)


def cluster_tags(environment: Environment) -> dict[str, str]:
    """The cluster's tags (awscc has no default_tags): the hyperpod label's, plus the name tag the SSM access
    policy of the training stack matches."""
    return {**Label.for_layer(environment, "hyperpod").tags, CLUSTER_NAME_TAG: cluster_name(environment)}
