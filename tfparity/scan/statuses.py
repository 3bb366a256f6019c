"""The status table a scan uses: the committed one, or a fresh probe when TensorFlow differs.

The committed table (docs/results/scan.json) was probed from one TensorFlow release. When the
installed release is another (read from the installed package's metadata, which loads nothing),
the scan probes the installed TensorFlow itself, so statuses are always those of the TF at hand.
"""
import importlib.metadata

from tfparity.core.paths import DOCS
from tfparity.core.records import load_plain, record_path
from tfparity.scan import advice

# The names TensorFlow's CPU and GPU builds are installed under.
DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel", "tf-nightly")


def installed():
    """The installed TensorFlow's version, or None where none is installed."""
    for name in DISTRIBUTIONS:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def table(folder=DOCS):
    """The indexed status table (see ``index``), with "source": where its statuses came from."""
    committed = load_plain(folder, "scan")["table"] if record_path(folder, "scan").exists() else None
    version = installed()
    if committed and version in (None, committed["tensorflow"]):
        source = f"TensorFlow {committed['tensorflow']}, the table committed in docs/results/scan.json"
        return dict(index(committed, folder), source=source)
    if version is None:
        from tfparity.scan.sources import BadInput
        raise BadInput("no status table (docs/results/scan.json) and no TensorFlow installed to probe")
    from tfparity.scan import probe  # loads TensorFlow: only when the committed table does not apply
    probed = probe.probe()
    return dict(index(probed, folder), source=f"TensorFlow {probed['tensorflow']}, probed for this scan")


def index(probed, folder=DOCS):
    """A probed table with {"status": {symbol: status}}, the API map's rows with their verdicts
    (``advice``) and the false-friends rows by TF1 name."""
    statuses = {symbol: status for status, symbols in probed["statuses"].items() for symbol in symbols}
    friends = load_plain(folder, "false_friends") if record_path(folder, "false_friends").exists() else {}
    return dict(probed, status=statuses, steps=friends.get("steps"), advice=advice.resolved(folder),
                friends={r["tf1"].replace("tf1.", "tf."): r for r in reversed(friends.get("optimizers", []))})
