"""benchlib.py - what the benchmark scripts of bench/ share.

Why: every benchmark measures several configurations side by side in one run,
repeats each measurement and reports the median; the measuring, the build-dir
lookup and the table printing live here once. Python 3 standard library only.

Measurements:

    function      what it returns
    measure()     one run of a command: wall seconds (time.monotonic around
                  fork/exec and wait4), CPU seconds (user + system of the
                  process tree, from wait4), max RSS in KiB of the process tree
                  (wait4's ru_maxrss: the largest of the command and the
                  descendants it waited for), exit status, stdout, stderr
    repeat()      the runs of measure() for N repetitions (stops at a failure)
    median()      statistics.median of a list of numbers

Invariants: a command that exits non-zero is a failed measurement, never a
figure; callers print the error and stop rather than report it.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
CLANG = shutil.which("clang-19") or "/usr/bin/clang-19"


class Run:
    """One measured execution of a command."""

    def __init__(self, wall, cpu, maxrss_kb, status, out, err):
        self.wall = wall
        self.cpu = cpu
        self.maxrss_kb = maxrss_kb
        self.status = status
        self.out = out
        self.err = err


def build_paths(build_dir):
    """Returns (racecheck binary, shim library) of a racecheck build directory,
    or exits with a message when either is missing."""
    build_dir = os.path.abspath(build_dir)
    rc = os.path.join(build_dir, "bin", "racecheck")
    shim = os.path.join(build_dir, "lib", "libracecheck-shim.so")
    for p in (rc, shim):
        if not os.path.exists(p):
            sys.exit("bench: %s not found (build racecheck, or pass --build DIR)" % p)
    return rc, shim


def default_build_dir():
    return os.path.join(REPO_ROOT, "build")


def measure(argv, env=None, cwd=None, stdin=subprocess.DEVNULL):
    """Runs argv once and returns a Run; stdout and stderr are captured into
    temporary files (pipes could block a chatty child)."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=stdin, stdout=fo, stderr=fe)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out = fo.read().decode("utf-8", "replace")
        err = fe.read().decode("utf-8", "replace")
    return Run(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode, out, err)


def repeat(argv, n, env=None, cwd=None, ok=(0,), before=None):
    """Runs argv n times; `before` (if given) is called before each run (to
    clear a log directory, say). Exits with the command's stderr when a run
    ends with a status outside `ok`."""
    runs = []
    for _ in range(n):
        if before:
            before()
        r = measure(argv, env=env, cwd=cwd)
        if r.status not in ok:
            sys.stderr.write(r.out[-2000:] + r.err[-4000:])
            sys.exit("bench: %s exited with status %d" % (" ".join(argv), r.status))
        runs.append(r)
    return runs


def median(xs):
    return statistics.median(xs)


def compile_c(src, out, flags=(), cc=CLANG):
    """Compiles one C file of bench/ into `out`; exits with the compiler's
    message on failure."""
    argv = [cc, "-O2", "-g", "-pthread", "-Wall", "-Wextra", "-Werror", *flags, src, "-o", out]
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("bench: compiling %s failed:\n%s" % (src, p.stderr))
    return out


def kv(line):
    """Parses `key=value key=value` into a dict of strings."""
    d = {}
    for tok in line.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            d[k] = v
    return d


def dir_bytes(path):
    """(apparent bytes, allocated bytes) of the regular files under path."""
    app = alloc = 0
    for root, _, files in os.walk(path):
        for f in files:
            st = os.lstat(os.path.join(root, f))
            app += st.st_size
            alloc += st.st_blocks * 512
    return app, alloc


def clear_dir(path):
    """Empties a directory, keeping it."""
    for name in os.listdir(path):
        p = os.path.join(path, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)


def header(title):
    """Prints the banner every benchmark opens with: what, when, where."""
    print("== %s" % title)
    print("date:   %s" % time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    print("nproc:  %d" % os.cpu_count())
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    print("cpu:    %s" % line.split(":", 1)[1].strip())
                    break
    except OSError:
        pass
    print("kernel: %s" % os.uname().release)
    print("load:   %s (1, 5, 15 min load average at start; other work on the machine "
          "makes wall times noisy, cpu times less so)" % loadavg())


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def footer():
    """Prints the load average at the end, to judge the run's noise."""
    print("load at end: %s" % loadavg())


def mib(n):
    return n / (1 << 20)


def table(rows, heads):
    """Prints rows (lists of strings) under heads, columns left-aligned."""
    widths = [max(len(str(r[i])) for r in rows + [heads]) for i in range(len(heads))]
    fmt = "  ".join("%%-%ds" % w for w in widths)
    print(fmt % tuple(heads))
    for r in rows:
        print(fmt % tuple(r))
