"""Bad input is one line per problem: strict scalars, bounded integers, finite floats, AWS tag limits, file encodings.

Each of these was accepted silently, coerced, or crashed with a traceback before the config used strict types.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from llm_infra.config import ConfigError, load_environments
from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.synth import run_main
from tests.unit.conftest import BASE, Loader

Problems = Callable[..., list[str]]

NET = 'vpc_cidr = "10.10.0.0/16"'
THROUGHPUT = "per_unit_storage_throughput = 125"


def only(lines: list[str]) -> str:
    assert len(lines) == 1, lines
    return lines[0]


def test_a_string_is_not_a_boolean(problems: Problems) -> None:
    line = only(problems(replace={NET: f'{NET}\nclosed_network = "no"'}))
    assert line.endswith(
        ": network.closed_network: [NET-019] not a boolean (got 'no'; allowed true or false)"
    )


def test_an_integer_is_not_a_boolean(problems: Problems) -> None:
    line = only(problems(append="\n[protection]\nprevent_destroy = 0\n"))
    assert line.endswith(": protection.prevent_destroy: not a boolean (got 0; allowed true or false)")


def test_a_string_is_not_an_integer(problems: Problems) -> None:
    line = only(problems(replace={"storage_capacity_gib = 1200": 'storage_capacity_gib = "1200"'}))
    assert line.endswith(
        ": storage.fsx.storage_capacity_gib: [FSX-008] not an integer (got '1200'; allowed an integer)"
    )


def test_a_boolean_is_not_an_integer(problems: Problems) -> None:
    line = only(problems(replace={THROUGHPUT: f"{THROUGHPUT}\nautomatic_backup_retention_days = true"}))
    assert ": storage.fsx.automatic_backup_retention_days: [FSX-022] not an integer (got True" in line


def test_a_float_is_not_an_integer(problems: Problems) -> None:
    line = only(problems(replace={"storage_capacity_gib = 1200": "storage_capacity_gib = 1200.0"}))
    assert ": storage.fsx.storage_capacity_gib: [FSX-008] not an integer (got 1200.0" in line


def test_an_integer_beyond_64_bits_gets_the_allowed_range(problems: Problems) -> None:
    huge = 2**70
    line = only(problems(replace={"storage_capacity_gib = 1200": f"storage_capacity_gib = {huge}"}))
    assert line.endswith(
        f": storage.fsx.storage_capacity_gib: [FSX-008] out of range (got {huge}; allowed <= 2147483647)"
    )


def test_an_integer_beyond_the_aws_limit_gets_the_allowed_range(problems: Problems) -> None:
    line = only(
        problems(
            replace={THROUGHPUT: f"{THROUGHPUT}\nmetadata = {{ mode = 'USER_PROVISIONED', iops = 204000 }}"}
        )
    )
    assert (
        ": storage.fsx.metadata.iops: [FSX-017] not a metadata IOPS value FSx accepts (got 204000; allowed "
        in line
    )
    assert "up to 192000)" in line


@pytest.mark.parametrize("value", ["inf", "-inf", "nan"])
def test_floats_must_be_finite(problems: Problems, value: str) -> None:
    line = only(
        problems(replace={"[storage.fsx]": f"[storage]\ncheckpoint_size_gib = {value}\n\n[storage.fsx]"})
    )
    assert ": storage.checkpoint_size_gib: [CFG-010] " in line
    assert "not a finite number" in line or "out of range" in line  # -inf also fails gt=0


def test_a_string_is_not_a_float(problems: Problems) -> None:
    line = only(
        problems(replace={"[storage.fsx]": '[storage]\ncheckpoint_size_gib = "100"\n\n[storage.fsx]'})
    )
    assert line.endswith(
        ": storage.checkpoint_size_gib: [CFG-010] not a number (got '100'; allowed a number)"
    )


def test_an_integer_is_a_float(load: Loader) -> None:
    env = load(replace={"[storage.fsx]": "[storage]\ncheckpoint_size_gib = 100\n\n[storage.fsx]"})
    assert env.storage is not None and env.storage.checkpoint_size_gib == 100.0


def test_checkpoint_must_fit_the_file_system(problems: Problems) -> None:
    line = only(problems(replace={"[storage.fsx]": "[storage]\ncheckpoint_size_gib = 5000\n\n[storage.fsx]"}))
    assert line.endswith(
        ": storage.checkpoint_size_gib: [CFG-010] larger than the file system (1200 GiB) (got 5000.0; allowed <= 1200)"
    )


def test_log_retention_0_never_expires(load: Loader) -> None:
    env = load(
        replace={
            THROUGHPUT: f"{THROUGHPUT}\nlog_retention_days = 0",
            NET: f"{NET}\nflow_logs_retention_days = 0",
        }
    )
    assert env.storage is not None and env.storage.fsx is not None
    assert env.storage.fsx.log_retention_days == 0 and env.network.flow_logs_retention_days == 0


def test_scratch_2_throughput_is_the_module_baseline(load: Loader) -> None:
    env = load(replace={THROUGHPUT: 'deployment_type = "SCRATCH_2"\ndata_repository_associations = {}'})
    assert env.storage is not None and env.storage.fsx is not None
    assert env.storage.fsx.aggregate_throughput_mbps == 1200 / 1024 * 200


@pytest.mark.parametrize(
    ("extra", "path", "message"),
    [
        ('"AWS:team" = "x"', "tags.extra.AWS:team", "[CFG-007] the aws: prefix is reserved for AWS"),
        (f'"{"k" * 129}" = "x"', f"tags.extra.{'k' * 129}", "[CFG-007] not a valid tag key"),
        ('"team#1" = "x"', "tags.extra.team#1", "[CFG-007] not a valid tag key"),
        ('team = "a#b"', "tags.extra.team", "[CFG-007] not a valid tag value"),
        (f'team = "{"v" * 257}"', "tags.extra.team", "[CFG-007] too long"),
        ('Project = "other"', "tags.extra.Project", "[CFG-008] collides with a tag the label sets"),
        ('ManagedBy = "me"', "tags.extra.ManagedBy", "[CFG-008] collides with a tag the label sets"),
    ],
)
def test_tag_limits(problems: Problems, extra: str, path: str, message: str) -> None:
    line = only(problems(append=f"\n[tags.extra]\n{extra}\n"))
    assert f": {path}: {message}" in line


def test_valid_unicode_tags_pass(load: Loader) -> None:
    env = load(append='\n[tags.extra]\n"team:ml/é" = "Équipe Données + 1 @ x=y"\n')
    assert env.tags.extra == {"team:ml/é": "Équipe Données + 1 @ x=y"}


def test_label_tag_values_follow_the_tag_limits(problems: Problems) -> None:
    line = only(problems(append="\n[tags]\nowner = 'ml;platform'\n"))
    assert ": tags.owner: [CFG-007] not a valid tag value (got 'ml;platform'; allowed letters" in line


def _files(directory: Path, **files: bytes) -> list[Path]:
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", directory / "_defaults.toml")
    paths = []
    for name, data in files.items():
        path = directory / f"{name}.toml"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _problems_of(paths: list[Path]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_environments(paths, paths[0].parent / "_defaults.toml")
    return list(caught.value.problems)


def test_unreadable_encodings_are_one_line_each_and_every_file_is_reported(tmp_path: Path) -> None:
    good = BASE.encode()
    paths = _files(
        tmp_path,
        bom=b"\xef\xbb\xbf" + good,
        latin=good.replace(b"cluster", "clüster".encode("latin-1")),
        binary=b"\x00\x01\x02PK\x03\x04",
        utf16=BASE.encode("utf-16"),
        bad=good.replace(b'account_id = "111111111111"', b'account_id = "1"'),
    )
    lines = _problems_of(paths)
    assert lines == [
        f"{paths[0]}: starts with a byte-order mark (allowed: UTF-8 without a byte-order mark)",
        f"{paths[1]}: not UTF-8 text: byte 0xfc at offset {good.index(b'cluster') + 2} cannot be decoded "
        "(allowed: UTF-8 without a byte-order mark)",
        f"{paths[2]}: not a text file: NUL byte at offset 0 (allowed: UTF-8 TOML text)",
        f"{paths[3]}: is UTF-16 or UTF-32 text (allowed: UTF-8 without a byte-order mark)",
        f"{paths[4]}: account_id: [CFG-012] not a 12-digit AWS account id (got '1'; allowed 12 digits)",
    ]


def test_a_broken_defaults_file_is_reported_with_the_other_files_problems(tmp_path: Path) -> None:
    paths = _files(tmp_path, dev=BASE.encode(), broken=b"[state")
    (tmp_path / "_defaults.toml").write_bytes(b"\xef\xbb\xbf" + (tmp_path / "_defaults.toml").read_bytes())
    lines = _problems_of(paths)
    assert (
        lines[0]
        == f"{tmp_path / '_defaults.toml'}: starts with a byte-order mark (allowed: UTF-8 without a byte-order mark)"
    )
    assert lines[1].startswith(f"{paths[1]}: TOML syntax error: ")
    assert len(lines) == 2


def test_cli_reports_every_bad_input_once_and_writes_nothing(tmp_path: Path) -> None:
    """The inputs that crashed (inf after the output was swapped in, undecodable bytes) now stop before any write."""
    outdir = tmp_path / "out"
    (outdir / "stacks" / "dev-network").mkdir(parents=True)
    marker = outdir / "stacks" / "dev-network" / "cdk.tf.json"
    marker.write_text("{}", encoding="utf-8")
    paths = _files(
        tmp_path,
        inf=BASE.replace("[storage.fsx]", "[storage]\ncheckpoint_size_gib = inf\n\n[storage.fsx]").encode(),
        latin=BASE.encode().replace(b"cluster", "clüster".encode("latin-1")),
        strict=BASE.replace(NET, f'{NET}\nclosed_network = "no"').encode(),
    )
    result = run_main(outdir, paths)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(
        f"{paths[0]}: storage.checkpoint_size_gib: [CFG-010] not a finite number (got inf"
    )
    assert lines[1].startswith(f"{paths[1]}: not UTF-8 text: ")
    assert lines[2].startswith(f"{paths[2]}: network.closed_network: [NET-019] not a boolean (got 'no'")
    assert lines[-1] == "3 problem(s) found; nothing was written."
    assert marker.read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in outdir.iterdir()) == ["stacks"]


def test_a_field_without_a_rule_does_not_borrow_its_tables_id(problems: Problems) -> None:
    # intelligent_tiering has no module rule of its own; it sits under storage.buckets, whose S3-003 means "at
    # least one bucket". The line used to read "[S3-003] not a boolean".
    line = only(problems(append='\n[storage.buckets.datasets]\nintelligent_tiering = "yes"\n'))
    assert line.endswith(
        ": storage.buckets.datasets.intelligent_tiering: not a boolean (got 'yes'; allowed true or false)"
    )


def test_a_mapping_value_keeps_its_fields_id(problems: Problems) -> None:
    # A bad CIDR under a private subnet's AZ ID is the value rule of network.private_subnets (NET-009).
    line = only(problems(replace={'usw2-az1 = "10.10.0.0/18"': 'usw2-az1 = "10.10.0.1/18"'}))
    assert ": network.private_subnets.usw2-az1: [NET-009] not a valid IPv4 network" in line
