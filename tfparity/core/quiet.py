"""Load TensorFlow without its start-up notices, and without its advice on what is done on purpose.

TensorFlow 2.19 and later log through absl before ``absl::InitializeLog()`` has run, and
such messages ignore ``TF_CPP_MIN_LOG_LEVEL`` (tensorflow/tensorflow#100442). Measured on an
AVX-512 CPU with TF 2.21: with the variable at 2 or 3, importing TensorFlow still writes four
lines ("WARNING: All log messages before absl::InitializeLog() ..." and "oneDNN custom
operations are on", twice), so every one-line error became five lines. The C++ library
writes them straight to file descriptor 2: the only switch is that descriptor, pointed at a
temporary file while the library loads. Nothing is lost when loading fails: the captured text
is replayed then. Once loaded, the C++ runtime does honour the variable set before it loaded.

TensorFlow's Python logger also advises against what the examples measure on purpose: ``ON_PURPOSE``
lists those messages, and only those are dropped, at that logger.
"""
import logging
import os
import sys
import tempfile

# What TensorFlow's C++ runtime prints after it has loaded: its errors, not its warnings or INFO lines.
LOG_LEVEL = "2"
# Not even its errors: for a command that runs only this project's own measurements (`tfparity
# friends`), where an error that matters raises in Python. friends printed an "E0000 ... DT_HALF"
# line (issue 28, on an AMD EPYC; not seen on a CPU with AVX512_FP16): the runtime's, from the one
# run in half precision (its mixed_float16 knob), which then ran on and was measured.
OWN_CODE_LOG_LEVEL = "3"
# TensorFlow's Python warnings about what an example does on purpose: each message's start, and why.
ON_PURPOSE = (
    # A twin that distributes runs strategy.run eagerly in the tf2_eager mode: that is the mode
    # measured (tf2_function is its tf.function); TensorFlow says so five times per process.
    "Using MirroredStrategy eagerly has significant overhead",
)


class _OnPurpose(logging.Filter):
    def filter(self, record):
        return not record.getMessage().startswith(ON_PURPOSE)


def import_tensorflow(log_level=LOG_LEVEL):
    """``import tensorflow``, with its start-up output held back unless the import fails; its C++
    runtime's messages below ``log_level`` (TF_CPP_MIN_LOG_LEVEL, unless set) and the warnings
    ``ON_PURPOSE`` dropped."""
    if "tensorflow" in sys.modules:  # loaded by the caller: only the warnings to drop
        return _on_purpose_dropped(sys.modules["tensorflow"])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", log_level)
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            import tensorflow
        except Exception:  # not on Ctrl-C: then the notices are noise too
            os.dup2(saved, 2)
            capture.seek(0)
            sys.stderr.write(capture.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return _on_purpose_dropped(tensorflow)


def _on_purpose_dropped(tensorflow):
    logger = tensorflow.get_logger()
    if not any(isinstance(f, _OnPurpose) for f in logger.filters):
        logger.addFilter(_OnPurpose())
    return tensorflow
