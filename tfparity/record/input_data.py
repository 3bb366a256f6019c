"""TF1's ``tensorflow.examples.tutorials.mnist.input_data``, with its behaviour, on the verified MNIST.

TF1's module re-exported ``read_data_sets`` and ``DataSet`` from
tensorflow/contrib/learn/python/learn/datasets/mnist.py (tensorflow/tensorflow, r1.x; read at
commit 6535ed7c). What is kept from it, written anew here:

- the 5,000-image validation split taken from the front of the training file, the rest training;
- images flattened to 784 (``reshape=True``) and, for ``dtype=float32``, ``astype(float32)`` times
  ``1.0 / 255.0`` (so the same float32 values as TF1's, not a division); ``uint8`` left as read;
- labels as read (uint8), or with ``one_hot`` TF1's ``dense_to_one_hot`` (float64, as its
  ``numpy.zeros`` made them);
- each ``DataSet`` re-seeds NumPy's *global* generator when it is made, with the graph-level seed
  (``tf.set_random_seed``) when there is one, else with fresh entropy (``numpy.random.seed(None)``,
  so without a graph-level seed the shuffle differs from run to run, as it did in TF1); an explicit
  ``seed`` gives the op-level part of ``get_seed(seed)``;
- ``next_batch`` shuffles with ``numpy.random.shuffle`` of the global generator before the first
  batch, and at each epoch's end returns the rest of the epoch joined to the start of a newly
  shuffled one.

What differs: the files are read from the checksum-verified MNIST (``shared_data.mnist``:
$MNIST_DIR, else the per-user cache, downloaded there when missing, as TF1 downloaded), not from
``train_dir``; ``source_url`` is accepted and not used; nothing is printed.
"""
import collections

import numpy

from shared_data import mnist

VALIDATION_SIZE = 5000  # TF1's default validation split
CLASSES = 10
FAKE_EXAMPLES = 10000  # the size TF1 gave a fake_data set

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def dense_to_one_hot(labels_dense, num_classes):
    """Labels [N] as one-hot rows [N, num_classes], float64 as in TF1."""
    one_hot = numpy.zeros((labels_dense.shape[0], num_classes))
    one_hot[numpy.arange(labels_dense.shape[0]), labels_dense] = 1
    return one_hot


def _dtype(dtype):
    import tensorflow as tf
    dtype = tf.as_dtype(dtype).base_dtype
    if dtype not in (tf.uint8, tf.float32):
        raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
    return dtype


class DataSet:
    """Images and labels, served in batches shuffled per epoch by NumPy's global generator."""

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype="float32", reshape=True, seed=None):
        import tensorflow as tf
        graph_seed, op_seed = tf.compat.v1.get_seed(seed)
        numpy.random.seed(graph_seed if seed is None else op_seed)  # TF1's reseeding of the global state
        dtype = _dtype(dtype)
        if fake_data:
            self._num_examples, self.one_hot = FAKE_EXAMPLES, one_hot
        else:
            if images.shape[0] != labels.shape[0]:
                raise ValueError(f"images.shape: {images.shape} labels.shape: {labels.shape}")
            self._num_examples = images.shape[0]
            if reshape:  # [N, rows, columns, 1] -> [N, rows * columns]
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == tf.float32:
                images = images.astype(numpy.float32) * (1.0 / 255.0)
        self._images, self._labels = images, labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def _shuffle(self):
        order = numpy.arange(self._num_examples)
        numpy.random.shuffle(order)
        self._images, self._labels = self._images[order], self._labels[order]

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next ``batch_size`` examples; an epoch's end wraps into the next, reshuffled."""
        if fake_data:
            label = [1] + [0] * (CLASSES - 1) if self.one_hot else 0
            return [[1] * 784 for _ in range(batch_size)], [label for _ in range(batch_size)]
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch += batch_size
            return self._images[start:self._index_in_epoch], self._labels[start:self._index_in_epoch]
        self._epochs_completed += 1
        rest_images, rest_labels = self._images[start:], self._labels[start:]
        if shuffle:
            self._shuffle()
        self._index_in_epoch = batch_size - (self._num_examples - start)
        end = self._index_in_epoch
        return (numpy.concatenate((rest_images, self._images[:end]), axis=0),
                numpy.concatenate((rest_labels, self._labels[:end]), axis=0))


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype="float32", reshape=True,
                   validation_size=VALIDATION_SIZE, seed=None, source_url=None):
    """MNIST as TF1's ``input_data.read_data_sets`` gave it: ``Datasets(train, validation, test)``;
    ``train_dir`` is where TF1 downloaded to, not read here (see the module's docstring)."""
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())
    files = mnist.raw(download=True)
    train_images = files["train-images-idx3-ubyte"][..., None]  # TF1 read [N, rows, columns, 1]
    test_images = files["t10k-images-idx3-ubyte"][..., None]
    train_labels, test_labels = files["train-labels-idx1-ubyte"], files["t10k-labels-idx1-ubyte"]
    if one_hot:
        train_labels, test_labels = dense_to_one_hot(train_labels, CLASSES), dense_to_one_hot(test_labels, CLASSES)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(f"Validation size should be between 0 and {len(train_images)}. Received: {validation_size}.")
    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    return Datasets(train=DataSet(train_images[validation_size:], train_labels[validation_size:], **options),
                    validation=DataSet(train_images[:validation_size], train_labels[:validation_size], **options),
                    test=DataSet(test_images, test_labels, **options))
