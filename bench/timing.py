"""The one timing helper the benchmarks share."""
import time


def best_of(n, fn):
    """Run fn n times; return (the fastest time in seconds, the last result)."""
    times, result = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result
