"""Measure every false friend: each TF1 optimizer against its Keras 3 namesake, the closest Keras
settings and the exact TF2 rule, on both problems; each TF1 loss against its TF2 counterparts.
The result is a record: no timings, so the same TensorFlow gives the same bytes."""
from shared_data import false_friends as data
from tfparity.core.compare import compare, divergence
from tfparity.core.machine import ONEDNN_OFF, ONEDNN_ON
from tfparity.studies.false_friends import keras3, keras3_losses, keras_fit, tf1


def _row(desired, actual):
    """The parity class after the last step, the per-step divergence, and the final distances."""
    per_step = divergence(desired, actual)
    verdict = compare(desired, actual)
    return {"class": "bit-identical" if verdict.status == "bit-identical" else
            f"{verdict.max_ulp:g} ULP, abs {verdict.max_abs:.2g}",
            "final": {kind: float(values[-1]) for kind, values in per_step.items()},
            "worst": {kind: float(values.max()) for kind, values in per_step.items()},
            "per_step": per_step}


def optimizers(problems, names=None):
    rows = []
    for name in names or tf1.OPTIMIZERS:
        base, _, variant = name.partition(", ")
        row = {"tf1": f"tf1.train.{base}Optimizer" + (f" ({variant})" if variant else ""), "name": name,
               "naive": {"keras": f"keras.optimizers.{keras3.NAMESAKES[name][0]}"},
               "exact": {"rule": f"tfparity.port.optimizers.{keras3.EXACT[name][0]}"}}
        ports = {"naive": keras3.keras_step(keras3.NAMESAKES[name][1]), "exact": keras3.EXACT[name][1]}
        if name in keras3.MATCHED:
            row["matched"] = {"keras": f"keras.optimizers.{keras3.MATCHED[name][0]}"}
            ports["matched"] = keras3.keras_step(keras3.MATCHED[name][1])
        for problem, inputs in problems.items():
            desired = tf1.train(problem, inputs, name)
            for kind, make_step in ports.items():
                row[kind][problem] = _row(desired, keras3.train(problem, inputs, make_step))
            row["exact"][f"{problem}, tf.function"] = _row(desired, keras3.train(problem, inputs, ports["exact"], True))
        rows.append(row)
    return rows


def _classes(desired, actual):
    return {field: _row({field: desired[field]}, {field: actual[field]})["class"] for field in desired}


def losses(batch):
    rows = []
    for name, ports in keras3_losses.LOSSES.items():
        desired, labels = tf1.evaluate_loss(name, batch), tf1.label_key(name)
        row = {"tf1": name}
        for kind, (label, fn) in ports.items():
            row[kind] = {"api": label, **_classes(desired, keras3_losses.evaluate_loss(fn, labels, batch))}
        row["exact"]["eager"] = _classes(desired, keras3_losses.evaluate_loss(ports["exact"][1], labels, batch, False))
        rows.append(row)
    return rows


def measure(seed=0, steps=data.STEPS, data_dir=None):
    import keras
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")  # TF1's deprecation notices; a fresh tf.function per loss
    from tfparity.core.machine import fingerprint
    problems = data.problems(seed, steps, data_dir)
    return {"example": "false_friends", "machine": fingerprint(),
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "seed": seed, "steps": steps, "learning_rates": data.LEARNING_RATES,
            "optimizers": optimizers(problems), "losses": losses(data.loss_batch(seed)),
            "fit_knobs": keras_fit.measure(problems["mlp"], tf1.train("mlp", problems["mlp"], keras_fit.RULE, with_loss=True))}


def measure_both():
    """The record: measured with oneDNN off (the optimizers' own differences), plus each exact rule's
    MLP distance with oneDNN on, where only the Session's forward pass is fused (each setting in a
    fresh process, since the setting is fixed when TensorFlow loads)."""
    from tfparity.core import fresh
    off = fresh.call("tfparity.studies.false_friends.measurement:measure", {}, ONEDNN_OFF)
    on = fresh.call("tfparity.studies.false_friends.measurement:measure", {}, ONEDNN_ON)
    return dict(off, with_onednn=with_onednn(on))


def with_onednn(record):
    """Each exact rule's MLP parity class and the machine it was measured on."""
    return {"machine": record["machine"],
            "exact_mlp": {row["name"]: row["exact"]["mlp"]["class"] for row in record["optimizers"]},
            "exact_mlp_function": {row["name"]: row["exact"]["mlp, tf.function"]["class"] for row in record["optimizers"]},
            "fit_knobs": {row["knob"]: row["class"] for row in record["fit_knobs"]}}
