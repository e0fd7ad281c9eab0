"""The one way the benchmarks time a compiled model."""

import statistics
import time


def median_ms(model, feeds, reps):
    """Median milliseconds of `reps` runs of `model` on `feeds`, after one
    run that warms caches and starts the thread pool."""
    model.run(feeds)
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        model.run(feeds)
        times.append(1e3 * (time.perf_counter() - start))
    return statistics.median(times)


def affordable_reps(model, feeds, reps, budget_s):
    """`reps`, or fewer (at least 1) where one run of `model` on `feeds`
    (timed once here) says that `reps` would take longer than `budget_s`."""
    start = time.perf_counter()
    model.run(feeds)
    return max(1, min(reps, int(budget_s / (time.perf_counter() - start))))
