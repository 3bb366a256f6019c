"""Idiomatic TF2: every name exists natively, every call means what it says."""
import numpy as np
import tensorflow as tf
from tensorflow import keras


class Dense(tf.Module):
    def __init__(self, units, inputs):
        super().__init__()
        self.w = tf.Variable(tf.random.normal([inputs, units], seed=1))
        self.b = tf.Variable(tf.zeros([units]))

    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


layer = Dense(10, 3)
optimizer = keras.optimizers.Adam(1e-3)
dataset = tf.data.Dataset.from_tensor_slices(np.zeros((8, 3), np.float32)).batch(4)


@tf.function
def step(x, labels):
    with tf.GradientTape() as tape:
        logits = layer(x)
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
        loss += tf.reduce_sum(tf.nn.dropout(logits, rate=0.5), axis=1, keepdims=True)[0, 0]
    grads = tape.gradient(loss, layer.trainable_variables)
    optimizer.apply_gradients(zip(grads, layer.trainable_variables))
    return loss


for batch in dataset:
    value = step(batch, tf.zeros([4, 10]))
    print(value.numpy(), batch.shape[0], tf.shape(batch)[0])
pieces = tf.split(tf.zeros([4, 10]), 2, axis=0)
joined = tf.concat(pieces, axis=0)
top = tf.math.in_top_k(targets=[1, 2], predictions=tf.zeros([2, 10]), k=1)
tf.random.set_seed(0)
checkpoint = tf.train.Checkpoint(layer=layer)
model = keras.Sequential([keras.layers.Dense(10)])
iterator = iter(dataset)
first = next(iterator)
