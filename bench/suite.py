"""The benchmark suite (bench/suite/*.py): each program in native
/usr/bin/python3.11 and in `eryx run`, alternating, in one run; Pyodide too
where Node.js is available.

usage: python3.11 bench/suite.py [--passes N] [--only NAME,...] [--vs ERYX] [--no-pyodide]
                                 [--json FILE]

Every program defines bench() and is run with bench/suite/_harness.py
appended: a warm-up call, then timed calls (CPU time, inside the
interpreter, so start-up is not in the figure); it prints a digest of
bench()'s result, which must be the same everywhere.

This machine's speed swings by tens of percent from one second to the next
(other virtual machines on the host), so single timings compare nothing.
Each pass runs every program once per side, the two runs back to back (a
fresh process each, one timed call after the warm-up) in an order that
swaps from pass to pass; a program's ratio is the median over the passes of
the ratio within each pass, its spread the interquartile range of those
ratios relative to the median. Pyodide runs once, best of 5 calls (its wall
time: it has no CPU clock), as the peer.

--vs ERYX compares this checkout's build/bin/eryx with another eryx binary
(an A/B of two builds) instead of with native Python; --vs with a copy of
this checkout's own binary is the A/A run that shows the noise floor.

Each program says which half it belongs to ("# half: train" or
"# half: held-out"): the training half may be used to train the profile of
the PGO build; the held-out half shows whether that overfits.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(ROOT, "bench", "suite")
ERYX = os.path.join(ROOT, "build", "bin", "eryx")
NATIVE = "/usr/bin/python3.11"
HALVES = ("train", "held-out")


def programs(only=None):
    """{name: half} of the suite's programs, sorted by name."""
    found = {}
    for f in sorted(os.listdir(SUITE)):
        if not f.endswith(".py") or f.startswith("_"):
            continue
        name = f[:-3]
        if only and name not in only:
            continue
        with open(os.path.join(SUITE, f)) as src:
            half = next((l.split(":", 1)[1].strip() for l in src if l.startswith("# half:")), None)
        if half not in HALVES:
            sys.exit("suite: %s says no '# half: train' or '# half: held-out'" % f)
        found[name] = half
    return found


def prepare(names, rounds=5):
    """Writes each program with the harness appended, to run `rounds` timed
    calls after the warm-up; {name: path}."""
    where = os.path.join(ROOT, "build", "bench", "suite", "rounds%d" % rounds)
    os.makedirs(where, exist_ok=True)
    with open(os.path.join(SUITE, "_harness.py")) as f:
        harness = f.read()
    paths = {}
    for name in names:
        with open(os.path.join(SUITE, name + ".py")) as f:
            text = "ROUNDS = %d\n" % rounds + f.read() + harness
        paths[name] = os.path.join(where, name + ".py")
        with open(paths[name], "w") as f:
            f.write(text)
    return paths


def run_one(argv):
    """(digest, seconds) the harness printed."""
    done = subprocess.run(argv, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode or len(lines) < 2 or not lines[-2].startswith("check "):
        sys.exit("suite: %s failed (status %d):\n%s%s" % (" ".join(argv), done.returncode,
                                                         done.stdout[-2000:], done.stderr[-2000:]))
    return lines[-2].split()[1], float(lines[-1])


def pyodide(scripts):
    """{"startup": (seconds, None), name: (best seconds, digest)} of
    Pyodide; {} when unavailable. Installs Pyodide under build/pyodide on first use."""
    if not shutil.which("node") or not shutil.which("npm"):
        print("(Pyodide: skipped, node and npm are not installed)")
        return {}
    where = os.path.join(ROOT, "build", "pyodide")
    os.makedirs(where, exist_ok=True)
    for name in ("package.json", "bench.mjs"):
        shutil.copy(os.path.join(ROOT, "bench", "pyodide", name), where)
    if not os.path.isdir(os.path.join(where, "node_modules", "pyodide")):
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=where,
                              capture_output=True, text=True)
        if done.returncode:
            print("(Pyodide: skipped, npm install failed: %s)" % done.stderr.strip()[-200:])
            return {}
    done = subprocess.run(["node", "bench.mjs", *scripts], cwd=where, capture_output=True,
                          text=True)
    if done.returncode:
        print("(Pyodide: failed: %s)" % done.stderr.strip()[-300:])
    found = {}
    for line in done.stdout.splitlines():
        name, seconds, *digest = line.split()
        found[name[:-3] if name.endswith(".py") else name] = (float(seconds), digest and digest[0])
    return found


