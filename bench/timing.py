"""The one way the benchmarks time a compiled model."""

import os
import statistics
import time


def parse_cpu_bench_args(parser, reps=20):
    """The parser's arguments with --reps and --threads added; the thread
    count goes to xfc's runtime (XFC_NUM_THREADS, read when a library's pool
    starts, i.e. before its first run)."""
    parser.add_argument("--reps", type=int, default=reps)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    os.environ["XFC_NUM_THREADS"] = str(args.threads)
    return args


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
