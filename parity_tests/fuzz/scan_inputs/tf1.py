"""TF1 the scan's fuzz cases copy into their folders: one finding (tf.placeholder, line 4)."""
import tensorflow as tf

x = tf.placeholder(tf.float32)
