"""A TF1 script (written here, for the recorder's tests) whose runs fetch an IndexedSlices (the
gradient of an embedding lookup) and update a streaming metric (local variables) before training."""
import numpy as np
import tensorflow as tf

ids = tf.placeholder(tf.int32, [None], name="ids")
table = tf.Variable(tf.ones([5, 2]), name="table")
loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(table, ids)))
(gradient,) = tf.gradients(loss, [table])  # an IndexedSlices
mean, update_mean = tf.metrics.mean(loss)
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    fed = {ids: np.array([0, 2, 2], np.int32)}
    sliced = sess.run(gradient, fed)
    print("gradient rows", sliced.indices.tolist())
    for _ in range(3):
        sess.run(update_mean, fed)
    for _ in range(2):
        sess.run(train, fed)
    print("mean", sess.run(mean))
