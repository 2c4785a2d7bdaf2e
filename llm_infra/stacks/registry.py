"""The layers, in dependency order. Later layers (training, inference, observability) join this list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.stacks.base import LayerStack
from llm_infra.stacks.network import NetworkOutputs, NetworkStack
from llm_infra.stacks.storage import StorageStack

Built = Mapping[str, LayerStack]
OutputsT = TypeVar("OutputsT")


@dataclass(frozen=True)
class Layer:
    name: str
    enabled: Callable[[Environment], bool]
    build: Callable[[Construct, Environment, Built], LayerStack]


def outputs_of(built: Built, layer: str, outputs_type: type[OutputsT]) -> OutputsT:
    """The typed outputs of a layer built before (checked, not cast)."""
    outputs = getattr(built[layer], "outputs", None)
    if not isinstance(outputs, outputs_type):
        raise TypeError(f"layer {layer}: outputs are {type(outputs).__name__}, not {outputs_type.__name__}")
    return outputs


def _network(scope: Construct, environment: Environment, _built: Built) -> LayerStack:
    return NetworkStack(scope, environment=environment)


def _storage(scope: Construct, environment: Environment, built: Built) -> LayerStack:
    network = outputs_of(built, "network", NetworkOutputs)
    return StorageStack(scope, environment=environment, network=network)


LAYERS: tuple[Layer, ...] = (
    Layer("network", lambda _env: True, _network),
    Layer("storage", lambda env: env.storage is not None and env.storage.enabled, _storage),
)
