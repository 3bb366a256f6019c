"""One step from a state (teacher forcing): a TF2 port's variables set, by their TF1 names, to the
reference's own state before each update asked about, and read back after it. The twins' and a
port's ``step_from`` functions loop with it."""


def each_update(states, variables, steps_per_epoch):
    """(k, epoch, i) for each update k of ``states`` ({k: the state before update k, by TF1 name},
    k counted from 1 over the run), with ``variables`` ({TF1 name: tf.Variable}) set to that state
    first (the names both have); (epoch, i) place update k in a run of ``steps_per_epoch`` updates
    an epoch."""
    for k, before in states.items():
        for name in variables.keys() & before.keys():
            variables[name].assign(before[name])
        yield (k, *divmod(k - 1, steps_per_epoch))


def values(variables):
    """{TF1 name: its value}: the state after an update, as NumPy arrays."""
    return {name: v.numpy() for name, v in variables.items()}
