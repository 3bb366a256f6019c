"""``tfparity docs``: re-measure every example and study and regenerate the guide in docs/
(``--render-only``: redraw the pages, plots and notebooks from docs/results); building this
checkout's docs/ also rewrites the README's line on the main job's time from docs/results."""
import os
import time

from tfparity.cli.arguments import UsageError, check_folder, check_known, path
from tfparity.core import quiet, records
from tfparity.core.files import read_only_files, staged_folder, write_atomic
from tfparity.core.paths import DOCS, README


def add_parser(sub):
    docs = sub.add_parser("docs", help="re-measure every example and regenerate the guide in docs/")
    docs.set_defaults(run=run)
    docs.add_argument("--out", default=None, type=path, help="folder to write (default: docs/ of this "
                      "checkout); rebuilt in a copy beside it and swapped in when complete")
    docs.add_argument("--force", action="store_true", help="let the rebuild replace read-only files in the "
                      "folder (their mode is kept)")
    docs.add_argument("--render-only", action="store_true",
                      help="redraw pages and plots from the records in OUT/results without training")
    docs.add_argument("examples", nargs="*", metavar="EXAMPLE", help="only these (default: all)")


class Progress:
    """Per-epoch progress lines for epoch-based examples: loss, test accuracy, seconds.

    The harness's contract: ``progress(mode, epoch, trace)`` with ``epoch`` an int (0 as a mode
    starts) and ``trace`` the fields so far, named as in the returned trace; an example with
    several methods (``method/field``) counts each method's epochs from 1."""

    def __init__(self):
        self.clock = {}

    def __call__(self, mode, epoch, trace):
        now, before = time.perf_counter(), self.clock.get(mode)
        self.clock[mode] = now
        if epoch:
            loss = next(field for field in trace if field.endswith("epoch_loss"))
            prefix = loss[:-len("epoch_loss")]
            method = f" ({prefix.rstrip('/')})" if prefix else ""
            print(f"  {mode} epoch {epoch}{method}: loss {trace[loss][-1]:.4f}, test accuracy "
                  f"{trace[prefix + 'test_accuracy'][-1]:.4f}, {now - before:.1f} s", flush=True)


def build(folder, measure=True, names=None, progress=None):
    """The whole guide into ``folder``: the examples' pages (``guide.book.build``), then each study's
    record (when measuring every example) and page."""
    from tfparity.guide import book  # matplotlib and nbformat: only when building
    from tfparity.studies import STUDIES
    book.build(folder, measure=measure, names=names, progress=progress)
    for study in STUDIES:
        if measure and not names and hasattr(study, "measure"):
            records.save(folder, study.measure())
        study.render(folder)


def run(args):
    check_known(args.examples)
    out = str(DOCS) if args.out is None else args.out
    target = check_folder(out)
    frozen = next(read_only_files(target), None) if os.path.isdir(target) and not args.force else None
    if frozen:  # refused now, not after an hour of measuring
        raise UsageError(f"{frozen} is read-only; pass --force to let the rebuild replace it (its mode is kept)")
    if not args.render_only:
        quiet.import_tensorflow()
    here = target == os.path.realpath(DOCS)  # this checkout's guide: its README's marked line too
    staging = readme = None
    try:
        with staged_folder(target, args.force) as staging:  # an interrupted or failed run leaves the old guide
            build(staging, measure=not args.render_only, names=args.examples or None, progress=Progress())
            if here:
                from tfparity.studies import performance
                readme = performance.readme(README.read_text(), staging)
        if readme is not None and readme != README.read_text():
            write_atomic(README, readme, force=args.force)
    except OSError as error:
        where = str(error.filename or out)
        where = where.replace(str(staging), out) if staging else where
        hint = (": --render-only draws from the records in OUT/results; measure them first with `tfparity docs`"
                if args.render_only and isinstance(error, FileNotFoundError) else "")
        raise UsageError(f"cannot build the guide in {out}: {where}: {error.strerror or error}{hint}") from None
    except ValueError as error:
        raise UsageError(str(error).replace(str(staging), out) if staging else str(error)) from None
    print(f"guide written to {out}" + (f", and the main job's line of {README.name}" if here else ""))
    return 0
