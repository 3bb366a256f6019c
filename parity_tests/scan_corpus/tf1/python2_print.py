"""A TF1 script from the Python 2 days: it does not parse as Python 3."""
import tensorflow as tf

sess = tf.Session()
print "loss:", sess.run(tf.constant(1.0))  # expect: (does not parse)
