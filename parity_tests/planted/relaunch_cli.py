"""A port module as the porting trial wrote one: ``roots`` for ``tfparity checkpoint convert --into``,
and below it, not under ``if __name__ == "__main__":``, the conversion it is meant for. The
``tfparity`` that line starts imports this module (``--into``), whose last line starts it again:
without a guard, a chain of processes. The fuzz table runs it from a folder holding ckpt/ and map.json."""
import subprocess
import sys


def roots():
    from parity_tests.outside import tf2_port
    return tf2_port.checkpoint_roots()


subprocess.run([sys.executable, "-m", "tfparity.cli", "checkpoint", "convert", "ckpt/model.ckpt", "tf2/model",
                "--map", "map.json", "--into", f"{__file__}:roots"], check=True)
