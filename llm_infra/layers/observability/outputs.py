"""What the observability layer gives the layers after it (training grants remote write, inference sends its
alarms to the topic): one documented Terraform output of ``<env>-observability`` per field, named after it
(public API; see ``llm_infra.layers.outputs``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_infra.layers.outputs import Expression, described


@dataclass(frozen=True)
class ObservabilityOutputs:
    """The observability layer's outputs, by the names of its stack outputs (values are Terraform expressions)."""

    alarm_topic_arn: Expression = field(
        metadata=described("SNS topic (on kms_key_arn) that CloudWatch alarms and AMP alerts notify")
    )
    kms_key_arn: Expression = field(
        metadata=described("KMS key of the topic, log groups and the AMP workspace")
    )
    amp_workspace_arn: Expression = field(metadata=described("Amazon Managed Prometheus workspace ARN"))
    amp_workspace_id: Expression = field(metadata=described("Amazon Managed Prometheus workspace id"))
    amp_remote_write_url: Expression = field(
        metadata=described("Prometheus remote-write URL of the workspace (…/api/v1/remote_write)")
    )
