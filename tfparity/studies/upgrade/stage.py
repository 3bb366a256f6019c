"""One stage of the tf_upgrade_v2 path, run in its own process by ``tfparity.core.fresh.call``:
``measure(path, how)`` runs the file's ``run(inputs)`` on the regression inputs (seed 0), eager
or after disable_eager_execution() (``how="graph-mode"``), and returns its verdict against the
tf1_graph twin, or the error it raised."""
import importlib.util

import tensorflow as tf


def measure(path, how):
    if how == "graph-mode":
        tf.compat.v1.disable_eager_execution()
    spec = importlib.util.spec_from_file_location("stage", path)
    stage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stage)
    import tf1_graph.regression as twin
    from shared_data.regression import make_inputs
    from tfparity.core.compare import compare
    inputs = make_inputs(0)
    try:
        result = str(compare(twin.run(inputs), stage.run(inputs)))
    except Exception as error:  # what the stage raises on TF2 is the measurement
        result = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return result
