"""A TF1 program's module that switches eager execution off for the whole process as it is
imported, as TF1 scripts often begin (disable_v2_behavior() does it too, after a deprecation notice
of TensorFlow's own)."""
import tensorflow.compat.v1 as tf1

from parity_tests.fuzz.programs import pair

tf1.disable_eager_execution()
run = pair.tf1_run
