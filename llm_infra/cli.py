"""``python main.py``: validate the environment files, then synthesize. Environment variables are read here.

Options (``--help`` lists them): ``--env NAME`` and ``--layer NAME`` (repeatable), ``--outdir DIR``, ``--check``,
``--list``, ``--version``.

- Environments: ``--env NAME`` selects ``environments/<NAME>.toml``; ``LLM_INFRA_ENV_FILES`` (comma-separated
  paths) replaces the set of files to choose from, and ``--env`` then selects among those by name. Without
  either, every ``environments/*.toml`` is synthesized and the output folder holds exactly their stacks; with
  a selection, the stacks of the other environments already in the output folder are kept (and listed).
- Layers: ``--layer NAME`` synthesizes only that layer's stacks; the layers it requires are built in memory (their
  outputs feed it) but not written, and every other stack already in the output folder is kept (and listed).
- ``--list`` prints the stacks as JSON (apply order, layer, state key, depends-on, providers, protected resource
  types, post-apply steps) and writes nothing.
- Output folder: ``--outdir``, else ``CDKTF_OUTDIR`` (the cdktn/cdktf CLIs set it), else ``cdktf.out``.
- Identity: ``LLM_INFRA_STACK_IDENTITY=ambient`` writes stacks without ``assume_role`` (the caller's credentials,
  e.g. CI's OIDC role, are the stack's identity); ``assume-role`` (default) assumes each environment's
  ``role_arn`` (llm_infra/identity.py).

Exit codes: 0 written (or, with ``--check``, valid); 2 invalid arguments, configuration or output folder
(nothing written); 1 synthesis failed or the dependencies are missing (nothing written); 130/143 interrupted
by SIGINT/SIGTERM (temporary files removed; the output folder is the previous one or the complete new one).

Nothing is imported here beyond the standard library until the arguments are parsed: ``--help`` and
``--version`` answer at once, and a configuration error never pays for starting the CDK's node process.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from llm_infra import __version__
from llm_infra.engine_process import stop_engine
from llm_infra.paths import ENVIRONMENTS_DIR

if TYPE_CHECKING:
    from llm_infra.app import SynthResult
    from llm_infra.config import Environment

PROG = "main.py"
EXIT_SYNTH = 1
EXIT_USAGE = 2
EXIT_CONFIG = 2
DEFAULT_OUTDIR = "cdktf.out"
# The engines llm_infra.cdk imports, in the order it tries them (a test keeps --version equal to its choice).
ENGINES = ("cdktn", "cdktf")
INSTALL_HINT = "run `make synth` (it creates .venv) and use .venv/bin/python, or `pip install -e .`"
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class UsageError(Exception):
    """Bad arguments: ``problems`` holds one line each, in the ``file: path: message (got X; allowed Y)`` form."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, so that no ``except Exception`` (jsii has some) stops it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Interrupts:
    """Turns the first SIGINT/SIGTERM into ``Interrupted``, raised where the program is, so ``finally`` runs.

    Inside ``deferred()`` the signal is only recorded and raised when the block ends (the swap of the output
    folder is two renames that must not be separated). After the first signal, further ones are ignored, so
    that a second SIGTERM cannot cut the clean-up short.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self._depth = 0

    def handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.received is not None:
            return
        self.received = signum
        if self._depth == 0:
            raise Interrupted(signum)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if self._depth == 0 and self.received is not None:
            raise Interrupted(self.received)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
            yield
            return
        previous = {signum: signal.signal(signum, self.handle) for signum in SIGNALS}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, exit 2, instead of argparse's usage block."""
        self.exit(EXIT_USAGE, f"{self.prog}: arguments: {message} (allowed: {_ALLOWED}; see --help)\n")


_ALLOWED = "--help, --version, --env NAME, --layer NAME, --outdir DIR, --check, --list, --schema [KIND]"


def installed_engine() -> tuple[str, str] | None:
    """The CDK engine llm_infra.cdk would import, and its version, found without importing (starting) it."""
    for name in ENGINES:
        if importlib.util.find_spec(name) is not None:
            try:
                return name, metadata.version(name)
            except metadata.PackageNotFoundError:
                return name, "unknown version"
    return None


def version_text() -> str:
    ours = __version__  # the one version source (pyproject.toml reads it too)
    engine = installed_engine()
    described = f"{engine[0]} {engine[1]}" if engine else f"none installed ({INSTALL_HINT})"
    return f"llm-infra {ours} (CDK engine: {described}; Python {sys.version.split()[0]})"


