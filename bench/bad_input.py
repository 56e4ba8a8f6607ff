"""Probe: every public function of lib/*.py fed the bad inputs of tests/bad_inputs.py, in forked
children with a memory cap and a time limit per call, and each outcome classified:

    named     a ValueError/TypeError raised by a `raise` in lib whose message names the argument
    nameless  the same, but the message does not name the argument
    obscure   any other exception: from inside NumPy or Python (IndexError, AttributeError,
              "could not convert string to float", MemoryError, ...)
    silent    the call returned: a silent wrong answer (counted apart when it holds NaN/inf,
              or when a warning was printed)
    hang      no answer within TIMEOUT seconds, or the child died

The valid edge cases of the table (NumPy scalars, 0-d arrays, one example, one class, the
numerical extremes) are run the same way: ok, refused, wrong (against the table's check or the
plain call's result) or hang.

    .venv/bin/python bench/bad_input.py              # the table of outcomes
    .venv/bin/python bench/bad_input.py --details    # and every call that was not refused by name
    .venv/bin/python bench/bad_input.py --only softmax. --details
"""
from __future__ import annotations

import argparse
import ast
import dataclasses
import functools
import hashlib
import json
import os
import pickle
import re
import resource
import select
import signal
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import numpy as np  # noqa: E402

TIMEOUT = 10.0  # seconds of wall time a call may take (its child is killed after)
MEMORY = 3 * 2**30  # bytes a call may add to the address space (lib's own budget is smaller)
LIB, BOOK = ROOT / "lib", ROOT / "lib" / "book"


@dataclass
class Result:
    """What one call did: the outcome (see the module's docstring) and how."""

    outcome: str
    detail: str = ""
    digest: object = None  # a picklable fingerprint of the returned value
    nonfinite: bool = False  # the returned value holds NaN or inf
    warned: str = ""  # the first warning printed, if any
    seconds: float = 0.0


def digest(r):
    """A picklable fingerprint of a returned value, equal for equal values."""
    if isinstance(r, np.ndarray):
        if r.dtype == object:
            return ("objects", r.shape, tuple(digest(x) for x in r.ravel()))
        return ("array", r.shape, r.dtype.str, hashlib.sha1(np.ascontiguousarray(r).tobytes()).hexdigest())
    if isinstance(r, (bool, np.bool_)):
        return ("bool", bool(r))
    if isinstance(r, (int, float, np.integer, np.floating)):
        return ("number", float(r))
    if isinstance(r, (str, bytes, Path, type(None), complex)):
        return r
    if isinstance(r, (list, tuple)):
        return (type(r).__name__, tuple(digest(x) for x in r))
    if isinstance(r, dict):
        return ("dict", tuple((str(k), digest(v)) for k, v in r.items()))
    if dataclasses.is_dataclass(r):
        return (type(r).__name__, tuple(digest(getattr(r, f.name)) for f in dataclasses.fields(r)))
    if hasattr(r, "data") and isinstance(r.data, str):  # IPython's Markdown
        return (type(r).__name__, r.data)
    return type(r).__name__


def nonfinite(r) -> bool:
    """Whether a returned value holds NaN or inf anywhere."""
    if isinstance(r, np.ndarray) and r.dtype.kind in "fc":
        return not np.all(np.isfinite(r))
    if isinstance(r, (float, np.floating)):
        return not np.isfinite(r)
    if isinstance(r, (list, tuple)):
        return any(nonfinite(x) for x in r)
    if isinstance(r, dict):
        return any(nonfinite(x) for x in r.values())
    if dataclasses.is_dataclass(r) and not isinstance(r, type):
        return any(nonfinite(getattr(r, f.name)) for f in dataclasses.fields(r))
    return False


@functools.cache
def _raise_lines(path: str) -> frozenset:
    """Every line of a source file that belongs to a `raise` statement."""
    tree = ast.parse(Path(path).read_text())
    return frozenset(line for node in ast.walk(tree) if isinstance(node, ast.Raise)
                     for line in range(node.lineno, node.end_lineno + 1))


