"""``tfparity new NAME [--dir DIR]``: a user's port, ready to run: the package NAME (data, old,
new) and test_NAME.py beside it (the files of ``tfparity.check.scaffold``). Nothing is overwritten, and
nothing is half-written: the package is built in a temporary folder and renamed into place.

NAME must not be a module that can already be imported (``tensorflow``, ``os``, ``numpy``,
``tfparity``): a package of that name in DIR would be imported instead of it by every check and
test run from there, and break them."""
import keyword
import os
import shutil
import sys
import tempfile
from pathlib import Path

from tfparity.cli.arguments import path


def add_parser(sub):
    new = sub.add_parser("new", help="write a TF1 program, its TF2 port and a parity test to start from")
    new.set_defaults(run=run)
    new.add_argument("name", metavar="NAME", help="the package to write (a Python identifier, not the name "
                     "of a module already installed)")
    new.add_argument("--dir", default=".", type=path, help="the folder to write into (default: the current one)")


def shadowed(name, folder):
    """Where the module ``name`` that a package ``folder/name`` would hide is, or None."""
    if name in sys.stdlib_module_names or name in sys.builtin_module_names:
        return "the standard library"
    if (folder / f"{name}.py").exists():
        return str(folder / f"{name}.py")
    for finder in sys.meta_path:  # as an import searches, but not sys.modules: what this process imported
        try:
            spec = finder.find_spec(name, None) if hasattr(finder, "find_spec") else None
        except (ImportError, ValueError):  # found but broken: still a module of that name
            return "an installed module"
        if spec is not None:
            return spec.origin if spec.has_location else "an installed package"
    return None


def run(args):
    from tfparity.check import scaffold
    from tfparity.core.exits import UsageError
    from tfparity.core.files import NotWritable, _umask, write_atomic
    name, folder = args.name, Path(args.dir)
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"NAME {name!r} is not a Python identifier (a package name such as my_port)")
    if not folder.is_dir():
        raise UsageError(f"--dir {args.dir}: not a folder")
    longest, most = len(f"test_{name}.py".encode()), os.pathconf(folder, "PC_NAME_MAX")
    if longest > most:
        raise UsageError(f"NAME is too long: test_NAME.py would be {longest} bytes, and {args.dir} takes names "
                         f"of at most {most}")
    package, test = folder / name, folder / f"test_{name}.py"
    for target in (package, test):
        if os.path.lexists(target):
            raise UsageError(f"{target} exists: nothing was written (choose another NAME or --dir)")
    where = shadowed(name, folder)
    if where:
        raise UsageError(f"NAME {name!r} is already a module ({where}): a package {name} would be imported "
                         f"instead of it and break what uses it; choose another NAME, such as my_{name}")
    renamed = scaffold.TEST.read_text().replace(scaffold.PLACEHOLDER, name)
    try:
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".tfparity-new-"))  # short whatever NAME's length
        try:
            staging.chmod(0o777 & ~_umask())  # mkdtemp's folder is private; a package is not
            for source in sorted(scaffold.PACKAGE.glob("*.py")):
                shutil.copyfile(source, staging / source.name)
            os.replace(staging, package)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        try:
            write_atomic(test, renamed)
        except BaseException:  # the pair or nothing
            shutil.rmtree(package, ignore_errors=True)
            raise
    except (OSError, NotWritable) as error:
        raise UsageError(f"cannot write into {folder}: {getattr(error, 'strerror', None) or error}; "
                         "nothing was written") from None
    print(f"wrote {package}/ (data.py, old.py, new.py) and {test}; run: cd {folder} && python -m pytest {test.name}")
    return 0
