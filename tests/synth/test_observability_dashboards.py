"""Every dashboard the observability stacks produce shows only metrics FACTS.md lists, with their dimensions, and
the README tables are what the code generates."""

from __future__ import annotations

import json
from typing import Any

from llm_infra.layers.observability.dashboards import fsx_widgets, nat_widgets
from llm_infra.layers.observability.readme import BEGIN, END, readme_section
from llm_infra.paths import PROJECT_ROOT
from tests.support.metric_facts import body_problems


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
    checked = 0
    for name, stack in stacks.items():
        if not name.endswith("-observability"):
            continue
        dashboards = stack["module"]["observability"]["dashboards"]
        assert set(dashboards) == {"fsx", "network"}, name
        for key, widgets in dashboards.items():
            assert body_problems(render(widgets)) == [], f"{name} {key}"
            checked += sum(len(w["metrics"]) for w in widgets)
    assert checked > 0


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
