"""The layers, in dependency order. Later layers (training, inference, observability) join this list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import cast

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.stacks.base import LayerStack
from llm_infra.stacks.network import NetworkStack
from llm_infra.stacks.storage import StorageStack

Built = Mapping[str, LayerStack]


@dataclass(frozen=True)
class Layer:
    name: str
    enabled: Callable[[Environment], bool]
    build: Callable[[Construct, Environment, Built], LayerStack]


def _network(scope: Construct, environment: Environment, _built: Built) -> LayerStack:
    return NetworkStack(scope, environment=environment)


def _storage(scope: Construct, environment: Environment, built: Built) -> LayerStack:
    network = cast(NetworkStack, built["network"]).network
    return StorageStack(scope, environment=environment, network=network)


LAYERS: tuple[Layer, ...] = (
    Layer("network", lambda _env: True, _network),
    Layer("storage", lambda env: env.storage is not None and env.storage.enabled, _storage),
)