def parser() -> argparse.ArgumentParser:
    result = _Parser(
        prog=PROG,
        description=(
            "Validate the environment files and synthesize one Terraform stack per environment and layer into "
            "<outdir>/stacks/<env>-<layer>/ (what `make synth` runs). Invalid input is reported as "
            "'file: path: message' lines and nothing is written."
        ),
        epilog=(
            "Environments: --env picks environments/<NAME>.toml; LLM_INFRA_ENV_FILES (comma-separated paths) "
            "replaces the files to pick from, and --env then picks among them by name. Selecting environments "
            "keeps the other environments' stacks already in the output folder (they are listed). "
            "Output folder: --outdir, else $CDKTF_OUTDIR (set by the cdktn/cdktf CLIs), else cdktf.out. "
            "Exit codes: 0 done, 2 invalid arguments/configuration/output folder, 1 synthesis failed, "
            "130/143 interrupted; nothing is written unless the exit code is 0."
        ),
        allow_abbrev=False,  # `--l` must not silently mean one option today and another when --layer exists
    )
    result.add_argument("--version", action="version", version=version_text())
    result.add_argument(
        "--env",
        metavar="NAME",
        action="append",
        default=[],
        help="synthesize only this environment (repeatable; default: all)",
    )
    result.add_argument(
        "--layer",
        metavar="NAME",
        action="append",
        default=[],
        help="synthesize only this layer's stacks, keeping the others already written (repeatable)",
    )
    result.add_argument(
        "--outdir",
        metavar="DIR",
        type=Path,
        help=f"output folder (default: $CDKTF_OUTDIR, else {DEFAULT_OUTDIR})",
    )
    result.add_argument(
        "--check",
        action="store_true",
        help="validate the environments and synthesize them in a temporary folder; write nothing",
    )
    result.add_argument(
        "--list",
        action="store_true",
        help="print the stacks as JSON (apply order, layer, state key, depends-on, providers, protected "
        "resource types, post-apply steps); write nothing",
    )
    result.add_argument(
        "--schema",
        nargs="?",
        const="overlay",
        choices=("overlay", "strict"),  # llm_infra.config.schema.KINDS (which imports pydantic)
        help="print the JSON Schema of an environment file (overlay, the default) or of the merged result "
        "(strict); write nothing (committed as schema/*.schema.json)",
    )
    return result


def select_layers(names: Sequence[str]) -> list[str] | None:
    """The layers ``--layer`` selects (None: every layer); an unknown name is an error listing the layers."""
    from llm_infra import layers  # noqa: PLC0415 - needs the dependencies

    if not names:
        return None
    known = layers.names()
    allowed = ", ".join(known)
    problems = [
        f"{PROG}: --layer: unknown layer (got {name!r}; allowed: {allowed})"
        for name in dict.fromkeys(names)
        if name not in known
    ]
    if problems:
        raise UsageError(problems)
    return [name for name in known if name in names]


def select_files(names: Sequence[str], env_files: str | None) -> tuple[list[Path], bool]:
    """The environment files to load, and whether they are a selection (not every environment)."""
    from llm_infra.config import environment_files  # noqa: PLC0415 - needs the dependencies
    from llm_infra.config.loader import display_path  # noqa: PLC0415

    available = environment_files(ENVIRONMENTS_DIR, env_files)
    if not names:
        return available, bool(env_files)
    by_name = {path.stem: path for path in available}
    allowed = ", ".join(sorted(by_name)) or "(none)"

    def where(name: str) -> str:
        if env_files:
            return "not among the files LLM_INFRA_ENV_FILES names"
        return f"no {display_path(ENVIRONMENTS_DIR / f'{name}.toml')}"

    problems = [
        f"{PROG}: --env: unknown environment, {where(name)} (got {name!r}; allowed: {allowed})"
        for name in dict.fromkeys(names)
        if name not in by_name
    ]
    if problems:
        raise UsageError(problems)
    return [by_name[name] for name in dict.fromkeys(names)], True


def output_folder(argument: Path | None) -> Path:
    return argument or Path(os.environ.get("CDKTF_OUTDIR") or DEFAULT_OUTDIR)


@contextlib.contextmanager
def private_tempdir(interrupts: Interrupts) -> Iterator[Path]:
    """A temporary folder for this run, removed at the end, that every temporary file of the run lands in.

    The CDK runs in a node process that jsii starts at the first CDK import and that inherits the environment
    then: with TMPDIR (TMP, TEMP) pointing here first, the module-asset folders the CDK leaves in the temp
    folder, jsii's own, and ours all land here. The node process is stopped (killed, when interrupted) before
    the folder is removed; an engine that was already running when we started is not ours to stop.
    """
    saved_environ = {key: os.environ.get(key) for key in ("TMPDIR", "TMP", "TEMP")}
    saved_tempdir = tempfile.tempdir
    engine_was_running = "jsii" in sys.modules
    folder: Path | None = None
    try:
        with interrupts.deferred():
            folder = Path(tempfile.mkdtemp(prefix="llm-infra-synth-"))
            os.environ.update(dict.fromkeys(saved_environ, str(folder)))
            tempfile.tempdir = str(folder)
        yield folder
    finally:
        # Deferred: a (first) signal during the clean-up is raised after it, so the folder is always removed.
        with interrupts.deferred():
            if not engine_was_running:
                stop_engine(kill=interrupts.received is not None)
            tempfile.tempdir = saved_tempdir
            for key, value in saved_environ.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def _report(result: SynthResult, *, check: bool, display: str, layers_selected: bool = False) -> str:
    lines = [result.summary]
    if check:
        lines[0] = result.summary.rsplit("\n", 1)[0]  # the last line says "written to"
        lines.append(f"{len(result.stacks)} stack(s) valid; nothing was written to {display} (--check)")
    verb = "would keep" if check else "kept"
    if result.kept:
        lines.append(
            f"{verb} {len(result.kept)} stack(s) of {'layers or ' if layers_selected else ''}environments not "
            "selected, from the previous "
            f"{display}: {', '.join(result.kept)}"
        )
    if result.removed:
        verb = "would remove" if check else "removed"
        lines.append(
            f"{verb} {len(result.removed)} stack(s) of the previous {display} that this synth no longer produces: "
            f"{', '.join(result.removed)}"
        )
    return "\n".join(lines)


