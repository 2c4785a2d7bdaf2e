"""The training summary line: numbers from the config and the accelerator table, the formula in the docstring."""

from __future__ import annotations

import copy

from llm_infra.layers.training.config import TrainingConfig
from llm_infra.layers.training.summary import note
from tests.unit.test_training_config import GOOD


def test_prod_shape_with_a_671b_model() -> None:
    data = copy.deepcopy(GOOD)
    data["model"] = {"parameters_billion": 671, "bytes_per_parameter": 16}
    line = note(TrainingConfig.model_validate(data), fsx_throughput_mbps=12000)
    # 16 x 8 x 141 GiB = 17.62 TiB; 671e9 x 16 B = 9999 GiB = 9.76 TiB fits; 9999 x 1024 MiB / 12000 MB/s = 853 s
    assert line.startswith("17 nodes, 128 accelerators, 17.62 TiB accelerator memory; EFA 3200 Gbps/node")
    assert "FSx 94 MB/s per accelerator" in line
    assert "9.76 TiB state fits" in line
    assert "checkpoint ~ 14m13s" in line


def test_model_too_big_says_so() -> None:
    data = copy.deepcopy(GOOD)
    data["groups"]["gpu"]["count"] = 1
    data["model"] = {"parameters_billion": 671}
    assert "does NOT fit" in note(TrainingConfig.model_validate(data), fsx_throughput_mbps=None)
