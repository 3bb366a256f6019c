"""``tfparity record [--steps N] [--stop] [--strict] [--runtime 2.15] --out FILE [--] SCRIPT [ARGS...]``:
a TF1 script run as written under the legacy runtime (``tfparity.record``), its ``Session.run`` calls recorded into one
file (``tfparity.record.recording`` says its format, ``tfparity.record.recorder`` what is kept).
``--plain`` runs it without recording anything. ``--runtime 2.15`` runs the same command under
TensorFlow 2.15 (``tfparity.cli.record_runtime``), for a ``tf.estimator`` program.
"""
import argparse
import os
import sys
import traceback

from tfparity.cli.arguments import check_writable, number, output, path
from tfparity.core import quiet
from tfparity.core.exits import Exit, UsageError
from tfparity.core.files import NotWritable, kind_of, write_atomic
from tfparity.record.recorder import DEFAULT_STEPS
PORT_FILE = "port.py"  # what --emit-port writes into its folder
# Frames of a script's traceback that are not the script's: tfparity's own and runpy's.
NOT_THEIRS = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
              os.path.abspath(__import__("runpy").__file__), "<frozen runpy")
EPILOG = """exit status:
  0    the script ran to its end (or exited with status 0, or --stop ended it): FILE written
  2    bad input (no such script, a folder, not a .py file, no --out, --steps below 1, an --out
       that cannot be written, a --runtime not offered or whose environment cannot be made), or
       the script uses what the legacy runtime cannot serve: one line naming it and what to do;
       nothing written
  3    the script's own code raised or exited with another status: its traceback; nothing written
  130  interrupted by Ctrl-C: nothing written"""


def add_parser(sub):
    record = sub.add_parser("record", help="run a TF1 script as written under the legacy runtime and record its "
                            "Session.run calls", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    record.set_defaults(run=run)
    record.add_argument("--plain", action="store_true",
                        help="run the script under the legacy runtime without recording anything")
    output(record, "--out", "the recording, one .npz file (required unless --plain)", metavar="FILE")
    record.add_argument("--steps", type=number(int), default=None, metavar="N",
                        help=f"record the variables after each of the first N training runs, then nothing more "
                             f"(default {DEFAULT_STEPS})")
    record.add_argument("--stop", action="store_true", help="end the script after the N-th training run")
    record.add_argument("--strict", action="store_true", help="record with every switchable cause off (oneDNN, "
                        "grappler's arithmetic optimizer and remapper): a port's difference that a --strict recording "
                        "does not show is theirs")
    record.add_argument("--runtime", metavar="VERSION", help="record under another TensorFlow, in a virtual "
                        "environment of its own made on first use: 2.15 (the last with tf.estimator)")
    record.add_argument("--emit-port", metavar="DIR", type=path, help="also write DIR/port.py, a TF2 port to start "
                        "from: a tf.Variable per recorded variable under its TF1 name, TF1's optimizer rule, and a step "
                        "taking the fed tensors, whose body you write")
    record.add_argument("script", metavar="SCRIPT", help="the TF1 program, a .py file, run as __main__")
    record.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="the script's own arguments")


def _check_script(path):
    if not os.path.exists(path):
        raise UsageError(f"no file {path}")
    if os.path.isdir(path):
        raise UsageError(f"{path} is a folder: name the script, a .py file")
    if not os.path.isfile(path):
        raise UsageError(f"{path} is {kind_of(path)}, not a script")
    if not path.endswith(".py"):
        raise UsageError(f"{path} is not a .py file: name the script to run")


def _check_options(args):
    if args.plain:
        given = [name for name, value in (("--out", args.out), ("--steps", args.steps), ("--stop", args.stop),
                                          ("--strict", args.strict), ("--emit-port", args.emit_port)) if value]
        if given:
            raise UsageError(f"{', '.join(given)}: options of a recording; --plain records nothing")
        return
    if args.out is None:
        raise UsageError("name the recording's file with --out FILE (or run without recording: --plain)")
    check_writable(args.out, args.force, "--out", reads=[args.script])
    if args.emit_port is not None:
        if os.path.exists(args.emit_port) and not os.path.isdir(args.emit_port):
            raise UsageError(f"--emit-port {args.emit_port} is {kind_of(args.emit_port)}, not a folder")
        if os.path.isdir(args.emit_port):
            check_writable(os.path.join(args.emit_port, PORT_FILE), args.force, "--emit-port",
                           reads=[args.script, args.out])
        elif not os.path.isdir(os.path.dirname(os.path.abspath(args.emit_port))):
            raise UsageError(f"cannot write --emit-port {args.emit_port}: its parent folder does not exist")


