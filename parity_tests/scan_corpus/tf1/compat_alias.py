"""The half-way house: TF1 code through tf.compat.v1, as tf_upgrade_v2 leaves it."""
import tensorflow.compat.v1 as tf
from tensorflow.compat import v1 as tf1

tf.disable_v2_behavior()  # expect: tf.disable_v2_behavior
tf1.disable_eager_execution()  # expect: tf.disable_eager_execution

graph = tf.Graph()
with graph.as_default():
    inputs = tf.placeholder(tf.float32, shape=[None, 784])  # expect: tf.placeholder
    labels = tf1.placeholder(tf.int64, shape=[None])  # expect: tf.placeholder
    weights = tf.get_variable("w", [784, 10], initializer=tf.zeros_initializer())  # expect: tf.get_variable
    logits = tf.matmul(inputs, weights)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)  # expect: tf.losses.sparse_softmax_cross_entropy
    step = tf.train.get_or_create_global_step()  # expect: tf.train.get_or_create_global_step
    train = tf1.train.AdamOptimizer(1e-3).minimize(loss, global_step=step)  # expect: tf.train.AdamOptimizer
    saver = tf.train.Saver()  # expect: tf.train.Saver
    summary = tf.summary.scalar("loss", loss)  # expect: tf.summary.scalar
    merged = tf.summary.merge_all()  # expect: tf.summary.merge_all
    writer = tf.summary.FileWriter("/tmp/logs", graph)  # expect: tf.summary.FileWriter

with tf.Session(graph=graph) as sess:  # expect: tf.Session
    sess.run(tf.global_variables_initializer())  # expect: Session.run, tf.global_variables_initializer
    saver.save(sess, "/tmp/model.ckpt")
    tf.logging.info("saved")  # expect: tf.logging.info
