"""A TF1 script (written here, for the recorder's tests) that trains on batches its graph takes from a
queue, filled by queue runner threads (slice_input_producer, batch, start_queue_runners): no feed
shows a training run's batch."""
import numpy as np
import tensorflow as tf

features = np.arange(24, dtype=np.float32).reshape(8, 3) / 24
targets = features.sum(axis=1, keepdims=True)
x_one, y_one = tf.train.slice_input_producer([features, targets], shuffle=False)
x, y = tf.train.batch([x_one, y_one], batch_size=4, num_threads=1)
w = tf.Variable(tf.zeros([3, 1]), name="w")
loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(tf.local_variables_initializer())
    coordinator = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess, coordinator)
    for _ in range(3):
        print("loss", sess.run([train, loss])[1])
    coordinator.request_stop()
    coordinator.join(threads)
