"""``tfparity new NAME [--dir DIR]``: a user's port, ready to run: the package NAME (data, old,
new) and test_NAME.py beside it (the files of ``tfparity.check.scaffold``). Nothing is overwritten, and
nothing is half-written: the package is built in a temporary folder and renamed into place."""
import keyword
import os
import shutil
import tempfile
from pathlib import Path


def add_parser(sub):
    new = sub.add_parser("new", help="write a TF1 program, its TF2 port and a parity test to start from")
    new.set_defaults(run=run)
    new.add_argument("name", metavar="NAME", help="the package to write (a Python identifier)")
    new.add_argument("--dir", default=".", help="the folder to write into (default: the current one)")


def run(args):
    from tfparity.check import scaffold
    from tfparity.core.exits import UsageError
    from tfparity.core.files import _umask, write_atomic
    name, folder = args.name, Path(args.dir)
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"NAME {name!r} is not a Python identifier (a package name such as my_port)")
    if not folder.is_dir():
        raise UsageError(f"--dir {args.dir}: not a folder")
    package, test = folder / name, folder / f"test_{name}.py"
    for path in (package, test):
        if os.path.lexists(path):
            raise UsageError(f"{path} exists: nothing was written (choose another NAME or --dir)")
    renamed = scaffold.TEST.read_text().replace(scaffold.PLACEHOLDER, name)
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=f".{name}-"))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp's folder is private; a package is not
        for source in sorted(scaffold.PACKAGE.glob("*.py")):
            shutil.copyfile(source, staging / source.name)
        os.replace(staging, package)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    write_atomic(test, renamed)
    print(f"wrote {package}/ (data.py, old.py, new.py) and {test}; run: cd {folder} && python -m pytest {test.name}")
    return 0
