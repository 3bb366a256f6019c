"""``tfparity bench [EXAMPLE ...]``: every mode of every example timed in its own process, with its
parity class: the table and the targets on stdout; --json, --out, --docs (docs/performance.md).
``tfparity bench --main-job``: the README's first command, ``tfparity run --all``, timed in a fresh
process (with --docs: added to docs/results/performance.json, the rest kept, and its page redrawn)."""
import sys
from pathlib import Path

from tfparity.cli.arguments import UsageError, check_known, check_writable
from tfparity.core import harness, quiet
from tfparity.core.exits import Exit
from tfparity.core.jsonio import dumps, jsonable, write_atomic
from tfparity.core.paths import DOCS


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
    bench.add_argument("--json", metavar="PATH", help="write the measurements as JSON")
    bench.add_argument("--out", metavar="DIR", help="write bench.md and bench.png into DIR")
    bench.add_argument("--docs", action="store_true",
                       help="write docs/results/performance.json, docs/performance.md and its chart")


def run(args):
    names = args.examples or harness.examples()
    check_known(names)
    if args.json:
        check_writable(args.json)
    quiet.import_tensorflow()
    try:
        return _run(args, names)
    except (ValueError, OSError) as error:
        raise UsageError(str(error)) from None


def _run(args, names):
    """Returns the exit status: 0, or 1 when a mode broke parity beyond the tolerance table."""
    if args.repeats is not None and args.repeats < 1:
        raise ValueError(f"--repeats must be at least 1, got {args.repeats}")
    if args.out and not Path(args.out).is_dir():  # --json is checked by the command line
        raise ValueError(f"cannot write into {args.out}: not a folder")
    if args.determinism_only and args.no_determinism:
        raise ValueError("--determinism-only and --no-determinism exclude each other")
    if args.main_job:
        return _main_job(args)
    from tfparity.studies.performance import merged, render, report, runner
    result = runner.bench(names, args.quick, args.repeats, not args.no_determinism,
                          progress=lambda line: print(f"  {line}", flush=True), with_timing=not args.determinism_only)
    text = report.markdown(result)
    print(text)
    if args.json:
        write_atomic(args.json, dumps(jsonable(result)) + "\n")
    if args.out:
        write_atomic(Path(args.out) / "bench.md", text)
        report.chart(result, Path(args.out) / "bench.png")
    if args.docs:
        write_atomic(DOCS / "results" / "performance.json", dumps(jsonable(merged(DOCS, result))) + "\n")
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
        write_atomic(args.json, dumps(jsonable(job)) + "\n")
    if args.docs:
        write_atomic(DOCS / "results" / "performance.json", dumps(jsonable(with_main_job(DOCS, job))) + "\n")
        render(DOCS)
    return Exit.OK
