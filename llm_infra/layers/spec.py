"""What a layer declares: the one description the app, the config, the ops tools and the tests derive from.

A layer is one folder ``llm_infra/layers/<layer>/`` whose ``__init__.py`` exports ``LAYER``, a ``Layer``. The spec
module imports neither the CDK nor boto3: loading the registry (to validate a file, to print ``--list``) starts
no node process. What needs them (the stack, the probes) is imported by the layer's functions when called.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from llm_infra.paths import MODULES_DIR

if TYPE_CHECKING:
    from llm_infra.cdk import Construct
    from llm_infra.config import Environment
    from llm_infra.ops.report import Check
    from llm_infra.ops.smoke import SmokeContext
    from llm_infra.service_linked_roles import ServiceLinkedRole
    from llm_infra.stacks.base import LayerStack

C = TypeVar("C", bound=BaseModel)

# What a layer's build receives: the typed outputs object of each layer it requires (and of each layer it uses
# when that one is enabled), by layer name. The builder checks the type against the producer's ``outputs``.
Deps = Mapping[str, object]
Problems = list[dict[str, Any]]
Probe = Callable[["SmokeContext"], list["Check"]]
AccountCheck = Callable[[Any], list["Check"]]  # given the ops session (llm_infra.ops.session.Aws)


@dataclass(frozen=True)
class PreflightInputs:
    """What preflight checks in the account for one enabled layer of one environment.

    ``instance_types``: EC2 instance type -> the config paths that ask for it. ``az_ids``: the AZ IDs the layer
    puts resources in. ``pinned_az_ids``/``pinned_reason``: where the accelerated instances must run because of
    this layer (e.g. the file system's AZ), if anywhere. ``service_linked_roles``: roles a key policy names.
    ``account_checks``: the layer's own checks of account resources, ``(name, check)`` with ``check(aws)`` giving
    its verdicts from the ops session (run only when the credentials are for the environment's account).
    """

    instance_types: Mapping[str, Sequence[str]] = field(default_factory=dict)
    az_ids: tuple[str, ...] = ()
    pinned_az_ids: tuple[str, ...] = ()
    pinned_reason: str = ""
    service_linked_roles: tuple[ServiceLinkedRole, ...] = ()
    placement_groups: bool = False  # the layer creates placement groups (checked by name and strategy)
    account_checks: tuple[tuple[str, AccountCheck], ...] = ()


@dataclass(frozen=True)
class RiskyUpdate:
    """An in-place update that replaces or resets something underneath: the plan gate refuses it (as it refuses the
    replacement of a protected resource) unless the resource's address is overridden.

    ``attribute``: the top-level attribute of ``resource_type`` (as ``terraform show -json`` names it) whose change
    is risky; a value known only after apply counts as a change. For a list of objects, ``key`` names the field
    that identifies an element across plans and ``fields`` the fields whose change is risky (empty: any); an
    element that disappears is risky too. ``reason`` is what the gate prints.
    """

    resource_type: str
    attribute: str
    reason: str
    fields: tuple[str, ...] = ()
    key: str | None = None


def state_key(environment: str, layer: str) -> str:
    """The S3 backend key of one environment's layer stack."""
    return f"{environment}/{layer}.tfstate"


def _no_problems(_environment: Environment) -> Problems:
    return []


def _no_note(_environment: Environment) -> str:
    return ""


def _no_preflight(_environment: Environment) -> PreflightInputs:
    return PreflightInputs()


def _always(_config: Any) -> bool:
    return True


@dataclass(frozen=True)
class Layer(Generic[C]):
    """One layer. ``table`` is its TOML table and the attribute of the composed ``Environment``.

    - ``enabled``: given the layer's validated table, is the layer on (the one place that says so).
      ``required_table``: the table must be present (else an absent table means the layer is off).
    - ``table_from``: the name of another layer whose table this layer reads instead of one of its own (two
      stacks configured by one table, e.g. ``hyperpod`` reads ``[training]``). ``table``, ``config_model`` and
      ``enabled`` must then be that layer's, and the layer must require it (the registry checks all three); the
      environment model gets no field of its own for it.
    - ``requires`` / ``uses``: layers whose outputs ``build`` receives; a required layer that is off is a config
      error (``CFG-013``); a used one is passed only when it is on.
    - ``providers``, ``protected_types``: for ``--list`` and the plan gate (resource types never destroyed).
      ``risky_updates``: the in-place updates of the layer's resources that the plan gate refuses too.
    - ``modules``: the HCL modules its stack uses (folders under ``modules_dir``); the app stages them.
    - ``build(scope, environment, deps)``: the stack; ``outputs``: the frozen dataclass type of
      ``stack.outputs``, which is what consumers get in ``deps``.
    - ``rules(environment)``: cross-layer config rules (problems as ``types.rule`` builds them), run when on.
    - ``probes``: smoke probes (name, function) run after an apply; ``post_apply`` names them and any loaders.
    - ``note(environment)``: the summary line; ``preflight(environment)``: what preflight must check.
    """

    name: str
    table: str
    config_model: type[C]
    outputs: type
    build: Callable[[Construct, Environment, Deps], LayerStack]
    enabled: Callable[[C], bool] = _always
    required_table: bool = False
    table_from: str | None = None
    requires: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    providers: tuple[str, ...] = ("aws",)
    protected_types: tuple[str, ...] = ()
    risky_updates: tuple[RiskyUpdate, ...] = ()
    modules: tuple[str, ...] = ()
    modules_dir: Path = MODULES_DIR
    rules: Callable[[Environment], Problems] = _no_problems
    probes: tuple[tuple[str, Probe], ...] = ()
    loaders: tuple[str, ...] = ()
    note: Callable[[Environment], str] = _no_note
    preflight: Callable[[Environment], PreflightInputs] = _no_preflight

    def table_of(self, environment: Environment) -> C | None:
        """The layer's validated table, enabled or not (None when the file has none)."""
        value = getattr(environment, self.table, None)
        if value is not None and not isinstance(value, self.config_model):
            raise TypeError(
                f"{self.table}: expected {self.config_model.__name__}, got {type(value).__name__}"
            )
        return value

    def config(self, environment: Environment) -> C | None:
        """The typed accessor: the layer's table when the layer is enabled, else None."""
        value = self.table_of(environment)
        return value if value is not None and self.enabled(value) else None

    def require(self, environment: Environment) -> C:
        """The layer's table, for code that runs only for an enabled layer (its stack, its note)."""
        value = self.config(environment)
        if value is None:
            raise ValueError(f"layer {self.name} is not enabled in environment {environment.name}")
        return value

    def is_on(self, environment: Environment) -> bool:
        return self.config(environment) is not None

    @property
    def post_apply(self) -> tuple[str, ...]:
        return (*(name for name, _probe in self.probes), *self.loaders)

    def enabled_path(self) -> str:
        """Where an error about the layer being on is reported: its ``enabled`` key, else its table."""
        return f"{self.table}.enabled" if "enabled" in self.config_model.model_fields else self.table
