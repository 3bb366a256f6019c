"""TF1's exact rules (``tfparity.port.optimizers``) as Keras 3 optimizers, so that ``model.compile`` and
``model.fit`` apply the same fused kernels TF1's ``tf1.train`` optimizers did.

    model.compile(optimizer=tfparity.port.keras_optimizers.wrap(tfparity.port.optimizers.Adam(1e-3)), ...)

Keras still counts ``iterations``, clips and decays as configured (none by default); the update
itself is the rule's: Keras' learning-rate variable is not read, the rule's hyperparameters are
(TF1's casts included). The rule's slots are tracked as ``tf1_state`` (``rule.checkpointable()``
paths under it), so a Keras checkpoint of the model and optimizer carries them. Single device:
under a tf.distribute strategy use the rule with ``strategy.run`` instead.
"""
import keras


class TF1Optimizer(keras.optimizers.Optimizer):
    """A Keras optimizer whose update step is one ``tfparity.port.optimizers`` rule."""

    def __init__(self, rule, name=None, **kwargs):
        learning_rate = rule.config.get("learning_rate", 0.001)
        super().__init__(learning_rate=learning_rate if isinstance(learning_rate, float) else 0.001,
                         name=name or f"tf1_{rule.name.lower()}", **kwargs)
        self.rule = rule

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.rule.build([v.value if isinstance(v, keras.Variable) else v for v in variables])
        self.tf1_state = self.rule.checkpointable()

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        values = [v.value if isinstance(v, keras.Variable) else v for v in trainable_variables]
        self.rule.apply_gradients(zip(grads, values))

    def get_config(self):
        return dict(super().get_config(), rule=self.rule.name, tf1_config=self.rule.config)


def wrap(rule, **kwargs):
    """``rule`` (a ``tfparity.port.optimizers`` optimizer, not yet built) as a Keras 3 optimizer."""
    return TF1Optimizer(rule, **kwargs)