def raised_by_lib(e: BaseException) -> bool:
    """Whether the exception came from a `raise` statement in lib (not lib/book, not NumPy)."""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    path = Path(tb.tb_frame.f_code.co_filename).resolve()
    if LIB not in path.parents or BOOK in path.parents:
        return False
    return tb.tb_lineno in _raise_lines(str(path))


def names_any(message: str, names) -> bool:
    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", message) for n in names)


def classify(e: BaseException, names) -> str:
    if isinstance(e, (ValueError, TypeError)) and raised_by_lib(e):
        return "named" if names_any(str(e), names) else "nameless"
    return "obscure"


def _vm_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


class _Timeout(BaseException):
    """Raised in the child by the alarm when a call runs past its time."""


def _in_child(fn, kwargs, names, check, timeout: float) -> Result:
    """One call, in the child: classify what happened."""
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, timeout)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn(**kwargs)
        except _Timeout:
            return Result("hang", f"no answer within {timeout:g} s", seconds=timeout)
        except BaseException as e:  # noqa: B902 - every failure is a finding
            signal.setitimer(signal.ITIMER_REAL, 0)
            detail = f"{type(e).__name__}: {e}"[:400]
            outcome = classify(e, names) if names is not None else "refused"
            return Result(outcome, detail, seconds=time.perf_counter() - start)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    seconds = time.perf_counter() - start
    warned = f"{caught[0].category.__name__}: {caught[0].message}"[:200] if caught else ""
    bad = nonfinite(value)
    if names is not None:
        return Result("silent", repr(value)[:200], digest(value), bad, warned, seconds)
    good = True if check is None else bool(check(value))
    return Result("ok" if good else "wrong", "" if good else repr(value)[:300], digest(value), bad, warned,
                  seconds)


