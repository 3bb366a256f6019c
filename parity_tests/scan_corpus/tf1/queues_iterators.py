"""Input pipelines: queue runners and their threads, and TF1's dataset iterators."""
import tensorflow as tf


def queue_pipeline(files):
    queue = tf.train.string_input_producer(files, num_epochs=1)  # expect: tf.train.string_input_producer
    reader = tf.TFRecordReader()  # expect: tf.TFRecordReader
    _, record = reader.read(queue)
    features = tf.parse_single_example(record, {"x": tf.FixedLenFeature([3], tf.float32)})  # expect: tf.parse_single_example, tf.FixedLenFeature
    batch = tf.train.shuffle_batch([features["x"]], batch_size=32, capacity=100, min_after_dequeue=10)  # expect: tf.train.shuffle_batch
    with tf.Session() as sess:  # expect: tf.Session
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)  # expect: tf.train.start_queue_runners
        runner = tf.train.QueueRunner(tf.FIFOQueue(10, tf.float32), [batch])  # expect: tf.train.QueueRunner, tf.FIFOQueue
        threads += runner.create_threads(sess, coord=coord, start=True)  # expect: QueueRunner.create_threads
        try:
            while not coord.should_stop():
                sess.run(batch)  # expect: Session.run
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)


def dataset_pipeline(values):
    dataset = tf.data.Dataset.from_tensor_slices(values).batch(8)
    one_shot = dataset.make_one_shot_iterator()  # expect: Dataset.make_one_shot_iterator
    iterator = dataset.make_initializable_iterator()  # expect: Dataset.make_initializable_iterator
    generic = tf.data.Iterator.from_structure(dataset.output_types, dataset.output_shapes)  # expect: tf.data.Iterator.from_structure, Dataset.output_types, Dataset.output_shapes
    init_generic = generic.make_initializer(dataset)  # expect: Iterator.make_initializer
    element = iterator.get_next()
    with tf.Session() as sess:  # expect: tf.Session
        sess.run(iterator.initializer)  # expect: Session.run, Iterator.initializer
        sess.run([init_generic, one_shot.get_next()])  # expect: Session.run
        return sess.run(element)  # expect: Session.run
