"""MirroredStrategy run eagerly, as a distributing twin's tf2_eager mode runs it, in a command's
TensorFlow (``tfparity.core.quiet``): TensorFlow's warning about it must not reach stderr. The
filters are then removed and it runs again, so the test sees the real warning come back."""
import sys

from tfparity.core import quiet


def replica_step():
    return quiet.import_tensorflow().constant(1.0)


def main():
    tf = quiet.import_tensorflow()
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    strategy.run(replica_step)
    tf.get_logger().filters.clear()
    print("filter removed", file=sys.stderr, flush=True)
    strategy.run(replica_step)


if __name__ == "__main__":
    main()