def _load(files: Sequence[Path]) -> list[Environment]:
    from llm_infra.config import load_environments  # noqa: PLC0415
    from llm_infra.config.loader import defaults_file_for  # noqa: PLC0415

    return load_environments(files, defaults_file_for(files, ENVIRONMENTS_DIR))


def _list(environments: Sequence[Environment], chosen_layers: Sequence[str] | None) -> int:
    import json  # noqa: PLC0415

    from llm_infra import layers  # noqa: PLC0415

    print(json.dumps({"stacks": layers.stack_list(environments, chosen_layers)}, indent=2))
    return 0


def _run(argv: Sequence[str] | None, interrupts: Interrupts) -> int:
    args = parser().parse_args(argv)
    try:
        from llm_infra.config import ConfigError  # noqa: PLC0415
        from llm_infra.config.loader import display_path  # noqa: PLC0415
    except ModuleNotFoundError as error:
        print(
            f"{PROG}: {error.name} is not installed for {sys.executable}: the project's dependencies are "
            f"missing; {INSTALL_HINT}",
            file=sys.stderr,
        )
        return EXIT_SYNTH
    if args.schema:
        from llm_infra.config.schema import schema_text  # noqa: PLC0415

        print(schema_text(args.schema), end="")
        return 0
    try:
        files, selected = select_files(args.env, os.environ.get("LLM_INFRA_ENV_FILES"))
        chosen_layers = select_layers(args.layer)
    except UsageError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return EXIT_USAGE
    try:
        from llm_infra import identity  # noqa: PLC0415

        stack_identity = identity.parse(os.environ.get(identity.VARIABLE))
    except identity.IdentityError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        environments = identity.apply(_load(files), stack_identity)
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_CONFIG
    if args.list:
        return _list(environments, chosen_layers)
    outdir = output_folder(args.outdir)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    with private_tempdir(interrupts):
        try:
            from llm_infra.app import OutputFolderError, synth  # noqa: PLC0415 - starts the CDK's node
        except ModuleNotFoundError as error:
            missing = str(error) if error.name in ENGINES else f"{error.name} is not installed ({error})"
            print(f"{PROG}: {missing}", file=sys.stderr)
            return EXIT_SYNTH
        try:
            result = synth(
                environments,
                outdir,
                keep_others=selected,
                check=args.check,
                layers_selected=chosen_layers,
                uninterruptible=interrupts.deferred,
            )
        except OutputFolderError as error:
            print(f"{error}; nothing was written", file=sys.stderr)
            return EXIT_USAGE
        except RuntimeError as error:  # jsii surfaces the CDK's validation errors as RuntimeError
            print(f"synthesis failed; nothing was written:\n{error}", file=sys.stderr)
            return EXIT_SYNTH
        except OSError as error:  # the output folder's parent is not writable, the disk is full, ...
            where = f" ({error.filename})" if error.filename else ""
            print(
                f"{PROG}: cannot write the output{where}: {error.strerror or error}; nothing was written",
                file=sys.stderr,
            )
            return EXIT_SYNTH
        except (
            Exception
        ) as error:  # e.g. jsii's JSIIError (a fault of the node runtime): one line, no traceback
            print(f"synthesis failed; nothing was written: {type(error).__name__}: {error}", file=sys.stderr)
            return EXIT_SYNTH
    print(
        _report(result, check=args.check, display=display_path(outdir), layers_selected=bool(chosen_layers))
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line. Owns the process: it handles SIGINT/SIGTERM and stops the CDK it started."""
    interrupts = Interrupts()
    with interrupts.installed():
        try:
            return _run(argv, interrupts)
        except Interrupted as interrupted:
            print(
                f"{PROG}: interrupted by {interrupted}; temporary files removed, the output folder is the "
                "previous one or the complete new one",
                file=sys.stderr,
            )
            return 128 + interrupted.signum
