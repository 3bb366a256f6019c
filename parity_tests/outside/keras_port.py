"""The TF1 script's model as Keras 3 layers, trained with keras.optimizers.Adam; ``WEIGHTS`` is
the hand-written map of the weights, from which the optimizer's part is derived."""
import keras
import numpy as np
import tensorflow as tf

WEIGHTS = {"hidden/weights": "model.hidden._kernel", "hidden/biases": "model.hidden.bias",  # Dense's edge names
           "logits/weights": "model.logits._kernel", "logits/biases": "model.logits.bias", "global_step": None}


class Model(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.logits = keras.layers.Dense(3)

    def call(self, x):
        return self.logits(self.hidden(x))


def roots(inputs, epsilon=1e-8):
    """The model built and the optimizer built on its variables: the objects a checkpoint fills."""
    model = Model()
    model(tf.zeros((1, 4)))
    optimizer = keras.optimizers.Adam(inputs["learning_rate"], epsilon=epsilon)
    optimizer.build(model.trainable_variables)
    return {"model": model, "optimizer": optimizer}


def train(inputs, roots, start, steps):
    model, optimizer = roots["model"], roots["optimizer"]

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=model(x)))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss
    return np.array([step(tf.constant(inputs["x"][b]), tf.constant(inputs["y"][b])).numpy()
                     for b in inputs["batches"][start:start + steps]])
