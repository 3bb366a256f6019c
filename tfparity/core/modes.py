"""The execution modes: one name for each way a program is run, and the one place that says
which function a mode calls and with what.

A mode calls one of four roles, each a function taking the inputs:
``tf1_run`` (the TF1 program in a Session), ``tf1_eager`` (the same TF1 code run eagerly, the
shim stage of a migration), ``tf2_run(inputs, function=False)`` (the TF2 port eager, or its step
as a tf.function) and ``tf2_loop(inputs, jit_compile=False)`` (the whole loop in one tf.function,
or under XLA). The guide's twins fill the roles with ``tf1_graph.X.run``, ``run_eager``,
``tf2_eager.X.run`` and ``run_loop``; ``tfparity check`` with the user's SPECs.
"""
REFERENCE = "tf1_graph"  # what every other mode is compared with
PORT_MODES = ("tf2_eager", "tf2_function")  # the TF2 port's step, eager and as a tf.function
LOOP_MODES = ("tf2_loop", "tf2_xla")  # the whole loop in one tf.function, then under XLA
OPTIONAL_MODES = ("tf1_eager",)  # run when the TF1 program has the role (a twin's run_eager)
MODES = (REFERENCE,) + PORT_MODES  # what an example runs by default, with the optional ones it has
ALL_MODES = MODES + LOOP_MODES
CHECKED_MODES = PORT_MODES + LOOP_MODES  # the modes ``tfparity check`` can compare
KERAS_MODE = "tf2_keras"  # an example's own mode (its MODES): the TF2 twin's run_keras, model.fit

CALLS = {  # mode: (role, keyword arguments)
    REFERENCE: ("tf1_run", {}),
    "tf1_eager": ("tf1_eager", {}),
    "tf2_eager": ("tf2_run", {}),
    "tf2_function": ("tf2_run", {"function": True}),
    "tf2_loop": ("tf2_loop", {}),
    "tf2_xla": ("tf2_loop", {"jit_compile": True}),
}


def role_of(mode):
    """(role, keyword arguments) of ``mode``: run it as ``roles[role](inputs, **keywords)``."""
    if mode not in CALLS:
        raise ValueError(f"unknown mode {mode!r}; known: {', '.join(CALLS)}")
    role, keywords = CALLS[mode]
    return role, dict(keywords)


def epochs_run(epochs, of):
    """What a mode ran of a run of ``of`` epochs: 'all 30 epochs', 'epoch 1 of 3', 'epochs 1–2 of 30',
    'none of 3 epochs'."""
    whole = f"{of} epochs" if of > 1 else "its one epoch"
    if epochs == 0:
        return f"none of {whole}"
    if epochs >= of:
        return f"all {whole}" if of > 1 else whole
    return f"epoch 1 of {of}" if epochs == 1 else f"epochs 1–{epochs} of {of}"
