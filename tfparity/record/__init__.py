"""A legacy runtime: a TF1 script run as written, on the installed TensorFlow 2, and its run recorded.

Inside the script, ``import tensorflow as tf`` gives TF1's API (``tf.compat.v1`` with v2
behaviour off), ``tf.contrib.rnn``, ``tf.nn.rnn_cell``, ``tf.layers`` and ``tf.keras`` served by
tf-keras (Keras 2), ``tf.contrib.slim`` and ``tf.contrib.layers`` by tf-slim, and
``tensorflow.examples.tutorials.mnist.input_data`` reading the checksum-verified MNIST. What
cannot be served stops the run with one line naming it. ``runtime.run_script`` is the one entry:
``tfparity record --plain`` calls it; ``recorder.record`` wraps it, intercepting ``Session.run``,
and ``recording`` is the file it makes (``recording.load`` reads one back).
"""
