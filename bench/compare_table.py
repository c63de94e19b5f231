#!/usr/bin/python3
"""Aggregates bench/compare.sh's raw JSON lines into the ttnn-cpp vs PyTorch ratio table.

Each raw line is one run of one batch size, tagged with "source" (ttnn-cpp or pytorch) and "repeat".
Every figure is the median over the repeats; the spread is (max - min) / median; the ratio is median
ttnn-cpp images/s over median PyTorch images/s from the same invocation. Called by bench/compare.sh.
"""
import argparse
import collections
import json
import statistics
import sys


def spread(values):
    median = statistics.median(values)
    return (max(values) - min(values)) / median if median else 0.0


def summarize(rows, key):
    values = [row[key] for row in rows if row.get(key) is not None]
    return statistics.median(values) if values else None


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def aggregate(raw, configs, batches):
    torch_rows = collections.defaultdict(list)
    ttnn_rows = collections.defaultdict(list)
    for row in raw:
        if row["source"] == "pytorch":
            torch_rows[row["batch"]].append(row)
        else:
            ttnn_rows[(row["dtype"], row["math_fidelity"], row["batch"])].append(row)
    results = []
    for batch in batches:
        torch = torch_rows.get(batch)
        if not torch:
            sys.exit(f"compare_table.py: no PyTorch measurement for batch {batch}")
        torch_ips = [row["images_per_second"] for row in torch]
        modes = collections.Counter(row["mode"] for row in torch)
        peer = {"images_per_second": statistics.median(torch_ips), "spread": spread(torch_ips),
                "runs": torch_ips, "p50_ms": summarize(torch, "p50_ms"), "p99_ms": summarize(torch, "p99_ms"),
                "mode": ", ".join(f"{mode} x{n}" if len(modes) > 1 else mode for mode, n in modes.most_common())}
        for dtype, fidelity in configs:
            rows = ttnn_rows.get((dtype, fidelity, batch))
            if not rows:
                sys.exit(f"compare_table.py: no ttnn-cpp measurement for {dtype}:{fidelity} batch {batch}")
            ips = [row["images_per_second"] for row in rows]
            median = statistics.median(ips)
            results.append({
                "batch": batch, "dtype": dtype, "math_fidelity": fidelity, "numerics": rows[0].get("numerics"),
                "threads": rows[0].get("threads"), "repeats": len(rows),
                "images_per_second": median, "spread": spread(ips), "runs": ips,
                "p50_ms": summarize(rows, "p50_ms"), "p99_ms": summarize(rows, "p99_ms"),
                "roofline_fraction": summarize(rows, "roofline_fraction"),
                # One process per run: each chose its kernels at start-up (several where the runs differed).
                "kernels": "; ".join(sorted({row["kernels"] for row in rows if row.get("kernels")})) or None,
                "ratio_to_pytorch": median / peer["images_per_second"],
                "pytorch": peer,
            })
    return results


def print_table(results, meta):
    print(f"machine: {meta.machine}, {meta.cpus} CPUs; {meta.threads} threads; load average before the run {meta.load}")
    print(f"date: {meta.date}   commit: {meta.commit}   {meta.ttnn_version}   PyTorch {meta.torch_version}")
    print(f"command: {meta.command}")
    print(f"{meta.repeats} interleaved repeats of {meta.iterations} timed runs each (PyTorch: best mode per run); "
          "figures are medians over the repeats, spread = (max - min) / median")
    if meta.warning:
        print(f"WARNING: {meta.warning}")
    kernels = sorted({r["kernels"] for r in results if r.get("kernels")})
    if kernels:
        print(f"kernels: {' | '.join(kernels)}")
    roofline = any(r["roofline_fraction"] is not None for r in results)
    for batch in dict.fromkeys(r["batch"] for r in results):
        rows = [r for r in results if r["batch"] == batch]
        peer = rows[0]["pytorch"]
        print()
        print(f"batch {batch}")
        print()
        header = ["configuration", "images/s", "spread", "p50 ms", "ratio to PyTorch"]
        if roofline:
            header.append("roofline")
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in rows:
            cells = [f"{r['dtype']} + {r['math_fidelity']}", f"{r['images_per_second']:.1f}",
                     f"{100 * r['spread']:.0f}%", f"{r['p50_ms']:.1f}", f"{r['ratio_to_pytorch']:.2f}x"]
            if roofline:
                fraction = r["roofline_fraction"]
                cells.append("-" if fraction is None else f"{100 * fraction:.0f}%")
            print("| " + " | ".join(cells) + " |")
        cells = [f"**PyTorch fp32, best mode** ({peer['mode']})", f"**{peer['images_per_second']:.1f}**",
                 f"{100 * peer['spread']:.0f}%", f"{peer['p50_ms']:.1f}", "1.00x"]
        if roofline:
            cells.append("-")
        print("| " + " | ".join(cells) + " |")


def print_json(results, meta):
    cpus = int(meta.cpus) if meta.cpus.isdigit() else meta.cpus
    common = {"machine": meta.machine, "cpus": cpus, "load_before": float(meta.load) if meta.load.replace(".", "", 1).isdigit() else meta.load, "date": meta.date, "commit": meta.commit,
              "command": meta.command, "torch_version": meta.torch_version, "iterations": meta.iterations}
    if meta.warning:
        common["warning"] = meta.warning
    for r in results:
        row = {k: v for k, v in r.items() if v is not None}
        print(json.dumps({**row, **common}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", required=True, help="JSON lines written by bench/compare.sh")
    ap.add_argument("--configs", required=True, help="space-separated DTYPE:FIDELITY, in table order")
    ap.add_argument("--batch", required=True)
    ap.add_argument("--json", action="store_true")
    for name in ("machine", "cpus", "load", "date", "commit", "command", "torch-version", "ttnn-version", "warning"):
        ap.add_argument(f"--{name}", default="")
    for name in ("threads", "repeats", "iterations"):
        ap.add_argument(f"--{name}", type=int, default=0)
    meta = ap.parse_args()
    configs = [tuple(c.split(":", 1)) for c in meta.configs.split()]
    batches = [int(b) for b in meta.batch.split(",")]
    results = aggregate(load(meta.raw), configs, batches)
    (print_json if meta.json else print_table)(results, meta)


if __name__ == "__main__":
    main()
