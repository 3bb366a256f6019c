"""What tf_upgrade_v2 leaves behind: TF1 spelled tf.compat.v1 under a plain `import tensorflow as tf`."""
import tensorflow as tf

x = tf.compat.v1.placeholder(tf.float32, [None, 784])  # expect: tf.placeholder
hidden = tf.compat.v1.layers.dense(x, 128, activation=tf.nn.relu)  # expect: tf.layers.dense
cell = tf.compat.v1.nn.rnn_cell.LSTMCell(64)  # expect: tf.nn.rnn_cell.LSTMCell
loss = tf.reduce_mean(input_tensor=tf.nn.softmax_cross_entropy_with_logits(
    labels=tf.stop_gradient(x), logits=hidden))
train = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(loss)  # expect: tf.train.AdamOptimizer
dropped = tf.nn.dropout(hidden, rate=1 - (0.5))
with tf.compat.v1.Session() as sess:  # expect: tf.Session
    sess.run(tf.compat.v1.global_variables_initializer())  # expect: Session.run, tf.global_variables_initializer
    print(sess.run(loss, feed_dict={x: [[0.0] * 784]}))  # expect: Session.run, feed_dict
relu = tf.compat.v2.nn.relu(hidden)
