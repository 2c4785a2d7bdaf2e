"""Module READMEs are generated (llm_infra/module_docs.py, `make docs`): a stale README fails here, and the check
is shown to catch a change (a variable added to a copy of a module makes its README stale, the regenerated table
names it, and the prose outside the markers is kept)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llm_infra import __version__, module_docs
from llm_infra.paths import MODULES_DIR, PROJECT_ROOT
from tests.support.hcl import module_variables


def test_every_module_readme_is_up_to_date() -> None:
    stale = module_docs.stale_readmes()
    assert not stale, "run `make docs`; stale: " + ", ".join(str(p.relative_to(PROJECT_ROOT)) for p in stale)


def test_every_module_is_documented() -> None:
    documented = {path.name for path in module_docs.module_dirs()}
    assert documented == {path.parent.name for path in MODULES_DIR.glob("*/versions.tf")}
    assert len(documented) >= 9


@pytest.mark.parametrize("module_dir", module_docs.module_dirs(), ids=lambda p: p.name)
def test_readme_tables_list_every_variable_and_output_of_the_module(module_dir: Path) -> None:
    """The generated section against the module read independently (tests/support/hcl.py)."""
    text = (module_dir / "README.md").read_text(encoding="utf-8")
    section = text[text.index(module_docs.BEGIN) : text.index(module_docs.END)]
    inputs = section[section.index("## Inputs") : section.index("## Outputs")]
    rows = {
        line.split("|")[1].strip().strip("`"): line for line in inputs.splitlines() if line.startswith("| `")
    }
    variables = module_variables(module_dir)
    assert set(rows) == set(variables)
    for name, variable in variables.items():
        assert rows[name].rstrip().endswith("| yes |" if variable.required else "| no |"), rows[name]
    assert f"`{__version__}`" in section and f"?ref=v{__version__}" in section
    # the usage snippet is the minimal example, verbatim
    minimal = (module_dir / "examples" / "minimal" / "main.tf").read_text(encoding="utf-8")
    assert f"<!-- BEGIN_EXAMPLE examples/minimal -->\n```hcl\n{minimal.rstrip()}\n```" in text


def _copy(tmp_path: Path, module: str) -> Path:
    target = tmp_path / "modules"
    shutil.copytree(MODULES_DIR / module, target / module, ignore=shutil.ignore_patterns(".terraform*"))
    return target


def test_a_new_variable_makes_the_readme_stale_and_regenerating_documents_it(tmp_path: Path) -> None:
    modules = _copy(tmp_path, "kms-key")
    assert module_docs.stale_readmes(modules) == {}
    with (modules / "kms-key" / "variables.tf").open("a", encoding="utf-8") as handle:
        handle.write(
            '\nvariable "docs_probe" {\n  description = "Probe: a | pipe and `code`."\n  type        = number\n'
            "  default     = 7\n}\n"
        )
    stale = module_docs.stale_readmes(modules)
    readme = modules / "kms-key" / "README.md"
    assert list(stale) == [readme]
    assert "| `docs_probe` | Probe: a \\| pipe and `code`. | `number` | `7` | no |" in stale[readme]
    before = readme.read_text(encoding="utf-8")
    assert module_docs.main(["--write", "--modules-dir", str(modules)]) == 0
    after = readme.read_text(encoding="utf-8")
    assert after == stale[readme] and "docs_probe" in after
    # the hand-written prose before the first generated section is kept as it was
    assert after[: after.index("<!-- BEGIN_EXAMPLE")] == before[: before.index("<!-- BEGIN_EXAMPLE")]
    assert module_docs.main(["--modules-dir", str(modules)]) == 0


def test_a_changed_example_makes_the_readme_stale(tmp_path: Path) -> None:
    modules = _copy(tmp_path, "kms-key")
    example = modules / "kms-key" / "examples" / "minimal" / "main.tf"
    example.write_text(example.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    stale = module_docs.stale_readmes(modules)
    assert "# changed\n```\n<!-- END_EXAMPLE -->" in stale[modules / "kms-key" / "README.md"]


def test_a_new_output_and_another_version_make_the_readme_stale(tmp_path: Path) -> None:
    modules = _copy(tmp_path, "kms-key")
    assert module_docs.stale_readmes(modules, version="9.9.9")
    with (modules / "kms-key" / "outputs.tf").open("a", encoding="utf-8") as handle:
        handle.write('\noutput "docs_probe" {\n  description = "Probe output."\n  value       = 1\n}\n')
    (text,) = module_docs.stale_readmes(modules).values()
    assert "| `docs_probe` | Probe output. |" in text


def test_check_exits_1_naming_the_stale_readme_and_2_on_a_readme_without_markers(tmp_path: Path) -> None:
    modules = _copy(tmp_path, "kms-key")
    readme = modules / "kms-key" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("| `alias` |", "| `alias_typo` |"), "utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "llm_infra.module_docs", "--modules-dir", str(modules)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 1
    assert f"{readme}: out of date (run `make docs`)" in checked.stderr
    readme.write_text("# kms-key\n\nprose only\n", encoding="utf-8")
    broken = subprocess.run(
        [sys.executable, "-m", "llm_infra.module_docs", "--write", "--modules-dir", str(modules)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert broken.returncode == 2
    assert "Traceback" not in broken.stderr
    assert f"{readme}: needs exactly one `<!-- BEGIN_TF_DOCS -->`" in broken.stderr
    assert readme.read_text(encoding="utf-8") == "# kms-key\n\nprose only\n"  # nothing written


def test_a_variable_without_description_is_an_error_naming_the_file(tmp_path: Path) -> None:
    modules = _copy(tmp_path, "kms-key")
    variables = modules / "kms-key" / "variables.tf"
    with variables.open("a", encoding="utf-8") as handle:
        handle.write('\nvariable "undocumented" {\n  type = string\n}\n')
    with pytest.raises(module_docs.DocsError, match=r"variables\.tf: `undocumented` has no description"):
        module_docs.stale_readmes(modules)


def test_default_values_render_as_hcl() -> None:
    assert (
        module_docs.render_value({"a": True, "b": [1, "x"], "c": None})
        == '{ a = true, b = [1, "x"], c = null }'
    )
    assert module_docs.render_value("${var.name}") == "var.name"
    assert module_docs.render_value({}) == "{}"


def test_descriptions_show_the_string_value_not_its_hcl_escapes() -> None:
    assert module_docs._unescape(r"a [\"*\"] \\ $${topic_arn} %%{if}") == 'a ["*"] \\ ${topic_arn} %{if}'
