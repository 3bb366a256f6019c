"""``tfparity bench [EXAMPLE ...]``: every mode of every example timed in its own process, with its
parity class: the table and the targets on stdout; --json, --out, --docs (docs/performance.md).
``tfparity bench --main-job``: the README's first command, ``tfparity run --all``, timed in a fresh
process (with --docs: added to docs/results/performance.json, the rest kept, and its page redrawn).

Every argument is checked before TensorFlow loads: a bench takes minutes, a full one half an hour.
"""
import sys
from pathlib import Path

from tfparity.cli import arguments
from tfparity.cli.arguments import UsageError, check_known, check_mnist, check_writable, number, output, path
from tfparity.core import harness, quiet
from tfparity.core.exits import Exit
from tfparity.core.files import NotWritable, check_target, kind_of, thawed
from tfparity.core.jsonio import dumps, jsonable, write_atomic
from tfparity.core.paths import DOCS

# What --out holds afterwards.
REPORT, CHART = "bench.md", "bench.png"
# What --docs writes: the record, then the page and chart drawn from it.
DOCS_RECORD = DOCS / "results" / "performance.json"
DOCS_PAGES = (DOCS / "performance.md", DOCS / "img" / "performance.png")
# --recorder: the corpus it tries, and the record --docs keeps (docs/porting.md quotes it).
LEGACY_CORPUS = DOCS.parent / "parity_tests" / "legacy_corpus"
RECORDER_RECORD = DOCS / "results" / "record.json"
# Each repeat times every mode of every example again: the full run's 5 take about half an hour,
# so 100 are most of a day, and a larger number is a slip, not a measurement.
MAX_REPEATS = 100


def add_parser(sub):
    bench = sub.add_parser("bench", help="time every execution mode with its parity class (slow; --quick for a smoke run)")
    bench.set_defaults(run=run)
    bench.add_argument("examples", nargs="*", metavar="EXAMPLE", help="only these (default: all)")
    bench.add_argument("--quick", action="store_true", help="small sizes, 2 repeats: a smoke run, not a measurement")
    bench.add_argument("--repeats", type=int, default=None, help="timed repeats per mode (default 5, --quick 2)")
    bench.add_argument("--no-determinism", action="store_true", help="skip the determinism matrix")
    bench.add_argument("--determinism-only", action="store_true",
                       help="measure only the determinism matrix (with --docs: added to the committed results "
                            "beside other machines' matrices, the timings kept)")
    bench.add_argument("--main-job", action="store_true",
                       help="time only `tfparity run --all` in a fresh process (with --docs: into the committed "
                            "results, the rest kept; `tfparity docs` then quotes it in the README)")
    bench.add_argument("--recorder", action="store_true",
                       help="try tfparity record on every program of the legacy corpus, each in a fresh process: "
                            "what happens to it and a recorded training run's time against an unrecorded one's "
                            "(with --docs: docs/results/record.json, quoted by docs/porting.md)")
    for option, settings in arguments.declared().items():  # each example's own options, as `run` takes them
        if settings.get("type") in (int, float):
            settings["type"] = number(settings["type"])
        bench.add_argument(f"--{option.replace('_', '-')}", **dict(settings, help="time this variant: " + settings["help"]))
    output(bench, "--json", "write the measurements as JSON")
    bench.add_argument("--out", metavar="DIR", type=path, help=f"write {REPORT} and {CHART} into DIR")
    bench.add_argument("--docs", action="store_true",
                       help="write docs/results/performance.json, docs/performance.md and its chart "
                            "(a full run of every example only)")


def run(args):
    if args.recorder:
        return _recorder(args)
    from tfparity.studies.performance.runner import FULL_REPEATS
    names = args.examples or harness.examples()
    check_known(names)
    read = check_mnist(names)
    if args.docs:
        _check_full(args, FULL_REPEATS)
        for target in (DOCS_RECORD, *DOCS_PAGES):
            check_writable(target, args.force, option="--docs", reads=read, replaces=True)
    if args.json:
        check_writable(args.json, args.force, reads=read)
    if args.out:
        _check_out(args)
    if args.repeats is not None and args.repeats < 1:
        raise UsageError(f"--repeats must be at least 1, got {args.repeats}")
    if args.repeats is not None and args.repeats > MAX_REPEATS:
        raise UsageError(f"--repeats {args.repeats}: at most {MAX_REPEATS} (each repeats every mode of every "
                         "example; the full run's 5 take about half an hour)")
    if args.determinism_only and args.no_determinism:
        raise UsageError("--determinism-only and --no-determinism exclude each other")
    args.options = {name: arguments.options(name, args) for name in names}
    given = sorted({key for found in args.options.values() for key in found})
    if given and not args.no_determinism:
        raise UsageError(f"--{given[0].replace('_', '-')} times that variant only: add --no-determinism (the "
                         "determinism matrix runs every example as it is by default)")
    if given and args.docs:
        raise UsageError(f"--{given[0].replace('_', '-')} with --docs: the committed record is every example as it is "
                         "by default")
    quiet.import_tensorflow()
    try:
        return _run(args, names)
    except (ValueError, OSError) as error:
        raise UsageError(str(error)) from None


