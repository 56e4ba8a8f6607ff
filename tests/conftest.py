"""Shared test setup. The suite runs on two workers (pytest -n 2): one BLAS thread per process,
for the tests and for the Jupyter kernels they start, keeps two workers from fighting over two
cores. A thread count set in the environment wins."""
import os

from lib.book.run import ONE_THREAD

for name, value in ONE_THREAD.items():
    os.environ.setdefault(name, value)
