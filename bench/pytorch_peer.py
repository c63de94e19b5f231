#!/usr/bin/python3
"""PyTorch peer for the benchmarks: torchvision's MobileNetV2 in its fastest fp32 modes on this machine.

    /usr/bin/python3 bench/pytorch_peer.py [--batch 1,8] [--threads 2] [--size 224] [--repeats 30] [--json]

For each batch size it times the eager model, channels_last + torch.jit.trace + freeze, and
torch.jit.optimize_for_inference, and reports the best, as images/s and p50/p99 latency (ms), median of
`repeats` timed runs after warm-up. Install libopenblas0-openmp first: without it Debian's torch calls the
reference BLAS and runs several times slower, which would flatter any comparison.
"""
import argparse
import json
import statistics
import time

import torch
import torchvision


def modes(model, example):
    yield "eager", model
    cl = model.to(memory_format=torch.channels_last)
    with torch.no_grad():
        traced = torch.jit.freeze(torch.jit.trace(cl, example.to(memory_format=torch.channels_last)))
    yield "channels_last+trace+freeze", traced
    with torch.no_grad():
        optimized = torch.jit.optimize_for_inference(torch.jit.trace(model, example))
    yield "optimize_for_inference", optimized


def measure(fn, example, repeats):
    with torch.no_grad():
        for _ in range(5):
            fn(example)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn(example)
            times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", default="1,8")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = torchvision.models.mobilenet_v2().eval()
    for batch in [int(b) for b in args.batch.split(",")]:
        example = torch.randn(batch, 3, args.size, args.size)
        best = None
        for name, fn in modes(model, example):
            p50, p99 = measure(fn, example, args.repeats)
            row = {"framework": "pytorch", "mode": name, "batch": batch, "threads": args.threads,
                   "images_per_second": batch / p50, "p50_ms": p50 * 1e3, "p99_ms": p99 * 1e3}
            if best is None or row["images_per_second"] > best["images_per_second"]:
                best = row
        if args.json:
            print(json.dumps(best))
        else:
            print(f"pytorch {torch.__version__} batch {batch} threads {args.threads}: {best['images_per_second']:.1f} "
                  f"images/s (p50 {best['p50_ms']:.2f} ms, p99 {best['p99_ms']:.2f} ms, {best['mode']})")


if __name__ == "__main__":
    main()
