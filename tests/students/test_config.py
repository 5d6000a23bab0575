"""StudentConfig: built by field name, validated, device resolved when students are built."""

from __future__ import annotations

import pytest
import torch

from edusim.registry import UnknownNameError
from edusim.students import STUDENTS, StudentConfig, TrainingProtocol, make_students
from tests.students.toy import SMALL


def test_from_kwargs_converts_enums_and_rejects_unknown_names() -> None:
    config = StudentConfig.from_kwargs(protocol="continual", rl_method="reinforce", steps=3)
    assert config.protocol is TrainingProtocol.CONTINUAL
    assert config.rl_method.value == "reinforce"
    with pytest.raises(TypeError, match="unknown student setting 'layers'.*n_layers"):
        StudentConfig.from_kwargs(layers=3)


@pytest.mark.parametrize("settings, message", [
    ({"d_model": 30, "n_heads": 4}, "must divide"),
    ({"pad_id": 1, "eos_id": 1}, "must differ"),
    ({"eos_id": 40}, "outside"),
    ({"steps": 0}, "student setting steps must be >= 1, got 0"),
    ({"rl_samples": 1}, "RLOO needs"),
    ({"protocol": "sometimes"}, "sometimes"),
])
def test_bad_settings_raise(settings, message) -> None:
    with pytest.raises(ValueError, match=message):
        StudentConfig(**settings)


def test_unknown_family_lists_the_registered_ones() -> None:
    assert STUDENTS.names() == ["transformer", "mlp"]
    with pytest.raises(UnknownNameError, match="choose from: transformer, mlp"):
        make_students("lstm", **SMALL)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA present: auto picks it")
def test_auto_device_is_cpu_without_cuda_and_cuda_raises_clearly() -> None:
    assert make_students(**{**SMALL, "device": "auto"}).device.type == "cpu"
    with pytest.raises(ValueError, match="CUDA is not available"):
        make_students(**{**SMALL, "device": "cuda"})
