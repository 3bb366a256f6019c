"""Placeholders, a Session and its feeds: the core of every TF1 training script."""
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3], name="x")  # expect: tf.placeholder
y = tf.placeholder(tf.float32, [None, 1])  # expect: tf.placeholder
w = tf.Variable(tf.zeros([3, 1]))
loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)  # expect: tf.train.GradientDescentOptimizer
init = tf.global_variables_initializer()  # expect: tf.global_variables_initializer


def train(batches):
    with tf.Session() as sess:  # expect: tf.Session
        sess.run(init)  # expect: Session.run
        for xs, ys in batches:
            _, value = sess.run([train_op, loss], feed_dict={x: xs, y: ys})  # expect: Session.run, feed_dict
            print(value)
        final = sess.run(loss, {x: xs, y: ys})  # expect: Session.run, Session.run(feed)
        print(loss.eval(feed_dict={x: xs, y: ys}))  # expect: Tensor.eval, feed_dict
        print(w.eval())  # expect: Tensor.eval
        return final


def interactive():
    session = tf.InteractiveSession()  # expect: tf.InteractiveSession
    session.run(tf.initialize_all_variables())  # expect: Session.run, tf.initialize_all_variables
    batch = np.zeros((2, 3), np.float32)
    out = session.run(tf.matmul(x, w), feed_dict={x: batch})  # expect: Session.run, feed_dict
    session.close()
    return out


class Model:
    def __init__(self):
        self.sess = tf.Session(config=tf.ConfigProto(log_device_placement=False))  # expect: tf.Session, tf.ConfigProto

    def predict(self, xs):
        return self.sess.run(loss, feed_dict={x: xs})  # expect: Session.run, feed_dict
