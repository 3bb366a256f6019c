"""The recording's file: one NumPy ``.npz`` archive that loads without pickle.

Written by ``tfparity record --out FILE`` (``to_bytes``), read by ``load(FILE)``. The archive is a
ZIP of ``.npy`` members (``np.load(FILE, allow_pickle=False)`` opens it): ``__index__`` is the
index, a ``uint8`` array of UTF-8 JSON; every other member (``a0``, ``a1``, ...) is one array the
index names. Members are stored uncompressed, the index first, then the arrays in the order they
were recorded, with a fixed timestamp, so that one recording made twice is the same bytes.

The index (``FORMAT``, version ``VERSION``)::

    format, version      "tfparity-recording", 2
    script, argv         the script's file name and its arguments
    tensorflow, machine  TensorFlow's version; tfparity.core.machine.fingerprint() (oneDNN on or off)
    grappler             {cause: on or off} for grappler's passes a cause names
                         (tfparity.core.tolerances.GRAPPLER; both off under record --strict)
    seeds                {"graph": the graph-level seed a graph gets when the script sets none,
                          "numpy": the seed NumPy's global generator gets before the script starts}
    steps, stop          --steps N and --stop as given
    trained              training runs recorded (at most steps)
    sessions             one per Session that ran, in the order of its first run:
        graph_seed       its graph's graph-level seed at that first run
        initialized_after_run   the run after which every global variable first read
                                (null: never, then variables is empty)
        variables        [{name (op name), shape, dtype, value}]: each global variable's value then
    runs                 every Session.run until the last recorded training run, in order:
        session          index into sessions
        feeds            [{name (tensor name), value}]: each fed tensor's value as the graph got it
                         (converted to the placeholder's dtype, as Session.run converts it)
        fetches          [{path, name, value}]: the fetch structure flattened, path "" for a single
                         fetch, "0", "1/loss" for nested ones (a list's index, a dict's key); name
                         the tensor's or op's; value null for an op
        random           [{name (op name), type (op type), value}]: the output of each random op
                         the run evaluated, in the order the script made the ops
        unrecorded_random   names of random ops the run may evaluate inside a tf.cond or
                            tf.while_loop, whose value cannot be fetched from outside it
        dequeued         [{name (tensor name), value}]: each output of the queue dequeues and
                         tf.data iterators the run evaluated: the batch its input pipeline gave it
        training         whether the run writes variables (tfparity.record.recorder says the rule)
        step             1, 2, ... for a recorded training run, else null
        variables        after a training run: [{name, value}], every global variable's value
                         after it (read in a run of its own); else null

Every ``value`` in the index is a member's name (or null); equal arrays (the same dtype, shape and
bytes) share one member. ``load`` puts the arrays in their place.
Strings are stored as NumPy byte strings (``S``), never as Python objects.
"""
import io
import json
import zipfile

import numpy as np

FORMAT, VERSION = "tfparity-recording", 2  # 2: dequeued batches, grappler, draws typed
INDEX = "__index__"
# A ZIP member's timestamp: fixed, so that the bytes do not depend on when the file was made
# (1980-01-01, the earliest a ZIP header can hold).
TIMESTAMP = (1980, 1, 1, 0, 0, 0)


class NotARecording(ValueError):
    """A file ``load`` cannot read as a recording; the message is one line."""


def storable(value):
    """``value`` as an array ``np.save`` writes without pickle: copied (a fetched variable's array
    may share the variable's memory), strings as byte strings."""
    array = np.array(value, copy=True)
    if array.dtype == object:
        array = array.astype(bytes)  # TensorFlow's strings: bytes objects
    return array


def to_bytes(index, arrays):
    """The file's bytes: ``index`` (JSON-able, naming the members) and ``arrays`` (name -> array)."""
    text = json.dumps(index, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, array in [(INDEX, np.frombuffer(text, np.uint8)), *arrays.items()]:
            with archive.open(zipfile.ZipInfo(f"{name}.npy", date_time=TIMESTAMP), "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def load(path):
    """The recording at ``path`` as plain Python and NumPy: the index, with each ``value`` the array
    it names. Raises ``NotARecording`` (one line) for a file that is not one, or of another version."""
    try:
        archive = np.load(path, allow_pickle=False)
    except OSError as error:
        raise NotARecording(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, EOFError, zipfile.BadZipFile):  # numpy reads what is neither .npy nor .npz as a pickle
        raise NotARecording(f"{path} is not a recording: not an .npz archive") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise NotARecording(f"{path} is not a recording: one .npy array, not an .npz archive")
    try:
        with archive:
            if f"{INDEX}.npy" not in archive.zip.namelist():
                raise NotARecording(f"{path} is not a recording: an .npz archive without {INDEX}")
            index = json.loads(bytes(archive[INDEX]).decode())
            if not isinstance(index, dict) or (index.get("format"), index.get("version")) != (FORMAT, VERSION):
                raise NotARecording(f"{path} is not a {FORMAT} of version {VERSION}")
            arrays = {name: archive[name] for name in archive.files if name != INDEX}
        return _filled(index, arrays)
    except NotARecording:
        raise
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
        raise NotARecording(f"{path} is not a recording: {type(error).__name__}: {error}") from None


def _filled(index, arrays):
    """The index with each ``value`` the array it names; KeyError, TypeError for an index that is not
    this format's."""
    def filled(entries):
        return [{**entry, "value": None if entry["value"] is None else arrays[entry["value"]]} for entry in entries]
    for session in index["sessions"]:
        session["variables"] = filled(session["variables"])
    for run in index["runs"]:
        for field in ("feeds", "fetches", "random", "dequeued"):
            run[field] = filled(run[field])
        if run["variables"] is not None:
            run["variables"] = filled(run["variables"])
    return index
