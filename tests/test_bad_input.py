"""lib refuses bad input by name, within a time and memory bound, and answers valid edge cases.

The table is tests/bad_inputs.py (one entry per public function of lib/*.py); the runner is
bench/bad_input.py, which calls each function in a forked child with its address space capped
(bench.bad_input.MEMORY above the parent's) and each call's time limited (bench.bad_input.TIMEOUT).
`python bench/bad_input.py --details` shows the same cases as a table of outcomes.
"""
from __future__ import annotations

import inspect
import signal
import time

import numpy as np
import pytest

from bad_inputs import NOT_IN_TABLE, TABLE, Entry, public_names, spoil
from bench.bad_input import run_entry, run_many
from lib import check

CHECKED = sorted(t for t, e in TABLE.items() if not e.exempt)


def test_every_public_function_has_an_entry():
    names = set(public_names())
    missing, stale = sorted(names - set(TABLE)), sorted(set(TABLE) - names)
    assert not missing, (f"public functions of lib with no entry in tests/bad_inputs.py: {missing}. Add one "
                         "E('module.function', arg=(valid value, kind), ...) per function (see its docstring)")
    assert not stale, f"entries in tests/bad_inputs.py for names lib no longer has: {stale}"
    assert set(NOT_IN_TABLE) <= {"book", "check"}


@pytest.mark.parametrize("target", sorted(TABLE))
def test_an_entry_names_every_argument_or_says_why_not(target):
    entry = TABLE[target]
    if entry.exempt:
        assert len(entry.exempt) > 10 and not entry.args, "an exempt entry says why, and tries nothing"
        return
    parameters = [p for p in inspect.signature(entry.function()).parameters.values()
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    unlisted = [p.name for p in parameters if p.name not in entry.args]
    assert not unlisted, f"{target}: give every argument a (valid value, kind) in its entry; missing {unlisted}"


@pytest.mark.parametrize("target", CHECKED)
def test_bad_input_is_refused_naming_the_argument(target):
    results = run_entry(TABLE[target], valid=False)
    base = [r for _, kind, r in results if kind == "base"]
    assert all(r.outcome == "ok" for r in base), f"the entry's own valid call fails: {base[0].detail}"
    failures = [f"{label}: {r.outcome}: {r.detail}" for label, kind, r in results
                if kind == "bad" and r.outcome != "named"]
    assert not failures, f"{target}: bad input not refused by name:\n" + "\n".join(failures)


@pytest.mark.parametrize("target", [t for t in CHECKED if TABLE[t].valid_cases()])
def test_valid_edge_cases_are_answered(target):
    results = run_entry(TABLE[target], bad=False)
    failures = [f"{label}: {r.outcome} {r.detail} {r.warned}" for label, kind, r in results
                if kind == "valid" and (r.outcome != "ok" or r.warned)]
    assert not failures, f"{target}: a valid input was refused or answered wrongly:\n" + "\n".join(failures)


# The runner and the table's machinery, on calls whose outcome is known


def _sleeps():
    time.sleep(60)


def _ignores_the_alarm():
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    time.sleep(60)


def _allocates(n):
    return np.ones(n).sum()


def _log(x):
    return np.log(x)


def test_the_runner_tells_the_outcomes_apart():
    cases = [({"name": "n", "value": "3"}, ("n",), None),  # a raise in lib naming n
             ({"name": "n", "value": "3"}, ("size",), None),  # the same, but the message does not name size
             ({"name": "n", "value": 3, "low": "1"}, ("n",), None)]  # a TypeError from Python inside lib
    assert [r.outcome for r in run_many(check.integer, cases)] == ["named", "nameless", "obscure"]
    assert [r.outcome for r in run_many(_sleeps, [({}, ("x",), None)], timeout=0.3)] == ["hang"]
    assert [r.outcome for r in run_many(_ignores_the_alarm, [({}, ("x",), None)], timeout=0.2, grace=0.3)] == ["hang"]
    memory = run_many(_allocates, [({"n": 2**29}, ("n",), None), ({"n": 10}, None, None)], memory=2**30)
    assert [r.outcome for r in memory] == ["obscure", "ok"] and "MemoryError" in memory[0].detail
    silent = run_many(_log, [({"x": -1.0}, ("x",), None)])[0]
    assert silent.outcome == "silent" and silent.nonfinite and "RuntimeWarning" in silent.warned


def test_a_kind_spoils_what_it_says():
    codes = [code for code, _ in spoil("array-extra+short", np.ones((3, 2)))]
    assert codes == ["nan", "inf", "str", "complex", "none", "empty", "missing", "short"]
    assert [code for code, _ in spoil("size?", 4)] == ["zero", "neg", "float", "str", "huge"]
    entry = Entry("softmax.softmax", {"z": (np.ones((2, 2)), "values"), "axis": (-1, "fixed")})
    assert [label for label, _, _ in entry.cases()] == ["z: nan", "z: inf", "z: str", "z: complex", "z: none"]
