"""Methods named like TF1's on objects that are not TensorFlow's: this file never imports TF."""
import subprocess


class Session:
    def run(self, command, options=None):
        return subprocess.run(command, check=False, **(options or {}))


sess = Session()
sess.run(["true"], {"capture_output": True})
shape = [type("Dim", (), {"value": 3})()]
print(shape[0].value, eval("1 + 1"))
