"""A/B of untraced speed between two builds of eryx.

usage: python3.11 bench/ab.py BASE_REPO [NEW_REPO] [--procs N] [--rounds R]

Links bench/bench_untraced.c against BASE_REPO/build/lib/liberyx.a and
NEW_REPO/build/lib/liberyx.a (NEW_REPO defaults to this checkout), then
runs the two drivers in alternation, N processes each. This machine's speed
drifts by tens of percent from one minute to the next, so only runs close in
time compare anything; each process reports the best of R rounds per
workload. Prints, per workload, the best and the median over the processes
of each side and their ratio NEW/BASE. Run it with BASE_REPO == NEW_REPO
(two links of one library) to see how far the ratio strays by chance.
"""
import argparse
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CC = "clang-19"


def link(repo, out):
    lib = os.path.join(repo, "build", "lib", "liberyx.a")
    if not os.path.exists(lib):
        sys.exit("ab: %s is missing (run make in %s)" % (lib, repo))
    subprocess.run([CC, "-std=c11", "-D_GNU_SOURCE", "-O2", "-I", os.path.join(ROOT, "include"), "-o", out,
                    os.path.join(ROOT, "bench", "bench_untraced.c"), lib,
                    "-lpthread", "-lm", "-lz"], check=True)


def run(driver, rounds):
    out = subprocess.run([driver, str(rounds)], check=True, capture_output=True, text=True)
    return {name: float(ms) for name, ms in (line.split() for line in out.stdout.splitlines())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("new", nargs="?", default=ROOT)
    ap.add_argument("--procs", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    where = os.path.join(ROOT, "build", "bench")
    os.makedirs(where, exist_ok=True)
    drivers = {"base": os.path.join(where, "ab_base"), "new": os.path.join(where, "ab_new")}
    link(args.base, drivers["base"])
    link(args.new, drivers["new"])
    times = {"base": {}, "new": {}}
    for i in range(args.procs):
        order = ("base", "new") if i % 2 == 0 else ("new", "base")
        for side in order:
            for name, ms in run(drivers[side], args.rounds).items():
                times[side].setdefault(name, []).append(ms)
    print("%-12s %10s %10s %7s   %10s %10s %7s" %
          ("workload", "base best", "new best", "ratio", "base med", "new med", "ratio"))
    for name in times["base"]:
        b, n = times["base"][name], times["new"][name]
        print("%-12s %10.3f %10.3f %7.3f   %10.3f %10.3f %7.3f" %
              (name, min(b), min(n), min(n) / min(b),
               statistics.median(b), statistics.median(n),
               statistics.median(n) / statistics.median(b)))


if __name__ == "__main__":
    main()