def geomean(xs):
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def measure(sides, paths, passes):
    """({side: {name: [seconds, one per pass]}}, {name: digest}); exits if
    the digests differ."""
    times = {side: {name: [] for name in paths} for side in sides}
    digests = {}
    for i in range(passes):
        for k, (name, path) in enumerate(paths.items()):
            order = list(sides) if (i + k) % 2 == 0 else list(reversed(sides))
            for side in order:
                digest, t = run_one(sides[side] + [path])
                if digests.setdefault(name, (side, digest))[1] != digest:
                    sys.exit("suite: %s gives %s in %s but %s in %s" % (
                        name, digest, side, digests[name][1], digests[name][0]))
                times[side][name].append(t)
        print("  (pass %d of %d done)" % (i + 1, passes), file=sys.stderr)
    return times, {name: d for name, (_side, d) in digests.items()}


def quartiles(xs):
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
    return q[0], q[1], q[2]


def report(half_of, times, base, new, peer, json_path=None):
    """Prints the table and the geomeans of new/base (and of new/Pyodide,
    peer: {name: seconds}); saves them as JSON."""
    med = {side: {n: statistics.median(ts) for n, ts in times[side].items()} for side in times}
    header = "%-18s %-8s %10s %10s %7s %6s" % ("program", "half", base + " ms", new + " ms",
                                                "ratio", "sprd")
    if peer:
        header += " %11s %9s" % ("pyodide ms", new + "/pyo")
    print(header)
    ratios, spreads = {}, {}
    for n, half in half_of.items():
        low, mid, high = quartiles([t / b for t, b in zip(times[new][n], times[base][n])])
        ratios[n], spreads[n] = mid, (high - low) / mid
        line = "%-18s %-8s %10.2f %10.2f %6.3fx %5.1f%%" % (
            n, half, med[base][n] * 1e3, med[new][n] * 1e3, ratios[n], spreads[n] * 100)
        if n in peer:
            line += " %11.2f %8.3fx" % (peer[n] * 1e3, med[new][n] / peer[n])
        print(line)
    print()
    summary = {}
    for label, names in [("all", list(half_of))] + [(h, [n for n in half_of if half_of[n] == h])
                                                     for h in HALVES]:
        rs = [ratios[n] for n in names]
        summary[label] = geomean(rs)
        line = "geomean %s/%s, %-8s %6.3fx over %2d programs; %2d above 1.15x, %2d above 1.4x" % (
            new, base, label + ":", summary[label], len(rs), sum(r > 1.15 for r in rs),
            sum(r > 1.4 for r in rs))
        ps = [med[new][n] / peer[n] for n in names if n in peer]
        if ps:
            line += "; %s/pyodide %.3fx" % (new, geomean(ps))
        print(line)
    worst = sorted(ratios, key=ratios.get)[-5:][::-1]
    print("worst: " + ", ".join("%s %.2fx" % (n, ratios[n]) for n in worst))
    print("median spread (interquartile range of the per-pass ratios): %.1f%%" %
          (statistics.median(spreads.values()) * 100))
    if json_path:
        with open(json_path, "w") as f:
            json.dump({"base": base, "new": new, "half": half_of, "times": times, "ratios": ratios,
                       "spreads": spreads, "geomean": summary, "pyodide": peer}, f, indent=1)


def main(argv=None, peer=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--passes", type=int, default=9)
    ap.add_argument("--only", default="", help="comma-separated program names")
    ap.add_argument("--vs", help="another eryx binary to compare with, instead of native")
    ap.add_argument("--no-pyodide", action="store_true")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args(argv)
    half_of = programs(set(filter(None, args.only.split(","))))
    paths = prepare(half_of, rounds=1)
    eryx = [ERYX, "run", "--timeout", "300"]
    if args.vs:
        base, sides = "base", {"base": [args.vs, "run", "--timeout", "300"], "eryx": eryx}
    else:
        base, sides = "native", {"native": [NATIVE, "-I"], "eryx": eryx}
        if peer is None and not args.no_pyodide:
            peer = pyodide(list(prepare(half_of).values()))
    times, digests = measure(sides, paths, args.passes)
    peer_times = {}
    for name, (seconds, digest) in (peer or {}).items():
        if name in digests and digest != digests[name]:
            print("(Pyodide: %s gives digest %s, not %s: left out)" % (name, digest, digests[name]))
        elif name in digests:
            peer_times[name] = seconds
    report(half_of, times, base, "eryx", peer_times, args.json)


if __name__ == "__main__":
    main()
