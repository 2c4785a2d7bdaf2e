"""Every dashboard the observability stacks produce shows only metrics FACTS.md lists, with their dimensions, and
the README tables are what the code generates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_infra.config import Environment, environment_files, load_environments
from llm_infra.config.loader import defaults_file_for
from llm_infra.layers.inference import LAYER as INFERENCE
from llm_infra.layers.observability.dashboards import fsx_widgets, nat_widgets
from llm_infra.layers.observability.readme import BEGIN, END, readme_section
from llm_infra.paths import ENVIRONMENTS_DIR, PROJECT_ROOT
from tests.support.metric_facts import body_problems


@pytest.fixture(scope="module")
def environments() -> dict[str, Environment]:
    files = environment_files(ENVIRONMENTS_DIR, None)
    return {env.name: env for env in load_environments(files, defaults_file_for(files, ENVIRONMENTS_DIR))}


def render(widgets: list[dict[str, Any]]) -> dict[str, Any]:
    """The body modules/cloudwatch-dashboard renders from its ``widgets`` input (the metric rows; layout aside):
    the module's tftest pins this form, the ladder checks the bodies terraform rendered."""
    out = []
    for widget in widgets:
        rows = []
        for metric in widget["metrics"]:
            options = {k: metric[k] for k in ("id", "label") if k in metric}
            if metric.get("expression"):
                rows.append([{"expression": metric["expression"], **options}])
            else:
                dims = [x for key in sorted(metric["dimensions"]) for x in (key, metric["dimensions"][key])]
                rows.append(
                    [metric["namespace"], metric["metric_name"], *dims, {"stat": metric["stat"], **options}]
                )
        out.append({"properties": {"title": widget["title"], "metrics": rows}})
    return {"widgets": out}


def test_every_synthesized_dashboard_shows_only_known_metrics(stacks: dict[str, dict[str, Any]]) -> None:
    """The observability stacks' dashboards and the inference stacks' endpoint dashboard."""
    checked: dict[str, int] = {"observability": 0, "inference": 0}
    for name, stack in stacks.items():
        if name.endswith("-observability"):
            dashboards = stack["module"]["observability"]["dashboards"]
            assert set(dashboards) == {"fsx", "network"}, name
        elif name.endswith("-inference"):
            dashboards = {"endpoints": stack["module"]["dashboard"]["widgets"]}
        else:
            continue
        for key, widgets in dashboards.items():
            assert body_problems(render(widgets)) == [], f"{name} {key}"
            checked[name.rsplit("-", 1)[1]] += sum(len(w["metrics"]) for w in widgets)
    assert all(checked.values()), checked


def test_the_endpoint_dashboard_shows_each_endpoint_with_its_instances_against_min_and_max(
    stacks: dict[str, dict[str, Any]], environments: dict[str, Environment]
) -> None:
    """Invocations, 4xx/5xx, model and overhead latency, and Invocations / InvocationsPerInstance against the
    configured min and max, for every endpoint of every inference stack."""
    for env in environments.values():
        inference = INFERENCE.config(env)
        if inference is None:
            continue
        widgets = stacks[f"{env.name}-inference"]["module"]["dashboard"]["widgets"]
        assert len(widgets) == 4 * len(inference.endpoints), env.name
        for key, endpoint in inference.endpoints.items():
            # the fleet module's endpoint name (attribute or index form)
            references = {
                f"${{module.fleet.endpoint_names.{key}}}",
                f'${{module.fleet.endpoint_names["{key}"]}}',
            }
            mine = [
                w
                for w in widgets
                if any(m.get("dimensions", {}).get("EndpointName") in references for m in w["metrics"])
            ]
            shown = {m["metric_name"] for w in mine for m in w["metrics"] if "metric_name" in m}
            assert shown == {
                "Invocations", "Invocation4XXErrors", "Invocation5XXErrors", "ModelLatency", "OverheadLatency",
                "InvocationsPerInstance",
            }, (env.name, key)  # fmt: skip
            (instances,) = [
                w
                for w in mine
                if any(m.get("expression") == "invocations / per_instance" for m in w["metrics"])
            ]
            ids = {m["metric_name"]: m["id"] for m in instances["metrics"] if "metric_name" in m}
            assert ids == {"Invocations": "invocations", "InvocationsPerInstance": "per_instance"}
            assert sorted(a["value"] for a in instances["horizontal_annotations"]) == [
                endpoint.min_instances, endpoint.max_instances
            ]  # fmt: skip


def test_the_checker_catches_a_wrong_metric_a_wrong_dimension_and_a_dangling_expression() -> None:
    (widget, *_rest) = [w for w in fsx_widgets(file_system_id="fs-1", capacity_gib=1200, baseline_mbps=1.0,
                                                free_alarm_percent=10)]  # fmt: skip
    good = render([widget.to_module()])
    assert body_problems(good) == []
    bad = json.loads(json.dumps(good))
    rows = bad["widgets"][0]["properties"]["metrics"]
    rows[0][1] = "ReadBytes"  # not an FSx metric
    rows[1][2] = "FileSystem"  # not its dimension
    rows[2][0]["expression"] = "nope / PERIOD(nope)"
    problems = body_problems(bad)
    assert len(problems) == 3, problems
    nat = render([w.to_module() for w in nat_widgets({"usw2-az1": "nat-1"})])
    assert body_problems(nat) == []
    nat["widgets"][0]["properties"]["metrics"][0][0] = "AWS/NAT"
    assert body_problems(nat) == [
        "NAT bytes out to destination / in from source: namespace AWS/NAT is not in FACTS.md"
    ]


def test_the_readme_tables_are_generated_from_the_dashboard_code() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert BEGIN in readme and END in readme, "README.md lacks the generated observability section markers"
    current = readme[readme.index(BEGIN) : readme.index(END) + len(END)]
    assert current == readme_section(), "README observability tables are stale: run `make readme-dashboards`"
