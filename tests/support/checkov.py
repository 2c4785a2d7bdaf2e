"""checkov from its own virtual environment (it pins an old boto3 and ships a conflicting `hcl2`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
POLICIES = ROOT / "policies"  # the project's custom checks (CKV_LLM_*), loaded into every scan
TIMEOUT_S = 600


def checkov_binary() -> str | None:
    configured = os.environ.get("LLM_INFRA_CHECKOV")
    if configured:
        return configured
    local = ROOT / ".venv-checkov" / "bin" / "checkov"
    return str(local) if local.exists() else shutil.which("checkov")


@dataclass(frozen=True)
class Result:
    passed: int
    failed: int
    skipped: int
    failures: list[tuple[str, str, str]]  # (check id, resource address, file)
    skips: list[dict[str, Any]]


def run_checkov(binary: str, args: list[str]) -> Result:
    """Run checkov offline and return its counts; failures are listed as `CHECK resource (file)`."""
    completed = subprocess.run(
        [
            binary,
            *args,
            "--external-checks-dir",
            str(POLICIES),
            "--skip-download",
            "--quiet",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
    )
    if completed.returncode not in (0, 1) or not completed.stdout.strip():
        raise AssertionError(f"checkov failed to run ({completed.returncode}): {completed.stderr[-3000:]}")
    reports = json.loads(completed.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    passed = failed = skipped = 0
    failures: list[tuple[str, str, str]] = []
    skips: list[dict[str, Any]] = []
    for report in reports:
        if "summary" not in report:  # "no files found" form
            continue
        summary = report["summary"]
        passed += summary["passed"]
        failed += summary["failed"]
        skipped += summary["skipped"]
        results = report.get("results", {})
        failures += [
            (c["check_id"], c["resource"], c.get("file_path", "")) for c in results.get("failed_checks", [])
        ]
        skips += results.get("skipped_checks", [])
    return Result(passed, failed, skipped, failures, skips)
