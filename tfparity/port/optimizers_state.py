"""The state container behind every rule in tfparity.port.optimizers: slots by TF1 name, non-slot
variables, and apply_gradients. Plain composition: a rule is data plus two functions.

A rule gives
- ``slots``: ``(slot name, TF1 op name, init(var) -> tensor)`` in the order TF1's
  ``_create_slots`` makes them (that order decides TF1's checkpoint suffixes ``_1``, ``_2``);
- ``apply(grad, var, slots, non_slots) -> op``: one fused TF kernel for one dense gradient,
  ``slots`` being ``{slot name: tf.Variable}`` of that variable;
- ``non_slots``: ``(name, initial value)`` for state shared by all variables, float32 as in TF1;
- ``finish(non_slots)``: run once after every variable's apply, like TF1's ``_finish``.
"""
import tensorflow as tf


def hyper(value, dtype):
    """A hyperparameter as TF1 feeds it to a kernel: ``convert_to_tensor`` of the Python value
    (float32 for a Python float) then ``cast`` to the variable's dtype (adam.py, momentum.py).
    So a float64 variable gets the float32-rounded value, widened, exactly as in TF1."""
    value = value() if callable(value) else value
    return tf.cast(tf.convert_to_tensor(value), dtype)


def zeros(var):
    return tf.zeros(var.shape, var.dtype)


def filled(value):
    """An init(var) giving ``value`` in the variable's dtype everywhere."""
    return lambda var: tf.fill(var.shape, tf.constant(value, var.dtype))


def _op_name(var):
    return var.name.split(":")[0]


def tf_variable(var):
    """The tf.Variable a Keras 3 variable holds (its ``value``), or ``var`` itself: a rule takes
    either, as a Keras model's ``trainable_variables`` gives them."""
    return var if isinstance(var, tf.Variable) else getattr(var, "value", var)


class Optimizer:
    """One TF1 optimizer in TF2. ``slots[name][i]`` belongs to ``var_list[i]``."""

    def __init__(self, name, config, apply, slots=(), non_slots=(), finish=None):
        self.name = name
        self.config = dict(config)  # TF1's constructor arguments, by TF1's names
        self._apply, self._slot_specs, self._finish = apply, tuple(slots), finish
        self._non_slot_specs = tuple(non_slots)
        self.var_list = []
        self.slots = {slot: [] for slot, _, _ in self._slot_specs}
        self.non_slots = {}
        self._index = {}

    def slot_names(self):
        """TF1's slot names, in TF1's creation order."""
        return [slot for slot, _, _ in self._slot_specs]

    def non_slot_names(self):
        """TF1's names of the state shared by all variables (Adam's beta1_power, beta2_power)."""
        return [name for name, _ in self._non_slot_specs]

    def slot(self, var, name):
        """The ``name`` slot of ``var``, as TF1's ``get_slot(var, name)``."""
        return self.slots[name][self._index[tf_variable(var).ref()]]

    def tf1_names(self, var_name):
        """``{slot: TF1 variable name}`` for a TF1 variable named ``var_name`` (checkpoint keys)."""
        names, seen = {}, {}
        for slot, op_name, _ in self._slot_specs:
            count = seen.get(op_name, 0)
            seen[op_name] = count + 1
            names[slot] = f"{var_name}/{op_name}" + (f"_{count}" if count else "")
        return names

    def variables(self):
        """Every state variable: non-slots first, then each variable's slots in TF1's order."""
        return list(self.non_slots.values()) + [
            self.slots[slot][i] for i in range(len(self.var_list)) for slot in self.slot_names()]

    def build(self, var_list):
        """Create the state of any new variables. Eager, or lifted out of a tf.function by
        init_scope, so the first traced call may build too (its initial values are eager)."""
        new = [v for v in map(tf_variable, var_list) if v.ref() not in self._index]
        if not new:
            return
        with tf.init_scope():
            if not self.non_slots:
                for name, value in self._non_slot_specs:
                    self.non_slots[name] = tf.Variable(value, dtype=tf.float32, trainable=False,
                                                       name=name)
            for var in new:
                self._index[var.ref()] = len(self.var_list)
                self.var_list.append(var)
                keys = self.tf1_names(_op_name(var))
                for slot, _, init in self._slot_specs:
                    self.slots[slot].append(
                        tf.Variable(init(var), trainable=False, name=keys[slot]))

    def checkpointable(self):
        """The state as one trackable object for ``tf.train.Checkpoint(optimizer=...)``: attribute
        paths ``slots.<slot>.<i>`` (``i`` as in ``var_list``) and ``non_slots.<name>``. Build first."""
        state = tf.Module(name=self.name)
        state.slots = {slot: list(values) for slot, values in self.slots.items()}
        state.non_slots = dict(self.non_slots)
        return state

    def apply_gradients(self, grads_and_vars):
        """One TF1 step: each dense gradient through its kernel, then the shared state."""
        pairs = [(g, tf_variable(v)) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable.")
        self.build([v for _, v in pairs])
        for grad, var in pairs:
            if isinstance(grad, tf.IndexedSlices):
                raise TypeError(f"{self.name}: dense gradients only, got IndexedSlices for "
                                f"{var.name} (TF1's sparse kernels are not reproduced)")
            grad = tf.convert_to_tensor(grad, dtype_hint=var.dtype)
            self._apply(grad, var, {slot: self.slot(var, slot) for slot in self.slots}, self.non_slots)
        if self._finish is not None:
            self._finish(self.non_slots)

    def minimize(self, loss, var_list):
        """``loss()`` under a GradientTape, then apply_gradients; returns the loss."""
        with tf.GradientTape() as tape:
            value = loss()
        self.apply_gradients(zip(tape.gradient(value, var_list), var_list))
        return value
