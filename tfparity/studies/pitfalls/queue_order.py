"""Pitfall: a queue's thread count and order. ``tf.train.batch`` (and ``shuffle_batch``) dequeue
what ``num_threads`` reader threads enqueued, in the order the threads happened to run: with more
than one the order of examples changes from run to run, seeded or not, and no tf.data pipeline
reproduces it. With one thread and no shuffling (``string_input_producer(shuffle=False)``,
``tf.train.batch(num_threads=1)``) the order is the files' order, which ``TFRecordDataset`` reads the
same (the training_loop twin's queue pipeline; parity_tests/test_training_loop.py)."""
import os
import tempfile

RECORDS, BATCH, RUNS, THREADS = 64, 8, 5, 4
# What changes from one measurement to the next (threads' timing): a re-measurement is held to the
# record on every other entry only.
VARYING = (f"tf.train.batch, {THREADS} threads: distinct orders in {RUNS} runs",
           f"tf.train.shuffle_batch(seed=1), {THREADS} threads: distinct orders in {RUNS} runs",
           f"tf.train.shuffle_batch(seed=1), 1 thread: distinct orders in {RUNS} runs")


def _order(path, threads, shuffle=False):
    """The record ids of every batch dequeued in one run through a queue runner."""
    import tensorflow.compat.v1 as tf1
    graph = tf1.Graph()
    with graph.as_default():
        filenames = tf1.train.string_input_producer([path], shuffle=False, num_epochs=1)
        _, record = tf1.TFRecordReader().read(filenames)
        ident = tf1.parse_single_example(record, {"id": tf1.FixedLenFeature([], tf1.int64)})["id"]
        if shuffle:
            batch = tf1.train.shuffle_batch([ident], BATCH, capacity=RECORDS, min_after_dequeue=BATCH,
                                            num_threads=threads, seed=1)
        else:
            batch = tf1.train.batch([ident], BATCH, num_threads=threads)
        init = [tf1.global_variables_initializer(), tf1.local_variables_initializer()]
    found = []
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        coord = tf1.train.Coordinator()
        threads_run = tf1.train.start_queue_runners(sess=sess, coord=coord)
        for _ in range(RECORDS // BATCH):
            found += sess.run(batch).tolist()
        coord.request_stop()
        coord.join(threads_run)
    return tuple(found)


def measure():
    import tensorflow as tf
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ids.tfrecord")
        with tf.io.TFRecordWriter(path) as writer:
            for i in range(RECORDS):
                writer.write(tf.train.Example(features=tf.train.Features(feature={
                    "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[i]))})).SerializeToString())
        one = {_order(path, 1) for _ in range(RUNS)}
        many = {_order(path, THREADS) for _ in range(RUNS)}
        shuffled = {_order(path, THREADS, shuffle=True) for _ in range(RUNS)}
        shuffled_one = {_order(path, 1, shuffle=True) for _ in range(RUNS)}
    return dict(zip(VARYING, (len(many), len(shuffled), len(shuffled_one))), **{
        f"tf.train.batch, 1 thread: distinct orders in {RUNS} runs": len(one),
        "tf.train.batch, 1 thread: the file's order": one == {tuple(range(RECORDS))}})
