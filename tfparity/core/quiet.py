"""Load TensorFlow without its start-up notices.

TensorFlow 2.19 and later log through absl before ``absl::InitializeLog()`` has run, and
such messages ignore ``TF_CPP_MIN_LOG_LEVEL`` (tensorflow/tensorflow#100442). Measured on an
AVX-512 CPU with TF 2.21: with the variable at 2 or 3, importing TensorFlow still writes four
lines ("WARNING: All log messages before absl::InitializeLog() ..." and "oneDNN custom
operations are on", twice), so every one-line error became five lines. The C++ library
writes them straight to file descriptor 2: the only switch is that descriptor, pointed at a
temporary file while the library loads. Nothing is lost when loading fails: the captured text
is replayed then.
"""
import os
import sys
import tempfile

# What TensorFlow prints after it has loaded: warnings and errors, not INFO lines.
LOG_LEVEL = "2"


def import_tensorflow():
    """``import tensorflow``, with its start-up output held back unless the import fails."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", LOG_LEVEL)
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
    return tensorflow