def run(args):
    _check_script(args.script)
    _check_options(args)
    script_args = args.args[1:] if args.args[:1] == ["--"] else args.args
    if args.runtime is not None:  # before TensorFlow loads here: the recording is made under the other one
        from tfparity.cli import record_runtime
        return record_runtime.run(args, script_args)
    if args.strict and "tensorflow" not in sys.modules:  # fixed when TensorFlow loads
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    tf = quiet.import_tensorflow()
    from tfparity.core import tolerances
    from tfparity.core.machine import onednn_active
    from tfparity.record import recorder, recording, runtime
    if args.strict and onednn_active():
        raise UsageError("--strict cannot switch oneDNN off in a process where TensorFlow has loaded with it on: "
                         "run tfparity record --strict as a command of its own")
    grappler = tf.config.optimizer.get_experimental_options()
    if args.strict:
        tolerances.switch_off()
    try:
        return _record(args, script_args, recorder, recording, runtime)
    finally:  # as they were: the default of each is on
        tf.config.optimizer.set_experimental_options({option: grappler.get(option, True)
                                                      for option in tolerances.GRAPPLER.values()})


def _record(args, script_args, recorder, recording, runtime):
    try:
        if args.plain:
            runtime.run_script(args.script, script_args)
            return Exit.OK
        steps = DEFAULT_STEPS if args.steps is None else args.steps
        timing = {}
        index, arrays = recorder.record(args.script, script_args, steps, args.stop, timing)
    except runtime.Unserved as unserved:
        raise UsageError(str(unserved)) from None
    except runtime.ScriptFailed as failed:
        return _failed(failed)
    data = recording.to_bytes(index, arrays)
    try:
        write_atomic(args.out, data, args.force)
    except NotWritable as error:  # it changed while the script ran
        raise UsageError(f"cannot write --out {args.out}: {error}") from None
    if args.emit_port is not None:
        _emit(args, index)
    print(f"tfparity: recorded {len(index['runs'])} Session.run calls, {index['trained']} of {steps} training "
          f"runs{' (then stopped)' if args.stop and index['trained'] == steps else ''}: {args.out}, "
          f"{_size(len(data))}", file=sys.stderr)
    measured = recorder.overhead(timing)
    if measured is not None:
        recorded, unrecorded, ratio = measured
        print(f"tfparity: a recorded training run took {recorded:.3g} s, an unrecorded one {unrecorded:.3g} s "
              f"(medians of {len(timing['recorded'])} and {len(timing['unrecorded'])}): {ratio:.2f}x", file=sys.stderr)
    return Exit.OK


def _emit(args, index):
    from tfparity.record import emit, replay
    try:
        source = emit.port_source(index, os.path.basename(args.script))
    except replay.ReplayError as error:
        raise UsageError(f"--emit-port: {error}") from None
    os.makedirs(args.emit_port, exist_ok=True)
    target = os.path.join(args.emit_port, PORT_FILE)
    write_atomic(target, source, args.force)
    print(f"tfparity: a port to start from: {target}", file=sys.stderr)


def _size(count):
    for unit in ("bytes", "kB", "MB"):
        if count < 1000 or unit == "MB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000


def _failed(failed):
    """The script's traceback (its frames, without tfparity's), then one line."""
    raised = failed.error
    frames = [f for f in traceback.extract_tb(raised.__traceback__) if not f.filename.startswith(NOT_THEIRS)]
    if isinstance(raised, Exception):
        trimmed = raised.with_traceback(_from_their_first_frame(raised.__traceback__))
        traceback.print_exception(trimmed)
    elif frames:  # sys.exit: where it was called
        print("Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)).rstrip(), file=sys.stderr)
    print(f"tfparity: error inside your own code, in {failed.script}: {failed.how} (traceback above)", file=sys.stderr)
    return Exit.USER_CODE


def _from_their_first_frame(tb):
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(NOT_THEIRS):
        tb = tb.tb_next
    return tb