def _recorder(args):
    """The recorder on the legacy corpus: a table on stdout; --json, --docs."""
    given = [option for option, value in (("EXAMPLE", args.examples), ("--quick", args.quick), ("--out", args.out),
                                          ("--repeats", args.repeats is not None), ("--main-job", args.main_job),
                                          ("--determinism-only", args.determinism_only)) if value]
    if given:
        raise UsageError(f"--recorder surveys the legacy corpus: drop {', '.join(given)}")
    for target in [args.json] * bool(args.json) + [RECORDER_RECORD] * args.docs:
        check_writable(target, args.force, option="--json" if target == args.json else "--docs",
                       replaces=target == RECORDER_RECORD)
    check_mnist()  # the corpus reads MNIST through input_data
    quiet.import_tensorflow()
    from tfparity.core.machine import fingerprint
    from tfparity.record import survey
    from tfparity.render.pages import recorder_table
    found = {"machine": fingerprint(), "steps": survey.STEPS, "overhead_goal": survey.OVERHEAD_GOAL,
             "scripts": survey.survey(LEGACY_CORPUS, progress=lambda name: print(f"  {name}", flush=True))}
    print(recorder_table(found))
    text = dumps(jsonable(found)) + "\n"
    if args.json:
        write_atomic(args.json, text, force=args.force)
    if args.docs:
        write_atomic(RECORDER_RECORD, text, force=args.force)
    return Exit.OK


def _check_full(args, full_repeats):
    """--docs replaces the committed measurements: only a full run may (a quick one once replaced
    five examples' half-hour measurements with one smoke entry)."""
    partial = [what for what, given in (
        ("--quick (a smoke run, not a measurement)", args.quick),
        (f"{' '.join(args.examples)} (the committed results hold every example)", args.examples),
        (f"--repeats {args.repeats} (a full run times {full_repeats})",
         args.repeats is not None and args.repeats < full_repeats)) if given]
    if partial:
        raise UsageError(f"--docs records a full run of every example, not with {'; '.join(partial)}: "
                         "write a partial run with --out DIR or --json PATH instead")


def _check_out(args):
    folder = Path(args.out)
    if not folder.is_dir():
        what = kind_of(folder) if folder.exists() else "nothing is there"
        raise UsageError(f"cannot write --out {args.out}: not a folder ({what})")
    for name in (REPORT, CHART):
        try:
            check_target(folder / name, args.force)
        except NotWritable as error:
            raise UsageError(f"cannot write --out {args.out}: {error}") from None


def _run(args, names):
    """Returns the exit status: 0, or 1 when a mode broke parity beyond the tolerance table."""
    if args.main_job:
        return _main_job(args)
    from tfparity.studies.performance import merged, render, report, runner
    result = runner.bench(names, args.quick, args.repeats, not args.no_determinism, options=args.options,
                          progress=lambda line: print(f"  {line}", flush=True), with_timing=not args.determinism_only)
    text = report.markdown(result)
    print(text)
    if args.json:
        write_atomic(args.json, dumps(jsonable(result)) + "\n", force=args.force)
    if args.out:
        write_atomic(Path(args.out) / REPORT, text, force=args.force)
        with thawed([Path(args.out) / CHART] if args.force else ()):
            report.chart(result, Path(args.out) / CHART)
    if args.docs:
        write_atomic(DOCS_RECORD, dumps(jsonable(merged(DOCS, result))) + "\n", force=args.force)
        with thawed(DOCS_PAGES if args.force else ()):
            render(DOCS)
    broken = [m for modes in result["examples"].values() for m in modes.values()
              if m.get("status") == "mismatch" or "error" in m]
    return Exit.MISMATCH if broken else Exit.OK


def _main_job(args):
    """``tfparity run --all`` timed: its section on stdout; --json, --docs (the rest of the record kept)."""
    given = [option for option, value in (("EXAMPLE", args.examples), ("--quick", args.quick),
                                          ("--repeats", args.repeats is not None), ("--out", args.out),
                                          ("--determinism-only", args.determinism_only)) if value]
    if given:
        raise ValueError(f"--main-job times the whole `tfparity run --all`: drop {', '.join(given)}")
    from tfparity.studies.performance import render, report, runner, with_main_job
    job = runner.main_job()
    if job["exit_status"]:
        print(f"tfparity bench: `{job['command']}` exited with status {job['exit_status']}: its time is not "
              "a measurement, nothing written", file=sys.stderr)
        return Exit.MISMATCH
    print(report.main_job_section(job))
    if args.json:
        write_atomic(args.json, dumps(jsonable(job)) + "\n", force=args.force)
    if args.docs:
        write_atomic(DOCS_RECORD, dumps(jsonable(with_main_job(DOCS, job))) + "\n", force=args.force)
        with thawed(DOCS_PAGES if args.force else ()):
            render(DOCS)
    return Exit.OK
