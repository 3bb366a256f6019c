"""Calls that still run on TF2 and compute something else, and optimizer namesakes."""
import tensorflow as tf

logits = tf.placeholder(tf.float32, [None, 10])  # expect: tf.placeholder
labels = tf.placeholder(tf.float32, [None, 10])  # expect: tf.placeholder
targets = tf.placeholder(tf.int32, [None])  # expect: tf.placeholder
keep_prob = tf.placeholder(tf.float32)  # expect: tf.placeholder

# Written for the TF 0.x order (logits, targets): TF2 reads (labels, logits).
sigmoid = tf.nn.sigmoid_cross_entropy_with_logits(logits, labels)  # expect: tf.nn.sigmoid_cross_entropy_with_logits
softmax = tf.nn.softmax_cross_entropy_with_logits(logits, labels)  # expect: tf.nn.softmax_cross_entropy_with_logits
sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(logits, targets)  # expect: tf.nn.sparse_softmax_cross_entropy_with_logits
# Keyword arguments, but TF1's loss lets no gradient into the labels; TF2's does.
soft_labels = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)  # expect: tf.nn.softmax_cross_entropy_with_logits
hits = tf.nn.in_top_k(logits, targets, 5)  # expect: tf.nn.in_top_k
dropped = tf.nn.dropout(logits, keep_prob)  # expect: tf.nn.dropout
halved = tf.nn.dropout(logits, 0.5)  # expect: tf.nn.dropout
kept = tf.nn.dropout(logits, keep_prob=0.8)  # expect: tf.nn.dropout(keep_prob=)
left, right = tf.split(0, 2, logits)  # expect: tf.split
joined = tf.concat(1, [left, right])  # expect: tf.concat
total = tf.reduce_sum(logits, reduction_indices=[1])  # expect: tf.reduce_sum(reduction_indices=)
mean = tf.reduce_mean(logits, 1, keep_dims=True)  # expect: tf.reduce_mean(keep_dims=)
best = tf.argmax(logits, dimension=1)  # expect: tf.argmax(dimension=)

# The same calls written for TF2 are not findings.
fine = tf.split(logits, 2, axis=1)
also_fine = tf.concat([left, right], axis=1)
summed = tf.reduce_sum(logits, axis=1, keepdims=True)

adam = tf.train.AdamOptimizer(1e-3)  # expect: tf.train.AdamOptimizer
rms = tf.train.RMSPropOptimizer(0.01, decay=0.9)  # expect: tf.train.RMSPropOptimizer
momentum = tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True)  # expect: tf.train.MomentumOptimizer
adagrad = tf.train.AdagradOptimizer(0.1)  # expect: tf.train.AdagradOptimizer
adadelta = tf.train.AdadeltaOptimizer(1.0)  # expect: tf.train.AdadeltaOptimizer
ftrl = tf.train.FtrlOptimizer(0.1)  # expect: tf.train.FtrlOptimizer
