#!/usr/bin/env python3
"""Time one LeNet training step (forward, backward, SGD update) on a batch of 64 digits.

    .venv/bin/python benchmarks/bench_lenet_step.py [--repeats 20] [--net lenet|net004|both] [--threads 1,2]

A script, not a test: it prints milliseconds per step for float32 and float64 (the median
over ``--repeats`` steps after two warm-up steps).  If PyTorch is importable it also times
the same network in torch on the CPU for comparison; torch is never required.

Measured on a shared 2-core machine (numpy 2.4 with OpenBLAS, torch 2.13 CPU in a separate
environment), batch 64, ms per step, the best of several runs of this script, before and after
the im2col rewrite of ``backprop.conv`` and ``backprop.pooling``:

    =======  =======  ==============  =============  =====
    network  dtype    numpy, before   numpy, after   torch
    =======  =======  ==============  =============  =====
    LeNet    float32  12.4            7.5            1.9
    LeNet    float64  14.4            9.8            4.6
    Net004   float32   8.2            4.2            1.6
    Net004   float64   9.9            5.7            3.7
    =======  =======  ==============  =============  =====

With ``OPENBLAS_NUM_THREADS=1`` (no thread contention on a busy machine) the same runs gave
11.1 -> 6.3, 13.0 -> 10.0, 7.2 -> 3.2 and 8.4 -> 4.2 ms.  Where the time went before
(profile of a LeNet float32 step): ``np.tensordot`` copying the window view into an
(N*H'*W', C*KH*KW) matrix whose inner axis has length KW (slow, strided) for the forward
pass and again for the kernel gradient; the input gradient of the first layer, which
nobody uses; and average pooling's ``mean(axis=(3, 5))`` over two strided axes (1.4 ms for
C1's maps).  After: the window matrix is copied along image rows (the fast direction) into
the layout (C*KH*KW, N*H'*W') and multiplied once per pass (same BLAS operand shapes as
before, so the same bits), the first layer skips its input gradient, and pooling adds
whole slices.  What is left: the scatter of the input gradient (KH*KW strided additions,
about 1 ms for C2), the copies into the window matrix, and, in LeNet, the sigmoid of
``backprop.activations`` (about 2 ms per step in float64: boolean-mask indexing).

Issue 16 (second round).  ``--threads 1,2`` runs every setting with OpenBLAS limited by
threadpoolctl and ``torch.set_num_threads`` set to the same count, and prints the ratio
numpy / torch per network, dtype and thread count.  Profile of a float64 LeNet step before
this round (timings of each kernel alone, batch 64, on a machine loaded by other jobs, so
only the proportions mean something): the input-gradient scatter of C2 was the largest
single cost (about 4 ms of ~15: ``dcols`` laid out (N, H', W', C, KH, KW), so each of the 25
additions read memory with a stride of C*KH*KW elements), then the two sigmoids of the
C1 maps (about 1.5-6 ms: nine passes and four temporaries), the window matrices (about
1.3-1.5 ms each, built twice: once in the forward pass and again for the kernel gradient),
and the products themselves (about 1 ms each).  Done: the forward cache keeps ``cols`` (no
second im2col); the forward product is (F, C*KH*KW) x cols, whose (F, N, H', W') result is
moved to NCHW by the pass that adds the bias; the input gradient is w^T dout laid out
(C*KH*KW, N*H'*W') and scattered (col2im) into a (C, N, H, W) buffer, every addition along
image rows (about 4 times faster than before); the sigmoid computes its two stable forms
with one division in place (bit-for-bit the old values).  What is left: the window matrix
copy (25 times the input), the 25 col2im additions, the input checks of every public layer
call (one full pass over each array for NaN/inf), and the many small numpy calls per step whose
fixed cost PyTorch's compiled kernels do not pay.  The ratio table of this round was
measured while the 2-core machine ran other jobs (load average above 20): see the report
of issue 16; rerun on an idle machine before quoting it.

Issue 16 (third round): the two libraries now run alternately, step by step, and the ratio
printed is the median of the ratios of consecutive pairs (steady under a changing load).
The profile of this round, what was changed and the before/after table are in
``benchmarks/NOTES.md``.

Fourth round: alternately in blocks of 5 steps, with a 200 ms pause before each block, and
numpy's OpenBLAS at one thread (``bp.set_num_threads`` is backprop's thread count).  Step
by step, one library's worker threads (torch's OpenMP threads spin for milliseconds after a
step) were still running on the second core during the other's step, which distorted both
2-thread times.  NOTES has this round's profile (memory layout, page faults) and tables.

Fifth round: the sigmoid in four passes, the im2col matrix kept only when small (else
copied in cache-sized chunks, twice), the input gradient by kernel rows for small errors,
cheaper window views and a wider pipe to the worker; NOTES has the profile and the tables.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import backprop as bp
from backprop.mnist import load_mnist_subset
from backprop.models import LeNet, Net004
from backprop.training import sgd_step

BATCH = 64
LEARNING_RATE = 0.1


def median_ms(step, repeats: int) -> float:
    """Median wall time of ``step()`` in milliseconds over ``repeats`` calls, after two warm-up calls."""
    for _ in range(2):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def paired_ms(step_a, step_b, repeats: int, block: int = 5, pause: float = 0.2) -> tuple[float, float, float]:
    """Median times (ms) of ``step_a`` and ``step_b``, and the median of the ratios a / b of
    consecutive blocks.

    The two libraries run alternately, a block of ``block`` steps each, so that both see the
    same load: on a machine shared with other jobs the ratio of a pair of blocks is far
    steadier than either time.  Between blocks the benchmark sleeps ``pause`` seconds
    (untimed): a library's worker threads go on spinning for a while after its last step
    (torch's OpenMP threads, OpenBLAS's), and without the pause they would be running on
    the second core while the other library's step wants it.  ``repeats`` steps of each in
    all, after two warm-up steps each.
    """
    for _ in range(2):
        step_a()
        step_b()
    times_a, times_b, ratios = [], [], []
    for _ in range(max(1, repeats // block)):
        pair = []
        for step, times in ((step_a, times_a), (step_b, times_b)):
            time.sleep(pause)
            mine = []
            for _ in range(block):
                start = time.perf_counter()
                step()
                mine.append(time.perf_counter() - start)
            times.extend(mine)
            pair.append(statistics.median(mine))
        ratios.append(pair[0] / pair[1])
    return 1000 * statistics.median(times_a), 1000 * statistics.median(times_b), statistics.median(ratios)


def numpy_step(model_cls, dtype, x, y):
    model = model_cls(seed=0, dtype=dtype)
    xb = x.astype(dtype)

    def step() -> None:
        _, grads = model.loss_and_grads(xb, y)
        sgd_step(model.params, grads, LEARNING_RATE)

    return step


def torch_step(name: str, dtype_name: str, x, y):
    try:
        import torch
    except ImportError:
        return None
    dtype = {"float32": torch.float32, "float64": torch.float64}[dtype_name]
    torch.manual_seed(0)
    nn = torch.nn
    if name == "LeNet":
        net = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.AvgPool2d(2), nn.Conv2d(6, 12, 5), nn.Sigmoid(),
                            nn.AvgPool2d(2), nn.Flatten(), nn.Linear(192, 10), nn.Sigmoid())
        loss_fn = lambda out, t: 0.5 * ((out - nn.functional.one_hot(t, 10).to(out.dtype)) ** 2).sum() / len(t)  # noqa: E731
    else:
        net = nn.Sequential(nn.Conv2d(1, 4, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(4, 6, 5), nn.Tanh(),
                            nn.AvgPool2d(2), nn.Flatten(), nn.Linear(96, 50), nn.Tanh(), nn.Linear(50, 10))
        loss_fn = nn.functional.cross_entropy
    net = net.to(dtype)
    opt = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)
    xt, yt = torch.from_numpy(x).to(dtype), torch.from_numpy(y)

    def step() -> None:
        opt.zero_grad()
        loss_fn(net(xt), yt).backward()
        opt.step()

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--net", choices=["lenet", "net004", "both"], default="both")
    parser.add_argument("--threads", default="1", help="comma-separated thread counts, e.g. 1,2: each sets "
                        "bp.set_num_threads and torch.set_num_threads to the same count (numpy's OpenBLAS stays at 1)")
    args = parser.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]
    x, y, _, _ = load_mnist_subset(n_train=BATCH, n_test=1000)
    nets = {"lenet": [("LeNet", LeNet)], "net004": [("Net004", Net004)]}
    chosen = nets["lenet"] + nets["net004"] if args.net == "both" else nets[args.net]
    try:
        import torch
    except ImportError:
        torch = None
        print("(torch is not installed: no comparison; it is optional)")
    from threadpoolctl import threadpool_limits

    print(f"one training step (forward + backward + SGD update), batch {BATCH}, median of {args.repeats}")
    rows = []
    for threads in thread_counts:
        # backprop's n threads share its products out, each a small BLAS call in one thread: OpenBLAS
        # threads of its own on top would put 2n busy threads on n cores (torch.set_num_threads
        # likewise counts every thread torch uses)
        with threadpool_limits(limits=1, user_api="blas"):
            bp.set_num_threads(threads)
            if torch is not None:
                torch.set_num_threads(threads)
            for name, cls in chosen:
                for dtype in (np.float32, np.float64):
                    dt = np.dtype(dtype).name
                    ours = numpy_step(cls, dtype, x, y)
                    ref = torch_step(name, dt, x, y) if torch is not None else None
                    if ref is None:
                        ms = median_ms(ours, args.repeats)
                        print(f"threads {threads}  {name:7s} {dt:8s} backprop (numpy) {ms:8.2f} ms/step", flush=True)
                        continue
                    ms, ref_ms, ratio = paired_ms(ours, ref, args.repeats)
                    rows.append((name, dt, threads, ratio))
                    print(f"threads {threads}  {name:7s} {dt:8s} backprop (numpy) {ms:8.2f} ms/step   "
                          f"torch {ref_ms:8.2f} ms/step   ratio {ratio:5.2f} (median of paired blocks)", flush=True)
    if rows:
        print("\nnumpy time / torch time")
        print(f"{'network':8s} {'dtype':8s} " + " ".join(f"{t:>2d} thread(s)" for t in thread_counts))
        for name, _ in chosen:
            for dt in ("float32", "float64"):
                ratios = {t: r for n, d, t, r in rows if n == name and d == dt}
                print(f"{name:8s} {dt:8s} " + " ".join(f"{ratios[t]:12.2f}" for t in thread_counts))


if __name__ == "__main__":
    main()
