"""``Layer.table_from``: a layer configured by another layer's table (hyperpod reads [training]); the registry
refuses a layer that reads a table in any other way than its owner does."""

from __future__ import annotations

import dataclasses

import pytest

from llm_infra import layers
from llm_infra.config.environment import environment_model
from llm_infra.layers import HYPERPOD, NETWORK, STORAGE, TRAINING, RegistryError, ordered
from tests.unit.conftest import Loader


def test_hyperpod_reads_the_training_table_and_adds_no_field(load: Loader) -> None:
    dev = load()
    assert "hyperpod" not in environment_model().model_fields
    assert "training" in environment_model().model_fields
    assert HYPERPOD.config(dev) is TRAINING.config(dev) is not None
    off = dev.model_copy(update={"training": TRAINING.require(dev).model_copy(update={"enabled": False})})
    assert not HYPERPOD.is_on(off) and not TRAINING.is_on(off)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"table_from": "inference"}, "table_from names no layer that owns a table (got 'inference')"),
        ({"requires": ("storage",)}, "table_from must require training, whose table it reads"),
        (
            {"config_model": STORAGE.config_model},
            "table_from must have the table, config model and enabled function of training",
        ),
        (
            {"table": "hyperpod"},
            "table_from must have the table, config model and enabled function of training",
        ),
    ],
)
def test_a_layer_reading_another_table_must_read_it_as_its_owner(
    change: dict[str, object], message: str
) -> None:
    broken = dataclasses.replace(HYPERPOD, **change)  # type: ignore[arg-type]
    with pytest.raises(
        RegistryError, match="layer hyperpod: " + message.replace("(", r"\(").replace(")", r"\)")
    ):
        ordered((NETWORK, STORAGE, TRAINING, broken))


def test_two_layers_owning_one_table_are_still_refused() -> None:
    twin = dataclasses.replace(HYPERPOD, table_from=None)
    with pytest.raises(RegistryError, match="layer tables must be unique"):
        ordered((NETWORK, STORAGE, TRAINING, twin))


def test_the_shipped_registry_is_consistent() -> None:
    names = [layer.name for layer in ordered(layers.LAYERS)]
    # the reader comes after the table's owner, which comes after what it requires
    assert names.index("network") < names.index("storage") < names.index("training") < names.index("hyperpod")
