"""One case per config rule id: the bad input, the dotted path it is reported at, the id and the message.

``test_every_rule_id_has_a_case`` keeps the table complete: a new id in the config needs a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from pydantic import ValidationError

from llm_infra.layers.storage.config import StorageConfig
from tests.unit.test_rule_parity import python_rule_ids

Problems = Callable[..., list[str]]

NET = 'vpc_cidr = "10.10.0.0/16"'
PRIVATE = 'private_subnets = { usw2-az1 = "10.10.0.0/18", usw2-az2 = "10.10.64.0/18" }'
PUBLIC = 'public_subnets = { usw2-az1 = "10.10.192.0/24", usw2-az2 = "10.10.193.0/24" }'
THROUGHPUT = "per_unit_storage_throughput = 125"
FSX = "[storage.fsx]"


def net(extra: str) -> dict[str, str]:
    return {NET: f"{NET}\n{extra}"}


def fsx(extra: str) -> dict[str, str]:
    return {THROUGHPUT: f"{THROUGHPUT}\n{extra}"}


def storage(extra: str) -> dict[str, str]:
    return {FSX: f"[storage]\n{extra}\n\n{FSX}"}


def byo(subnets: str) -> dict[str, str]:
    return {
        NET: f'existing_vpc_id = "vpc-0123456789abcdef0"\n{subnets}',
        f"{PRIVATE}\n": "",
        f"{PUBLIC}\n": "",
    }


def obs(extra: str) -> str:
    return f"\n[observability]\n{extra}\n"


def saml(extra: str, role: str = "role_assertion = 'role'\neditor_role_values = ['grafana-editor']") -> str:
    """A SAML Grafana workspace's tables, with ``extra`` (and, unless replaced, the role attribute) in the saml one."""
    return (
        f"[observability.grafana]\nauthentication = ['SAML']\n\n[observability.grafana.saml]\n{role}\n{extra}"
    )


def scratch(extra: str = "") -> dict[str, str]:
    return {THROUGHPUT: f'deployment_type = "SCRATCH_2"\n{extra}'}


def inference(
    endpoint: str = "", table: str = "", *, bucket: str = "llm-dev-storage-111111111111-artifacts"
) -> str:
    """A valid [inference] table with one endpoint ``chat``, plus ``endpoint`` lines in the endpoint's table."""
    return (
        f"\n[inference]\n{table}\n[inference.endpoints.chat]\n"
        'container = { image = "111111111111.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1", '
        'framework = "lmi" }\n'
        f'model_data_url = "s3://{bucket}/models/m/model.tar.gz"\n'
        "parameters_billion = 3\n"
        "tensor_parallel_degree = 2\n"
        f"{endpoint}\n" + ("" if "instance_type" in endpoint else 'instance_type = "ml.inf2.xlarge"\n')
    )


INFERENCE_ONLY = {FSX: "[storage]\nenabled = false\n\n[storage.fsx]"}


def gpu(**fields: str) -> str:
    """A [training.groups.gpu] compute group appended to the file, with ``fields`` (TOML values) changed."""
    values = {
        "role": '"compute"',
        "instance_type": '"ml.p5en.48xlarge"',
        "az_id": '"usw2-az1"',
        "partition": '"gpu"',
        **fields,
    }
    return "\n[training.groups.gpu]\n" + "".join(f"{k} = {v}\n" for k, v in values.items() if v)


PLAN = '"arn:aws:sagemaker:us-west-2:111111111111:training-plan/llm-dev"'
CONTROLLER2 = (
    '\n[training.groups.c2]\nrole = "controller"\ninstance_type = "ml.m5.xlarge"\naz_id = "usw2-az1"\n'
)
MANY_TAGS = "\n[tags.extra]\n" + "".join(f'k{i} = "v"\n' for i in range(45))


@dataclass(frozen=True)
class Case:
    id: str
    path: str
    message: str
    replace: dict[str, str] = field(default_factory=dict)
    append: str = ""
    name: str = "dev"


NINE_DRAS = "".join(
    f"\n[storage.fsx.data_repository_associations.d{i}]\nfile_system_path = '/d{i}'\nbucket = 'datasets'\n"
    for i in range(7)
)

