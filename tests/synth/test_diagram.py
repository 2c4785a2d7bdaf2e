"""The picture per environment (llm_infra/diagram.py), written at synth next to the stacks."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from llm_infra import layers
from llm_infra.diagram import DIAGRAMS_FOLDER, dot_binary, write_diagrams
from llm_infra.docs import PICTURE, README, picture_section, section
from tests.support.synth import run_main

_EDGE = re.compile(r'^  (?P<source>\w+) -- "(?P<fields>[^"]+)" --> (?P<target>\w+)$', re.MULTILINE)
_NODE = re.compile(
    r'^    (?P<id>\w+)\["module\.(?P<construct>[\w-]+)<br/>modules/(?P<module>[\w-]+)"\]$', re.MULTILINE
)


def _mermaid(outdir: Path, environment: str) -> str:
    text = (outdir / DIAGRAMS_FOLDER / f"{environment}.md").read_text(encoding="utf-8")
    return text.split("```mermaid\n", 1)[1].split("```", 1)[0]


def _ident(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", name)


def test_every_environment_has_a_picture_of_its_stacks_modules_and_remote_state_reads(
    outdir: Path, stacks: dict[str, dict[str, Any]]
) -> None:
    environments = sorted({name.partition("-")[0] for name in stacks})
    assert sorted(p.stem for p in (outdir / DIAGRAMS_FOLDER).glob("*.md")) == environments
    for environment in environments:
        chart = _mermaid(outdir, environment)
        own = {name: doc for name, doc in stacks.items() if name.partition("-")[0] == environment}
        nodes = {(m["construct"], m["module"]) for m in _NODE.finditer(chart)}
        assert nodes == {
            (construct_id, block["source"].rsplit("/", 1)[-1])
            for doc in own.values()
            for construct_id, block in doc.get("module", {}).items()
        }
        edges = [(m["source"], m["fields"].split("<br/>"), m["target"]) for m in _EDGE.finditer(chart)]
        for name, doc in own.items():
            layer = layers.lookup(name.partition("-")[2])
            read = set(doc.get("data", {}).get("terraform_remote_state", {}))
            # Every producer a stack reads has an arrow into it (or into one of its modules), and arrows come
            # only from the layers it requires or uses; each field on an arrow is an output the producer has.
            into = [(s, f) for s, f, t in edges if t == _ident(name) or t.startswith(_ident(name) + "_")]
            assert {s.removeprefix(f"{environment}_") for s, _f in into} == read, name
            assert read <= set(layer.requires + layer.uses), name
            for source, fields in into:
                producer = stacks[f"{environment}-{source.removeprefix(f'{environment}_')}"]
                assert set(fields) <= set(producer.get("output", {})), (name, source)


def test_svg_only_with_dot_and_the_same_picture_either_way(outdir: Path, tmp_path: Path) -> None:
    without = shutil.copytree(outdir, tmp_path / "without")
    shutil.rmtree(without / DIAGRAMS_FOLDER)
    written = write_diagrams(without, None)
    assert sorted(p.suffix for p in written) == [".md"] * len(written)
    assert not list((without / DIAGRAMS_FOLDER).glob("*.svg"))
    dot = dot_binary()
    if dot is None:
        pytest.skip("no Graphviz dot (make test sets LLM_INFRA_DOT to the one `make tools` unpacks)")
    with_dot = shutil.copytree(without, tmp_path / "with")
    write_diagrams(with_dot, dot)
    for markdown in (without / DIAGRAMS_FOLDER).glob("*.md"):
        assert (with_dot / DIAGRAMS_FOLDER / markdown.name).read_text() == markdown.read_text()
        svg = ET.parse(with_dot / DIAGRAMS_FOLDER / f"{markdown.stem}.svg").getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        titles = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
        assert {f"{markdown.stem}-network"} <= titles, titles


def test_a_partial_synth_redraws_the_picture_from_all_the_stacks_and_a_failing_dot_writes_nothing(
    outdir: Path, tmp_path: Path
) -> None:
    partial = shutil.copytree(outdir, tmp_path / "out")
    (partial / DIAGRAMS_FOLDER / "prod.md").write_text("stale\n", encoding="utf-8")
    result = run_main(partial, args=["--env", "prod", "--layer", "network"])
    assert result.returncode == 0, result.stderr
    for environment in ("dev", "prod"):  # prod: its other stacks kept; dev: not synthesized, kept as a whole
        assert _mermaid(partial, environment) == _mermaid(outdir, environment)
    before = {p: p.read_bytes() for p in sorted(partial.rglob("*")) if p.is_file()}
    failed = run_main(partial, args=["--env", "dev"], extra_env={"LLM_INFRA_DOT": "false"})
    assert failed.returncode == 1 and "nothing was written" in failed.stderr, failed.stderr
    assert "false -Tsvg failed for dev" in failed.stderr
    assert {p: p.read_bytes() for p in sorted(partial.rglob("*")) if p.is_file()} == before


def test_the_readme_embeds_the_picture_of_the_shipped_prod_environment(outdir: Path) -> None:
    readme = README.read_text(encoding="utf-8")
    assert section(readme, PICTURE) == picture_section(outdir), (
        "README.md's prod picture is stale: make readme"
    )
    assert "prod_network --" in picture_section(outdir)  # the picture has arrows, not just boxes