def _serve(fn, cases, timeout: float, limit: int, out) -> None:
    """The child: each case in turn, its result written to `out` as a length-prefixed pickle."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))

    def alarm(signum, frame):
        raise _Timeout

    signal.signal(signal.SIGALRM, alarm)
    for kwargs, names, check in cases:
        result = _in_child(fn, kwargs, names, check, timeout)
        try:
            blob = pickle.dumps(result)
        except Exception:  # noqa: BLE001 - an unpicklable digest: keep the rest
            blob = pickle.dumps(dataclasses.replace(result, digest=repr(result.digest)))
        out.write(len(blob).to_bytes(8, "big") + blob)
        out.flush()


def _read(fd: int, n: int, deadline: float) -> bytes | None:
    """n bytes from fd, or None if the deadline passes or the writer is gone first."""
    data = b""
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        block = os.read(fd, n - len(data))
        if not block:
            return None
        data += block
    return data


def run_many(fn, cases, timeout: float = TIMEOUT, memory: int = MEMORY, grace: float = 5.0) -> list[Result]:
    """Each case (kwargs, names, check) as fn(**kwargs), in turn, in a forked child whose address
    space is capped at `memory` bytes more than now, each call at `timeout` seconds (an alarm in
    the child, and a kill from here `grace` seconds later if the alarm cannot interrupt it; the
    rest then run in a new child). names: the argument names a refusal should mention (a bad input), or None for a valid
    call, whose result check(result) must accept (if check is given). Cases share the child: a
    call that changes its arguments (an rng it draws from) changes them for the next."""
    results, cases = [], list(cases)
    while len(results) < len(cases):
        limit = _vm_bytes() + memory
        read, write = os.pipe()
        with warnings.catch_warnings():  # a multi-threaded parent only warns about fork on 3.12+
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child
            os.close(read)
            try:
                with os.fdopen(write, "wb") as out:
                    _serve(fn, cases[len(results):], timeout, limit, out)
            finally:
                os._exit(0)
        os.close(write)
        try:
            while len(results) < len(cases):
                deadline = time.monotonic() + timeout + grace
                head = _read(read, 8, deadline)
                blob = None if head is None else _read(read, int.from_bytes(head, "big"), deadline)
                if blob is None:  # stuck past the alarm, or dead: that case hangs, the rest go on
                    os.kill(pid, signal.SIGKILL)
                    results.append(Result("hang", f"no answer within {timeout:g} s, or the child died"))
                    break
                results.append(pickle.loads(blob))
        finally:
            os.close(read)
            os.waitpid(pid, 0)
    return results


def run(fn, kwargs: dict, names=None, check=None, timeout: float = TIMEOUT, memory: int = MEMORY) -> Result:
    """fn(**kwargs) alone in a forked child (see run_many)."""
    return run_many(fn, [(kwargs, names, check)], timeout, memory)[0]


def run_entry(entry, bad: bool = True, valid: bool = True):
    """Every case of one table entry: [(label, kind of case, Result)]; kinds: base, bad, valid.
    The valid call comes first and the bad ones after it, in one child; each valid edge case
    runs in a child of its own, from the same state as the valid call, to compare results."""
    fn, out = entry.function(), []
    first = [("valid call", "base", (entry.valid(), None, None))] if entry.base else []
    cases = first + ([(label, "bad", (kwargs, names, None)) for label, kwargs, names in entry.cases()] if bad else [])
    for (label, kind, _), r in zip(cases, run_many(fn, [c for _, _, c in cases])):
        out.append((label, kind, r))
    base = out[0][2] if entry.base else None
    if valid and entry.base:
        for label, kwargs, check in entry.valid_cases():
            r = run(fn, kwargs, check=check)
            if check is None and r.outcome == "ok" and r.digest != base.digest:
                r = dataclasses.replace(r, outcome="wrong", detail="differs from the plain call's result")
            out.append((label, "valid", r))
    return out


BAD_ROWS = [("named", "a clear ValueError/TypeError naming the argument"),
            ("nameless", "a clear ValueError/TypeError that does not name it"),
            ("obscure", "an obscure error (from inside NumPy or Python, or another type)"),
            ("silent", "a silent wrong answer (the call returned)"),
            ("hang", "a hang (no answer in the time limit) or a crash")]


def report(results: dict) -> str:
    bad = Counter(r.outcome for rs in results.values() for _, kind, r in rs if kind == "bad")
    silent = [r for rs in results.values() for _, kind, r in rs if kind == "bad" and r.outcome == "silent"]
    valid = Counter(r.outcome for rs in results.values() for _, kind, r in rs if kind in ("valid", "base"))
    functions = sum(1 for rs in results.values() if rs)
    lines = [f"{sum(bad.values())} bad inputs to {functions} public functions:", "",
             "| outcome | count |", "| --- | --- |"]
    for key, text in BAD_ROWS:
        extra = ""
        if key == "silent" and silent:
            extra = (f" ({sum(r.nonfinite for r in silent)} of them NaN/inf, "
                     f"{sum(bool(r.warned) for r in silent)} with a warning)")
        lines.append(f"| {text} | {bad[key]}{extra} |")
    lines += ["", f"{sum(valid.values())} valid calls (each entry's own call and its edge cases): "
              + ", ".join(f"{valid[k]} {k}" for k in ("ok", "refused", "wrong", "hang"))]
    return "\n".join(lines)


def main(argv=None) -> int:
    from bad_inputs import TABLE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="only the entries whose name starts with one of these "
                                                   "(comma-separated), e.g. softmax.,mlp.train")
    parser.add_argument("--details", action="store_true", help="list every case not refused by name")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    args = parser.parse_args(argv)
    results, start = {}, time.perf_counter()
    for target, entry in TABLE.items():
        if target.startswith(tuple(args.only.split(","))) and not entry.exempt:
            results[target] = run_entry(entry)
    print(report(results))
    print(f"\n({time.perf_counter() - start:.0f} s)")
    if args.details:
        print()
        for target, rs in results.items():
            for label, kind, r in rs:
                if (kind == "bad" and r.outcome != "named") or (kind != "bad" and r.outcome != "ok") or \
                        (kind != "bad" and r.warned):
                    note = f" [{r.warned}]" if r.warned else ""
                    print(f"{r.outcome:8} {kind:5} {target}({label}): {r.detail}{note}")
    if args.json:
        args.json.write_text(json.dumps({t: [(label, kind, r.outcome, r.detail, r.nonfinite, r.warned)
                                             for label, kind, r in rs] for t, rs in results.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