CASES = [
    Case("CFG-001", "network.existing_vpc_id", "set either vpc_cidr or existing_vpc_id, not both",
         net('existing_vpc_id = "vpc-0123456789abcdef0"')),
    Case("CFG-002", "network", "AZ ID usw2-az1 is not in region us-east-1",
         {'account_id = "111111111111"': 'account_id = "111111111111"\nregion = "us-east-1"'}),
    Case("CFG-003", "role_arn", "role is not in account 111111111111",
         {'account_id = "111111111111"': 'account_id = "111111111111"\nrole_arn = "arn:aws:iam::999999999999:role/x"'}),
    Case("CFG-014", "permissions_boundary_arn", "not an IAM policy ARN (got 'arn:aws:iam::111111111111:role/x'",
         {'account_id = "111111111111"': 'account_id = "111111111111"\npermissions_boundary_arn = "arn:aws:iam::111111111111:role/x"'}),
    Case("CFG-014", "permissions_boundary_arn", "policy is not in account 111111111111",
         {'account_id = "111111111111"': 'account_id = "111111111111"\npermissions_boundary_arn = "arn:aws:iam::999999999999:policy/b"'}),
    Case("CFG-004", "storage.fsx.az_id", "not one of the environment's AZ IDs (got 'usw2-az3'; allowed usw2-az1, usw2-az2)",
         {'az_id = "usw2-az1"': 'az_id = "usw2-az3"'}),
    Case("CFG-005", "storage.fsx.data_repository_associations.models.bucket", "unknown bucket (got 'models'; allowed",
         append="\n[storage.fsx.data_repository_associations.models]\nfile_system_path = '/models'\nbucket = 'models'\n"),
    Case("CFG-007", "tags.extra.aws:team", "the aws: prefix is reserved for AWS", append='\n[tags.extra]\n"aws:team" = "x"\n'),
    Case("CFG-008", "tags.extra.Environment", "collides with a tag the label sets (got 'Environment'; allowed any key but "
         "CostCenter, Environment, Layer, ManagedBy, Namespace, Owner, Project)",
         append='\n[tags.extra]\nEnvironment = "prod"\n'),
    Case("CFG-009", "state.noncurrent_version_expiration_days", "out of range (got 0; allowed >= 1)",
         {'[state]': "[state]\nnoncurrent_version_expiration_days = 0"}),
    Case("CFG-010", "storage.checkpoint_size_gib", "not a finite number (got inf; allowed a finite number)", storage("checkpoint_size_gib = inf")),
    Case("CFG-011", "storage.replication.region", "must differ from the home region us-west-2",
         append="\n[storage.replication]\nenabled = true\nregion = 'us-west-2'\n"),
    Case("CFG-012", "account_id", "not a 12-digit AWS account id (got '1111'; allowed 12 digits)",
         {'account_id = "111111111111"': 'account_id = "1111"'}),
    Case("FSX-007", "storage.fsx.deployment_type", "not one of the allowed values (got 'PERSISTENT_1'",
         fsx('deployment_type = "PERSISTENT_1"')),
    Case("FSX-008", "storage.fsx.storage_capacity_gib",
         "not an SSD capacity FSx accepts (got 3000; allowed 1200, 2400 or a multiple of 2400 GiB)",
         {"storage_capacity_gib = 1200": "storage_capacity_gib = 3000"}),
    Case("FSX-009", "storage.fsx.storage_capacity_gib", "comes in steps of 38400 GiB (got 1200; allowed a multiple of 38400)",
         fsx("efa_enabled = true")),
    Case("FSX-010", "storage.fsx.per_unit_storage_throughput",
         "not allowed for PERSISTENT_2 (got 300; allowed 125, 250, 500, 1000 MB/s/TiB)",
         {THROUGHPUT: "per_unit_storage_throughput = 300"}),
    Case("FSX-011", "storage.fsx.per_unit_storage_throughput", "SCRATCH_2 takes no per-unit throughput",
         {"storage_capacity_gib = 1200": 'deployment_type = "SCRATCH_2"\ndata_repository_associations = {}\n'
          "storage_capacity_gib = 1200"}),
    Case("FSX-014", "storage.fsx.data_compression", "not one of the allowed values (got 'GZIP'; allowed 'LZ4' or 'NONE')",
         fsx('data_compression = "GZIP"')),
    Case("FSX-015", "storage.fsx.metadata.mode", "not one of the allowed values (got 'AUTO'",
         fsx('metadata = { mode = "AUTO" }')),
    Case("FSX-016", "storage.fsx.metadata.iops", "USER_PROVISIONED needs iops", fsx('metadata = { mode = "USER_PROVISIONED" }')),
    Case("FSX-017", "storage.fsx.metadata.iops", "not a metadata IOPS value FSx accepts (got 5000; allowed 1500, 3000, "
         "6000 or a multiple of 12000 up to 192000)", fsx('metadata = { mode = "USER_PROVISIONED", iops = 5000 }')),
    Case("FSX-018", "storage.fsx.metadata", "a metadata configuration needs PERSISTENT_2",
         scratch('data_repository_associations = {}\nmetadata = { mode = "AUTOMATIC" }')),
    Case("FSX-019", "storage.fsx.metadata.iops", "below what AUTOMATIC mode provisions for 2400 GiB",
         {"storage_capacity_gib = 1200": "storage_capacity_gib = 2400",
          THROUGHPUT: f'{THROUGHPUT}\nmetadata = {{ mode = "USER_PROVISIONED", iops = 1500 }}'}),
    Case("FSX-020", "storage.fsx.efa_enabled", "EFA needs deployment_type 'PERSISTENT_2'",
         scratch("data_repository_associations = {}\nefa_enabled = true")),
    Case("FSX-022", "storage.fsx.automatic_backup_retention_days", "out of range (got 91; allowed <= 90)",
         fsx("automatic_backup_retention_days = 91")),
    Case("FSX-023", "storage.fsx.daily_backup_start_time", "invalid format (got '25:00'",
         fsx('daily_backup_start_time = "25:00"')),
    Case("FSX-024", "storage.fsx.weekly_maintenance_start_time", "invalid format (got '8:04:00'",
         fsx('weekly_maintenance_start_time = "8:04:00"')),
    Case("FSX-025", "storage.fsx.daily_backup_start_time",
         "the daily backup window starts at the same time as the weekly maintenance window (7:04:00) (got '04:00'",
         fsx('daily_backup_start_time = "04:00"')),
    Case("FSX-026", "storage.fsx.log_retention_days", "not a CloudWatch Logs retention (got 100; allowed 0, 1, 3",
         fsx("log_retention_days = 100")),
    Case("FSX-027", "storage.fsx.root_squash", "invalid format (got 'root'", fsx('root_squash = "root"')),
    Case("FSX-030", "storage.fsx.data_repository_associations", "data repository associations need PERSISTENT_2",
         scratch()),
    Case("FSX-031", "storage.fsx.data_repository_associations", "9 associations (got ['checkpoints', 'd0', ",
         append=NINE_DRAS),
    Case("FSX-032", "storage.fsx.data_repository_associations.Models", "not a valid key (got 'Models'",
         append="\n[storage.fsx.data_repository_associations.Models]\nfile_system_path = '/m'\nbucket = 'datasets'\n"),
    Case("FSX-033", "storage.fsx.data_repository_associations.datasets.file_system_path",
         "no trailing '/' (got '/datasets/'; allowed e.g. '/datasets')",
         append="\n[storage.fsx.data_repository_associations.datasets]\nfile_system_path = '/datasets/'\n"),
    Case("FSX-034", "storage.fsx.data_repository_associations.datasets.prefix", "invalid format (got 'raw'",
         append="\n[storage.fsx.data_repository_associations.datasets]\nprefix = 'raw'\n"),
    Case("FSX-036", "storage.fsx.data_repository_associations.datasets.import_events",
         "each event at most once (got ['NEW', 'NEW']",
         append="\n[storage.fsx.data_repository_associations.datasets]\nimport_events = ['NEW', 'NEW']\n"),
    Case("FSX-037", "storage.fsx.data_repository_associations.datasets.file_system_path",
         "overlaps data_repository_associations.checkpoints (/datasets/checkpoints) (got '/datasets'",
         append="\n[storage.fsx.data_repository_associations.checkpoints]\nfile_system_path = '/datasets/checkpoints'\n"),
    Case("NET-003", "network.existing_vpc_id", "not a VPC id (got 'vpc-xyz'",
         {**byo('existing_private_subnet_ids = { usw2-az1 = "subnet-0123456789abcdef0" }'),
          NET: 'existing_vpc_id = "vpc-xyz"\nexisting_private_subnet_ids = { usw2-az1 = "subnet-0123456789abcdef0" }'}),
    Case("NET-004", "network.existing_private_subnet_ids.usw2-az1", "not a subnet id (got 'sub-1'",
         byo('existing_private_subnet_ids = { usw2-az1 = "sub-1" }')),
    Case("NET-005", "network.existing_private_subnet_ids", "existing_vpc_id needs its private subnet ids", byo("")),
    Case("NET-006", "network.vpc_cidr", "set vpc_cidr (new VPC) or existing_vpc_id (bring your own)", {f"{NET}\n": ""}),
    Case("NET-007", "network.vpc_cidr", "prefix length out of range (got '10.0.0.0/8'; allowed /16 to /28)",
         {NET: 'vpc_cidr = "10.0.0.0/8"', PRIVATE: 'private_subnets = { usw2-az1 = "10.10.0.0/18", usw2-az2 = "10.10.64.0/18" }'}),
    Case("NET-008", "network.private_subnets.us-west-2a", "not an AZ ID (got 'us-west-2a'",
         {PRIVATE: 'private_subnets = { usw2-az1 = "10.10.0.0/18", us-west-2a = "10.10.64.0/18" }'}),
    Case("NET-009", "network.private_subnets.usw2-az2", "not a valid IPv4 network in CIDR notation",
         {PRIVATE: 'private_subnets = { usw2-az1 = "10.10.0.0/18", usw2-az2 = "10.10.64.1/18" }'}),
    Case("NET-010", "network.private_subnets", "a new VPC needs at least one private subnet",
         {PRIVATE: "private_subnets = {}"}),
    Case("NET-011", "network.private_subnets.usw2-az2", "subnet is outside the VPC CIDR 10.10.0.0/16",
         {PRIVATE: 'private_subnets = { usw2-az1 = "10.10.0.0/18", usw2-az2 = "10.11.64.0/18" }'}),
    Case("NET-012", "network.private_subnets.usw2-az2", "overlaps network.private_subnets.usw2-az1 (10.10.0.0/18)",
         {PRIVATE: 'private_subnets = { usw2-az1 = "10.10.0.0/18", usw2-az2 = "10.10.32.0/19" }'}),
    Case("NET-013", "network.private_subnets", "all AZ IDs must belong to one region",
         {PUBLIC: 'public_subnets = { usw2-az1 = "10.10.192.0/24", usw2-az2 = "10.10.193.0/24", use1-az1 = "10.10.194.0/24" }'}),
    Case("NET-014", "network.public_subnets.us-west-2a", "not an AZ ID (got 'us-west-2a'",
         {PUBLIC: 'public_subnets = { usw2-az1 = "10.10.192.0/24", us-west-2a = "10.10.193.0/24" }'}),
    Case("NET-015", "network.public_subnets.usw2-az2", "subnet prefix length out of range (got '10.10.0.0/29'",
         {PUBLIC: 'public_subnets = { usw2-az1 = "10.10.192.0/24", usw2-az2 = "10.10.0.0/29" }'}),
    Case("NET-016", "network.nat_gateway_mode", "not one of the allowed values (got 'per-az'",
         net('nat_gateway_mode = "per-az"')),
    Case("NET-017", "network.public_subnets", "a NAT gateway needs at least one public subnet",
         {PUBLIC: "public_subnets = {}"}),
    Case("NET-018", "network.public_subnets", "per_az NAT needs a public subnet in usw2-az2",
         {NET: f'{NET}\nnat_gateway_mode = "per_az"', PUBLIC: 'public_subnets = { usw2-az1 = "10.10.192.0/24" }'}),
    Case("NET-019", "network.public_subnets", "a closed network has no public subnets",
         net('closed_network = true\nnat_gateway_mode = "none"')),
    Case("NET-024", "network.flow_logs_retention_days", "not a CloudWatch Logs retention (got 100",
         net("flow_logs_retention_days = 100")),
    Case("NET-026", "network.placement_groups.Train", "not a valid key (got 'Train'",
         append="\n[network.placement_groups.Train]\n"),
    Case("NET-027", "network.placement_groups.train.strategy", "not one of the allowed values (got 'clustered'",
         {'strategy = "cluster"': 'strategy = "clustered"'}),
    Case("NET-028", "network.placement_groups.train.partition_count", "out of range (got 9; allowed <= 7)",
         {'strategy = "cluster"': 'strategy = "partition"\npartition_count = 9'}),
    Case("NET-030", "network.efa_launch_templates.GPU", "not a valid key (got 'GPU'",
         append="\n[network.efa_launch_templates.GPU]\ninstance_type = 'p5.48xlarge'\n"),
    Case("NET-031", "network.efa_launch_templates.gpu.instance_type", "EFA requested for an instance type absent",
         {'instance_type = "p5e.48xlarge"': 'instance_type = "inf2.48xlarge"'}),
    Case("NET-032", "network.efa_launch_templates.gpu.placement_group", "unknown placement group (got 'trian'",
         {'placement_group = "train"': 'placement_group = "trian"'}),
    Case("NET-033", "network.efa_launch_templates.gpu.image_id", "invalid format (got 'ami-xyz'",
         {'placement_group = "train"': 'placement_group = "train"\nimage_id = "ami-xyz"'}),
    Case("NET-034", "network.efa_launch_templates.gpu.root_volume_size_gb", "out of range (got 4; allowed >= 8)",
         {'placement_group = "train"': 'placement_group = "train"\nroot_volume_size_gb = 4'}),
    Case("S3-002", "namespace", "bucket names would start with 'sthree-', which S3 reserves",
         {'account_id = "111111111111"': 'account_id = "111111111111"\nnamespace = "sthree"'}),
    Case("S3-003", "storage.buckets", "at least one data bucket", storage("buckets = {}")),
    Case("S3-004", "storage.buckets.Data", "not a valid key (got 'Data'", append="\n[storage.buckets.Data]\n"),
    Case("S3-005", "storage.buckets.access-logs", "reserved for the access-log and replica buckets",
         append="\n[storage.buckets.access-logs]\n"),
    Case("S3-006", "storage.buckets.abcdefghijklmnopqrstuvwx", "is 69 characters (got 'abcdefghijklmnopqrstuvwx'; "
         "allowed at most 63)",
         {'account_id = "111111111111"': 'account_id = "111111111111"\nnamespace = "abcdefghij"'},
         append="\n[storage.buckets.abcdefghijklmnopqrstuvwx]\n", name="development1"),
    Case("S3-007", "storage.buckets.long-bucket-key-12345", "-replica is 67 characters",
         append="\n[storage.replication]\nenabled = true\nregion = 'us-east-2'\n[storage.buckets.long-bucket-key-12345]\n",
         name="development1"),
    Case("S3-008", "storage.buckets.data-s3alias", "ends with '-s3alias', which S3 reserves",
         append="\n[storage.buckets.data-s3alias]\n"),
    Case("S3-009", "storage.buckets.artifacts.noncurrent_version_expiration_days", "out of range (got 0; allowed >= 1)",
         append="\n[storage.buckets.artifacts]\nnoncurrent_version_expiration_days = 0\n"),
    Case("S3-013", "storage.replication.region", "replication needs a destination region",
         append="\n[storage.replication]\nenabled = true\n"),
    Case("TRN-001", "training.groups.gpu.instance_type", "not an instance type HyperPod accepts",
         append=gpu(instance_type='"ml.p9.48xlarge"')),
    Case("TRN-002", "training.groups.gpu.count", "instance count out of range", append=gpu(count="6759")),
    Case("TRN-003", "training.groups.-bad", "not an instance group name",
         append=gpu().replace("groups.gpu]", 'groups."-bad"]')),
    Case("TRN-004", "training.groups.gpu.partition", "not a partition name", append=gpu(partition='"-bad"')),
    Case("TRN-005", "training.groups.gpu.threads_per_core", "threads per core out of range",
         append=gpu(threads_per_core="3")),
    Case("TRN-006", "training.groups", "exactly one controller group", append=CONTROLLER2),
    Case("TRN-007", "training.groups.gpu.ebs_volume_size_gb", "EBS volume size (GB) out of range",
         append=gpu(ebs_volume_size_gb="16385")),
    Case("TRN-008", "training.groups.gpu.training_plan_arn", "not a training plan ARN",
         append=gpu(training_plan_arn='"arn:aws:sagemaker:us-west-2:1:plan/x"')),
    Case("TRN-009", "training.groups.gpu.instance_type", "a multi-node compute group needs an EFA-capable type",
         append=gpu(instance_type='"ml.m5.xlarge"', count="2")),
    Case("TRN-010", "training.groups.gpu.role", "controller", append=gpu(role='"boss"')),
    Case("TRN-011", "training.groups.gpu.deep_health_checks", "unknown deep health check 'Nope'",
         append=gpu(deep_health_checks='["Nope"]')),
    Case("TRN-012", "training.groups.gpu.partition", "a compute group needs its partition",
         append=gpu(partition="")),
    Case("TRN-014", "training.ebs_kms_key_arn", "a customer EBS key is not supported on a Slurm cluster",
         append='\n[training]\nebs_kms_key_arn = "arn:aws:kms:us-west-2:111111111111:key/abc"\n'),
    Case("TRN-015", "training.groups.gpu.az_id", "not one of the environment's AZ IDs",
         append=gpu(az_id='"usw2-az3"')),
    Case("TRN-017", "training.node_recovery", "Automatic", append='\n[training]\nnode_recovery = "Sometimes"\n'),
    Case("TRN-018", "training.groups.gpu.spot", "spot capacity and a training plan are mutually exclusive",
         append=gpu(spot="true", training_plan_arn=PLAN)),
    Case("TRN-019", "tags.extra", "the HyperPod cluster would get 53 tags", append=MANY_TAGS),
    Case("TRN-020", "training.read_buckets", "not a bucket of the storage layer (got 'nope'",
         append='\n[training]\nread_buckets = ["nope"]\n'),
    Case("TRN-021", "training.enabled", "storage.fsx_enabled = false turns off",
         {"[storage.fsx]\n": "[storage]\nfsx_enabled = false\n\n[storage.fsx]\n"}),
    Case("HPP-002", "namespace", "is 55 characters",
         {'account_id = "111111111111"': 'namespace = "abcdefghij"\naccount_id = "111111111111"'},
         name="abcdefghijkl"),
    Case("HPP-007", "training.users.0.name", "", append='\n[[training.users]]\nname = "Bad"\nuid = 2001\n'),
    Case("HPP-008", "training.users.0.uid", "", append='\n[[training.users]]\nname = "bob"\nuid = 100\n'),
    Case("S3-014", "storage.replication.region", "not an AWS region (got 'mars'",
         append="\n[storage.replication]\nenabled = true\nregion = 'mars'\n"),
    Case("INF-001", "inference", "endpoint names start with abcdefghij-development1-inf, 27 characters",
         {'account_id = "111111111111"': 'account_id = "111111111111"\nnamespace = "abcdefghij"'},
         append=inference(bucket="abcdefghij-development1-storage-111111111111-artifacts"), name="development1"),
    Case("INF-002", "inference.endpoints.a-very-long-endpoint-key-name", "name_prefix llm-dev-inf-a-very-long-endpoint-key-name- "
         "is 42 characters", append=inference().replace("endpoints.chat", "endpoints.a-very-long-endpoint-key-name")),
    Case("INF-003", "inference.endpoints.chat.instance_type", "not an Inferentia2 type",
         append=inference('instance_type = "ml.g5.xlarge"')),
    Case("INF-004", "inference.endpoints.chat.tensor_parallel_degree", "must divide the 24 NeuronCores of ml.inf2.48xlarge "
         "(got 5; allowed 1, 2, 3, 4, 6, 8, 12, 24)",
         append=inference('instance_type = "ml.inf2.48xlarge"').replace("tensor_parallel_degree = 2", "tensor_parallel_degree = 5")),
    Case("INF-005", "inference.endpoints.chat.min_instances", "needs 1 <= min_instances <= max_instances",
         append=inference("min_instances = 0")),
    Case("INF-006", "inference.endpoints.chat.container_startup_health_check_timeout_in_seconds", "out of range",
         append=inference("container_startup_health_check_timeout_in_seconds = 7200")),
    Case("INF-007", "inference.endpoints.chat.rollout.type", "CANARY", append=inference('rollout = { type = "SHADOW" }')),
    Case("INF-008", "inference.endpoints.chat.rollout.size_percent", "out of range for LINEAR (got 5; allowed 10-50)",
         append=inference('rollout = { type = "LINEAR", size_percent = 5 }')),
    Case("INF-009", "inference.endpoints.chat.rollout.maximum_execution_timeout_in_seconds", "out of range (got 7200; "
         "allowed <= 3600)", append=inference('rollout = { maximum_execution_timeout_in_seconds = 7200 }')),
    Case("INF-010", "inference.endpoints.chat.target_value", "out of range", append=inference("target_value = 0")),
    Case("INF-011", "inference.endpoints.chat.volume_size_in_gb", "out of range", append=inference("volume_size_in_gb = 1024")),
    Case("INF-016", "inference.endpoints.chat.parameters_billion", "70B bf16 = 130 GiB of weights does not fit 2 cores x 16 GiB",
         append=inference().replace("parameters_billion = 3", "parameters_billion = 70")),
    Case("INF-017", "inference.endpoints.chat.container.environment.OPTION_TENSOR_PARALLEL_DEGREE",
         "differs from tensor_parallel_degree (got '4'; allowed 2)",
         append=inference().replace('framework = "lmi" }', 'framework = "lmi", environment = { OPTION_TENSOR_PARALLEL_DEGREE = "4" } }')),
    Case("INF-018", "inference.endpoints.chat.min_instances", "below the environment's floor of instances (got 1; allowed at least 2",
         append=inference(table="min_instances_floor = 2")),
    Case("INF-019", "inference.model_bucket", "not a bucket of the storage layer (got 'models'; allowed artifacts, checkpoints, datasets)",
         append=inference(table='model_bucket = "models"')),
    Case("INF-020", "inference.endpoints.chat.model_data_url", "not in the model bucket",
         append=inference(bucket="someone-elses-bucket")),
    Case("CFG-013", "inference.enabled", "requires layer storage, which is disabled in this environment",
         INFERENCE_ONLY, append=inference()),
    Case("OBS-002", "observability.retention_days", "not a CloudWatch Logs retention (got 10;", append=obs("retention_days = 10")),
    Case("OBS-003", "observability.retention_days", "below this environment's min_retention_days (365) (got 30;",
         append=obs("min_retention_days = 365")),
    Case("OBS-004", "observability.amp_alias", "(got '';", append=obs('amp_alias = ""')),
    Case("OBS-005", "observability.subscriptions.0.protocol", "not one of the allowed values (got 'sms'",
         append=obs('subscriptions = [{ protocol = "sms", endpoint = "+15555550100" }]')),
    Case("OBS-006", "observability.subscriptions.0.endpoint", "not a valid https endpoint (got 'http://hooks.example.com'",
         append=obs('subscriptions = [{ protocol = "https", endpoint = "http://hooks.example.com" }]')),
    Case("OBS-008", "observability.grafana.authentication", "one or more distinct authentication providers AMG offers "
         "(got ['OIDC']; allowed AWS_SSO, SAML)",
         append=obs("[observability.grafana]\nauthentication = ['OIDC']")),
    Case("OBS-009", "observability.grafana.version", "not a Grafana version AMG offers (got '11.0'",
         append=obs("[observability.grafana]\nversion = '11.0'")),
    Case("OBS-010", "observability.grafana.admins.group_ids", "not user or group ids: 'ml platform'",
         append=obs("[observability.grafana.admins]\ngroup_ids = ['ml platform']")),
    Case("OBS-011", "observability.grafana.vpc", "Grafana's VPC connection needs 2-6 subnets; the network has 1",
         byo('existing_private_subnet_ids = { usw2-az1 = "subnet-0123456789abcdef0" }')),
    Case("OBS-012", "observability.grafana.security_group_ids", "(got ",
         append=obs("[observability.grafana]\nsecurity_group_ids = ['sg-00000001', 'sg-00000002', 'sg-00000003', "
                    "'sg-00000004', 'sg-00000005']")),
    Case("OBS-013", "observability.grafana.vpc", "needs the VPC or network access control",
         append=obs("[observability.grafana]\nvpc = false")),
    Case("OBS-019", "observability.grafana.saml", "a SAML workspace needs [observability.grafana.saml]",
         append=obs("[observability.grafana]\nauthentication = ['SAML']")),
    Case("OBS-020", "observability.grafana.saml.idp_metadata_url", "not an https URL",
         append=obs(saml("idp_metadata_url = 'http://idp.example.com/metadata'"))),
    Case("OBS-021", "observability.grafana.saml.editor_role_values",
         "a SAML workspace needs role_assertion and at least one editor role value",
         append=obs(saml("idp_metadata_xml = '<EntityDescriptor/>'", role=""))),
    Case("OBS-022", "observability.grafana.saml.allowed_organizations", "allowed_organizations needs org_assertion",
         append=obs(saml("idp_metadata_xml = '<EntityDescriptor/>'\nallowed_organizations = ['ml']"))),
    Case("OBS-023", "observability.grafana.saml.login_validity_minutes", "(got 0;",
         append=obs(saml("idp_metadata_xml = '<EntityDescriptor/>'\nlogin_validity_minutes = 0"))),
    Case("OBS-014", "observability.alarms.fsx_free_capacity_percent", "out of range (got 100; allowed <= 99)",
         append=obs("[observability.alarms]\nfsx_free_capacity_percent = 100")),
    Case("OBS-015", "observability.budget.amount_usd", "(got 0;", append=obs("budget = { amount_usd = 0 }")),
    Case("OBS-016", "observability.budget.time_unit", "not one of the allowed values (got 'WEEKLY'",
         append=obs("budget = { amount_usd = 10, time_unit = 'WEEKLY' }")),
    Case("OBS-017", "observability.budget.alert_thresholds_percent", "each threshold at most once",
         append=obs("budget = { amount_usd = 10, alert_thresholds_percent = [80, 80] }")),
    Case("OBS-018", "observability.fsx", "the FSx alarm and dashboard need the storage layer's file system",
         append="\n[storage]\nenabled = false\n" + obs("fsx = true")),
    Case("OBS-101", "observability.node_alerts.node_down_for", "not a Prometheus duration up to 24h (got '5x'",
         append=obs("[observability.node_alerts]\nnode_down_for = '5x'")),
    Case("OBS-102", "observability.node_alerts.xid_for", "not a Prometheus duration up to 24h (got '25h'",
         append=obs("[observability.node_alerts]\nxid_for = '25h'")),
    Case("OBS-103", "observability.node_alerts.xid_ignored_codes", "(got 5; allowed an array)",
         append=obs("[observability.node_alerts]\nxid_ignored_codes = 5")),
    Case("OBS-104", "observability.node_alerts.gpu_temperature_celsius", "out of range (got 120; allowed <= 110)",
         append=obs("[observability.node_alerts]\ngpu_temperature_celsius = 120")),
    Case("OBS-105", "observability.node_alerts.gpu_temperature_for", "not a Prometheus duration",
         append=obs("[observability.node_alerts]\ngpu_temperature_for = 'ten'")),
    Case("OBS-106", "observability.node_alerts.efa_errors", "out of range (got -1; allowed >= 0)",
         append=obs("[observability.node_alerts]\nefa_errors = -1")),
    Case("OBS-107", "observability.node_alerts.efa_window", "a rate window must be longer than zero",
         append=obs("[observability.node_alerts]\nefa_window = '0s'")),
    Case("OBS-108", "observability.node_alerts.efa_for", "not a Prometheus duration",
         append=obs("[observability.node_alerts]\nefa_for = '5 m'")),
    Case("OBS-109", "observability.node_alerts.slurm_unavailable_nodes", "out of range (got -1; allowed >= 0)",
         append=obs("[observability.node_alerts]\nslurm_unavailable_nodes = -1")),
    Case("OBS-110", "observability.node_alerts.slurm_for", "not a Prometheus duration",
         append=obs("[observability.node_alerts]\nslurm_for = '1d'")),
    Case("OBS-111", "observability.node_alerts.neuron_execution_errors", "out of range (got -1; allowed >= 0)",
         append=obs("[observability.node_alerts]\nneuron_execution_errors = -1")),
    Case("OBS-112", "observability.node_alerts.neuron_window", "a rate window must be longer than zero",
         append=obs("[observability.node_alerts]\nneuron_window = '0m'")),
    Case("OBS-113", "observability.node_alerts.neuron_for", "not a Prometheus duration",
         append=obs("[observability.node_alerts]\nneuron_for = '-5m'")),
    Case("OBS-114", "observability.node_alerts.root_disk_free_percent", "out of range (got 60; allowed <= 50)",
         append=obs("[observability.node_alerts]\nroot_disk_free_percent = 60")),
    Case("OBS-115", "observability.node_alerts.root_disk_for", "not a Prometheus duration",
         append=obs("[observability.node_alerts]\nroot_disk_for = '15'")),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule(case: Case, problems: Problems) -> None:
    lines = problems(replace=case.replace, append=case.append, name=case.name)
    expected = f": {case.path}: [{case.id}] "
    matching = [line for line in lines if expected in line]
    assert matching, lines
    assert any(case.message in line for line in matching), matching


def test_storage_without_its_fsx_table() -> None:
    """CFG-006 cannot be reached through the shipped defaults (they hold [storage.fsx]): check the model."""
    with pytest.raises(ValidationError) as caught:
        StorageConfig.model_validate({"enabled": True})
    (problem,) = caught.value.errors()[0]["ctx"]["problems"]
    assert (problem["id"], problem["path"]) == ("CFG-006", "fsx")
    assert (
        problem["message"]
        == "an enabled storage layer needs its [storage.fsx] table (or fsx_enabled = false)"
    )


def test_every_rule_id_has_a_case() -> None:
    # TRN-016 (accelerated groups in the AZ of an EFA file system) needs an EFA file system, which the unit base
    # lacks: tests/unit/test_training_config.py checks it on training_rules.
    covered = {case.id for case in CASES} | {"CFG-006", "TRN-016"}
    assert python_rule_ids() - covered == set()
