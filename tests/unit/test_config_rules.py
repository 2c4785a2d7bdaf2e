"""Every config rule: the right dotted path, a message saying what is allowed, and what was given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.unit.conftest import Loader

Problems = Callable[..., list[str]]


def only(lines: list[str]) -> str:
    assert len(lines) == 1, lines
    return lines[0]


def test_base_environment_is_valid(load: Loader) -> None:
    env = load()
    assert env.name == "dev"
    assert env.network.az_ids == ("usw2-az1", "usw2-az2")
    # defaults merged under the file: tags come from _defaults.toml, the file's values win
    assert env.tags.project == "llm-infra"
    assert env.storage is not None and env.storage.fsx.deployment_type == "PERSISTENT_2"


def test_invalid_cidr(problems: Problems, tmp_path: Path) -> None:
    line = only(problems(replace={'vpc_cidr = "10.10.0.0/16"': 'vpc_cidr = "10.0.0.1/16"'}))
    assert line.startswith(f"{tmp_path / 'dev.toml'}: network.vpc_cidr: ")
    assert "[NET-007] not a valid IPv4 network in CIDR notation" in line and "host bits set" in line
    assert line.endswith("(got '10.0.0.1/16'; allowed e.g. '10.0.0.0/16')")


def test_not_a_cidr_at_all(problems: Problems) -> None:
    line = only(problems(replace={'vpc_cidr = "10.10.0.0/16"': 'vpc_cidr = "ten"'}))
    assert ": network.vpc_cidr: [NET-007] not a valid IPv4 network" in line and "(got 'ten'; allowed " in line


def test_subnet_outside_vpc(problems: Problems) -> None:
    line = only(problems(replace={'usw2-az2 = "10.10.64.0/18"': 'usw2-az2 = "10.11.64.0/18"'}))
    assert (
        ": network.private_subnets.usw2-az2: [NET-011] subnet is outside the VPC CIDR 10.10.0.0/16 (got '10.11.64.0/18')"
        in line
    )


def test_overlapping_subnets(problems: Problems) -> None:
    line = only(problems(replace={'usw2-az2 = "10.10.64.0/18"': 'usw2-az2 = "10.10.32.0/19"'}))
    assert (
        ": network.private_subnets.usw2-az2: [NET-012] overlaps network.private_subnets.usw2-az1 (10.10.0.0/18)"
        in line
    )
    assert line.endswith("(got '10.10.32.0/19')")


def test_unknown_key_suggests_the_right_one(problems: Problems) -> None:
    line = only(problems(append="\n[tags]\ncost_centre = 'cc-1'\n"))
    assert line.endswith(
        ": tags.cost_centre: unknown key; did you mean 'cost_center'? "
        "(got 'cc-1'; allowed cost_center, extra, owner, project)"
    )


def test_missing_required_key(problems: Problems, tmp_path: Path) -> None:
    line = only(problems(replace={'account_id = "111111111111"\n': ""}))
    assert line == f"{tmp_path / 'dev.toml'}: account_id: required key is missing"


def test_toml_syntax_error_names_the_line(problems: Problems, tmp_path: Path) -> None:
    line = only(problems(replace={'strategy = "cluster"': 'strategy = "cluster'}))
    assert line.startswith(f"{tmp_path / 'dev.toml'}: TOML syntax error: ")
    assert "(at line 13, column 20)" in line


def test_efa_for_instance_type_absent_from_table(problems: Problems) -> None:
    line = only(problems(replace={'instance_type = "p5e.48xlarge"': 'instance_type = "inf2.48xlarge"'}))
    assert (
        ": network.efa_launch_templates.gpu.instance_type: [NET-031] EFA requested for an instance type absent from "
        "the EFA table (got 'inf2.48xlarge'; allowed " in line
    )
    assert "p5e.48xlarge" in line and "trn2.48xlarge" in line  # the allowed list


def test_efa_with_sagemaker_name_gets_a_hint(problems: Problems) -> None:
    line = only(problems(replace={'instance_type = "p5e.48xlarge"': 'instance_type = "ml.p5e.48xlarge"'}))
    assert "(use the EC2 name, without 'ml.')" in line


def test_placement_group_must_be_defined(problems: Problems) -> None:
    line = only(problems(replace={'placement_group = "train"': 'placement_group = "trian"'}))
    assert (
        ": network.efa_launch_templates.gpu.placement_group: [NET-032] unknown placement group (got 'trian'; allowed train)"
        in line
    )


def test_bad_az_id(problems: Problems) -> None:
    line = only(problems(replace={'az_id = "usw2-az1"': 'az_id = "us-west-2a"'}))
    assert (
        ": storage.fsx.az_id: [CFG-004] not an AZ ID (got 'us-west-2a'; allowed an AZ ID such as 'usw2-az1')"
        in line
    )


def test_closed_network_rejects_nat_and_public_subnets(problems: Problems, tmp_path: Path) -> None:
    lines = problems(
        replace={'vpc_cidr = "10.10.0.0/16"': 'vpc_cidr = "10.10.0.0/16"\nclosed_network = true'}
    )
    assert len(lines) == 2, lines
    # the NAT mode comes from _defaults.toml: the message says so
    assert lines[0].startswith(
        f"{tmp_path / 'dev.toml'} (value from {tmp_path / '_defaults.toml'}): network.nat_gateway_mode: "
    )
    assert "[NET-019] a closed network has no NAT (got 'single'; allowed 'none')" in lines[0]
    assert ": network.public_subnets: [NET-019] a closed network has no public subnets" in lines[1]


def test_per_az_nat_needs_public_subnet_in_every_az(problems: Problems) -> None:
    line = only(
        problems(
            replace={
                'vpc_cidr = "10.10.0.0/16"': 'vpc_cidr = "10.10.0.0/16"\nnat_gateway_mode = "per_az"',
                'public_subnets = { usw2-az1 = "10.10.192.0/24", usw2-az2 = "10.10.193.0/24" }': 'public_subnets = { usw2-az1 = "10.10.192.0/24" }',
            }
        )
    )
    assert ": network.public_subnets: [NET-018] per_az NAT needs a public subnet in usw2-az2" in line


def test_nat_mode_enum(problems: Problems) -> None:
    line = only(
        problems(
            replace={'vpc_cidr = "10.10.0.0/16"': 'vpc_cidr = "10.10.0.0/16"\nnat_gateway_mode = "per-az"'}
        )
    )
    assert line.endswith(
        ": network.nat_gateway_mode: [NET-016] not one of the allowed values "
        "(got 'per-az'; allowed 'none', 'single' or 'per_az')"
    )


def test_flow_log_retention_must_be_a_cloudwatch_value(problems: Problems) -> None:
    line = only(
        problems(
            replace={'vpc_cidr = "10.10.0.0/16"': 'vpc_cidr = "10.10.0.0/16"\nflow_logs_retention_days = 100'}
        )
    )
    assert (
        ": network.flow_logs_retention_days: [NET-024] not a CloudWatch Logs retention (got 100; allowed 0, 1, 3, 5"
        in line
    )


def test_vpc_or_existing_vpc(problems: Problems) -> None:
    line = only(
        problems(
            replace={
                'vpc_cidr = "10.10.0.0/16"': 'vpc_cidr = "10.10.0.0/16"\nexisting_vpc_id = "vpc-0123456789abcdef0"'
            }
        )
    )
    assert ": network.existing_vpc_id: [CFG-001] set either vpc_cidr or existing_vpc_id, not both" in line


def test_bring_your_own_vpc_is_valid(load: Loader) -> None:
    env = load(
        replace={
            'vpc_cidr = "10.10.0.0/16"': 'existing_vpc_id = "vpc-0123456789abcdef0"\nexisting_private_subnet_ids = { usw2-az1 = "subnet-0123456789abcdef0", usw2-az2 = "subnet-0123456789abcdef1" }',
            'private_subnets = { usw2-az1 = "10.10.0.0/18", usw2-az2 = "10.10.64.0/18" }\n': "",
            'public_subnets = { usw2-az1 = "10.10.192.0/24", usw2-az2 = "10.10.193.0/24" }\n': "",
        }
    )
    assert not env.network.creates_vpc
    # two subnets: observability's Grafana VPC connection takes 2-6 (OBS-011)
    assert env.network.az_ids == ("usw2-az1", "usw2-az2")


def test_role_must_be_in_the_environment_account(problems: Problems) -> None:
    line = only(
        problems(
            replace={
                'account_id = "111111111111"': 'account_id = "111111111111"\nrole_arn = "arn:aws:iam::999999999999:role/deployer"'
            }
        )
    )
    assert (
        ": role_arn: [CFG-003] role is not in account 111111111111 (got 'arn:aws:iam::999999999999:role/deployer')"
        in line
    )


def test_account_id_shape(problems: Problems) -> None:
    line = only(problems(replace={'account_id = "111111111111"': 'account_id = "1111"'}))
    assert line.endswith(
        ": account_id: [CFG-012] not a 12-digit AWS account id (got '1111'; allowed 12 digits)"
    )


def test_environment_name_is_the_file_name(problems: Problems) -> None:
    lines = problems(name="Dev_1")
    assert any(": name: file name 'Dev_1' is not a valid environment name" in line for line in lines), lines


def test_all_problems_are_reported_together(problems: Problems) -> None:
    lines = problems(
        replace={
            'account_id = "111111111111"': 'account_id = "1"',
            'bucket = "llm-infra-tfstate-111111111111-us-west-2"': 'bucket = "Bad_Bucket"',
            "storage_capacity_gib = 1200": "storage_capacity_gib = 3000",
        }
    )
    assert [line.split(": ")[1] for line in lines] == [
        "account_id",
        "state.bucket",
        "storage.fsx.storage_capacity_gib",
    ]


def test_vpc_and_subnet_prefix_lengths(problems: Problems) -> None:
    lines = problems(
        replace={
            'vpc_cidr = "10.10.0.0/16"': 'vpc_cidr = "10.0.0.0/8"',
            'usw2-az1 = "10.10.0.0/18"': 'usw2-az1 = "10.0.0.0/29"',
            'usw2-az2 = "10.10.64.0/18"': 'usw2-az2 = "10.0.64.0/18"',
            'usw2-az1 = "10.10.192.0/24"': 'usw2-az1 = "10.0.192.0/24"',
            'usw2-az2 = "10.10.193.0/24"': 'usw2-az2 = "10.0.193.0/24"',
        }
    )
    assert any(
        ": network.vpc_cidr: [NET-007] prefix length out of range (got '10.0.0.0/8'; allowed /16 to /28)"
        in line
        for line in lines
    ), lines
    assert any(
        ": network.private_subnets.usw2-az1: [NET-009] subnet prefix length out of range "
        "(got '10.0.0.0/29'; allowed /16 to /28)" in line
        for line in lines
    ), lines
    assert len(lines) == 2, lines


def test_az_ids_must_belong_to_the_region(problems: Problems) -> None:
    lines = problems(
        replace={'account_id = "111111111111"': 'account_id = "111111111111"\nregion = "us-east-1"'}
    )
    assert any(
        ": network: [CFG-002] AZ ID usw2-az1 is not in region us-east-1 (got 'usw2-az1'; allowed use1-az<N>)"
        in line
        for line in lines
    ), lines


def test_bucket_names_fit_63_characters(problems: Problems) -> None:
    replicated = "\n[storage.replication]\nenabled = true\nregion = 'us-east-2'\n[storage.buckets.long-bucket-key-12345]\n"
    line = only(problems(append=replicated, name="development1"))
    name = "llm-development1-storage-111111111111-long-bucket-key-12345-replica"
    assert (
        f": storage.buckets.long-bucket-key-12345: [S3-007] bucket name {name} is {len(name)} characters "
        "(got 'long-bucket-key-12345'; allowed at most 63)" in line
    )


def test_partition_count_only_for_partition_strategy(problems: Problems) -> None:
    line = only(problems(replace={'strategy = "cluster"': 'strategy = "cluster"\npartition_count = 3'}))
    assert line.endswith(
        ": network.placement_groups.train.partition_count: [NET-028] only for strategy 'partition' "
        "(got 3; allowed unset)"
    )


def test_scratch_2_takes_no_throughput_or_metadata(load: Loader) -> None:
    env = load(
        replace={
            "storage_capacity_gib = 1200\nper_unit_storage_throughput = 125": 'deployment_type = "SCRATCH_2"\ndata_repository_associations = {}\nstorage_capacity_gib = 1200'
        }
    )
    assert env.storage is not None and env.storage.fsx is not None
    assert env.storage.fsx.per_unit_storage_throughput is None
    assert env.storage.fsx.metadata is None
    assert env.storage.fsx.data_repository_associations == {}  # an empty table replaces the default
    assert env.storage.fsx.aggregate_throughput_mbps == 1200 / 1024 * 200  # SCRATCH_2 baseline


def test_persistent_2_defaults(load: Loader) -> None:
    env = load(replace={"per_unit_storage_throughput = 125\n": ""})
    assert env.storage is not None and env.storage.fsx is not None
    assert env.storage.fsx.per_unit_storage_throughput == 250
    assert env.storage.fsx.metadata is not None and env.storage.fsx.metadata.mode == "AUTOMATIC"


def test_scratch_2_with_throughput_is_rejected(problems: Problems) -> None:
    line = only(
        problems(
            replace={
                "storage_capacity_gib = 1200": 'deployment_type = "SCRATCH_2"\ndata_repository_associations = {}\nstorage_capacity_gib = 1200'
            }
        )
    )
    assert (
        ": storage.fsx.per_unit_storage_throughput: [FSX-011] SCRATCH_2 takes no per-unit throughput "
        "(got 125; allowed unset)" in line
    )


def test_disabled_storage_needs_no_fsx_table(load: Loader) -> None:
    env = load(
        replace={
            '[storage.fsx]\naz_id = "usw2-az1"\nstorage_capacity_gib = 1200\nper_unit_storage_throughput = 125\n': "[storage]\nenabled = false\n"
        },
        append="\n[training]\nenabled = false\n",  # training requires storage (CFG-013)
    )
    assert env.storage is not None and not env.storage.enabled and env.storage.fsx is None


def test_enabled_storage_needs_its_az(problems: Problems) -> None:
    line = only(
        problems(
            replace={
                '[storage.fsx]\naz_id = "usw2-az1"\nstorage_capacity_gib = 1200\nper_unit_storage_throughput = 125\n': ""
            }
        )
    )
    assert line.endswith(": storage.fsx.az_id: required key is missing")
