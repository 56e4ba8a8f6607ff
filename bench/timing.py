"""What the benchmarks share: a timer, and a line saying which BLAS did the work."""
import time


def best_of(n, fn):
    """Run fn n times; return (the fastest time in seconds, the last result)."""
    times, result = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def blas() -> str:
    """The BLAS libraries NumPy and SciPy use here, with their versions and thread counts."""
    from threadpoolctl import threadpool_info

    found = [f"{i['internal_api']} {i['version']} ({i['num_threads']} threads, {i.get('architecture', '?')})"
             for i in threadpool_info() if i["user_api"] == "blas"]
    return "BLAS: " + ("; ".join(dict.fromkeys(found)) or "none found")


def row(name: str, seconds: float, peer: float | None = None, target: float | None = None) -> str:
    """One line of a benchmark: a time in ms, and its ratio to a peer against a target ratio."""
    line = f"{name:<44} {seconds * 1e3:9.2f} ms"
    if peer is not None:
        line += f"   {seconds / peer:5.2f}x"
        if target is not None:
            line += f" (target <= {target:g}x: {'met' if seconds / peer <= target else 'NOT met'})"
    return line
