import numpy as np
import pytest

from shared_data import classification, regression, simple_network
from tfparity.core.harness import examples, load


def _bytes(inputs):
    return {k: np.asarray(v).tobytes() for k, v in inputs.items() if isinstance(v, np.ndarray)}


@pytest.mark.parametrize("module", [regression, classification])
def test_same_seed_same_bytes_other_seed_other_bytes(module):
    assert _bytes(module.make_inputs(7)) == _bytes(module.make_inputs(7))
    first, other = _bytes(module.make_inputs(7)), _bytes(module.make_inputs(8))
    assert all(first[k] != other[k] for k in ("x", "A0", "schedule"))


def test_inputs_follow_the_recipes():
    reg = regression.make_inputs(0)
    assert reg["x"].dtype == np.float32 and reg["x"].shape == (100,)
    assert set(reg["y"]) == {10.0} and len(reg["schedule"]) == 100 == reg["steps"]
    cls = classification.make_inputs(0)
    assert list(cls["y"]) == [0.0] * 50 + [1.0] * 50 and len(cls["schedule"]) == 1400
    assert 7 < cls["A0"][0] < 13
    runs = simple_network.make_inputs(0)["runs"]
    assert [(r["learning_rate"], r["steps"], r["dtype"]) for r in runs] == [
        (1.0, 5, "float64"), (1.0, 5, "float32"), (0.1, 25, "float64"), (0.1, 25, "float32")]


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, None])
def test_bad_seed_is_refused(bad):
    with pytest.raises(ValueError, match="seed"):
        regression.make_inputs(bad)


@pytest.mark.parametrize("option", [{"learning_rate": 0}, {"learning_rate": float("nan")},
                                    {"learning_rate": float("inf")}, {"steps": 0}, {"steps": 2.5}])
def test_bad_options_are_refused(option):
    with pytest.raises(ValueError):
        classification.make_inputs(0, **option)


def test_examples_are_discovered_by_module_name():
    assert {"simple_network", "regression", "classification"} <= set(examples())
    with pytest.raises(ValueError, match="unknown example"):
        load("nonexistent")


def test_twins_draw_no_random_numbers():
    import inspect
    for name in examples():
        for module in load(name)[1:]:
            source = inspect.getsource(module)
            assert "random" not in source, f"{module.__name__} draws random numbers"
