"""Pitfall: the summary step off by one. TF1 programs write ``add_summary(summary, global_step)``
with the global step after the update (``minimize(global_step=...)`` increments it in the train
op's run), so step k holds update k's loss, from 1. A TF2 loop that writes before incrementing
(``step=optimizer.iterations`` read before ``apply_gradients``, or a counter from 0) puts every
value one step earlier: TensorBoard's curves shift, and a comparison by step pairs update k with
update k+1."""
import os
import tempfile

STEPS = 3


def _steps(folder):
    import tensorflow.compat.v1 as tf1
    found = []
    for name in sorted(os.listdir(folder)):
        found += [event.step for event in tf1.train.summary_iterator(os.path.join(folder, name)) if event.summary.value]
    return found


def measure():
    import tensorflow as tf
    import tensorflow.compat.v1 as tf1
    with tempfile.TemporaryDirectory() as folder:
        tf1_dir, before, after = (os.path.join(folder, n) for n in ("tf1", "before", "after"))
        graph = tf1.Graph()
        with graph.as_default():
            global_step = tf1.train.get_or_create_global_step()
            loss = tf1.cast(global_step, tf1.float32)
            train_op = tf1.assign_add(global_step, 1)
            summary = tf1.summary.scalar("loss", loss)
            writer = tf1.summary.FileWriter(tf1_dir)
            with tf1.Session(graph=graph) as sess:
                sess.run(tf1.global_variables_initializer())
                for _ in range(STEPS):
                    summary_now, _ = sess.run([summary, train_op])
                    writer.add_summary(summary_now, sess.run(global_step))
            writer.close()
        for where, late in ((before, False), (after, True)):
            step = tf.Variable(0, dtype=tf.int64)
            with tf.summary.create_file_writer(where).as_default():
                for _ in range(STEPS):
                    value = tf.cast(step, tf.float32)
                    if late:
                        step.assign_add(1)
                    tf.summary.scalar("loss", value, step=step)
                    if not late:
                        step.assign_add(1)
        return {"TF1 add_summary at the global step after the update: steps": _steps(tf1_dir),
                "TF2 tf.summary.scalar at the step before the update: steps": _steps(before),
                "TF2 tf.summary.scalar at the step after the update: steps": _steps(after)}
