#!/usr/bin/env python3
"""Where a benchmark's CPU time and scheduler waits go (docs/BENCHMARKS.md "Flood on PostgreSQL").

  schedstat_sample.py sample ROOT_PID TMPROOT OUT
      Every 0.5 s until ROOT_PID exits, writes one line per process: time, group, pid, and the
      sums over its threads of /proc/PID/task/*/schedstat (ns on a CPU, ns runnable but waiting
      for a CPU, wake-ups). Groups: "broker" (mosquitto), "pg" (a postgres whose arguments name
      TMPROOT, the bench's TMPDIR, and its children: the backends), "flooder" and "quiet"
      (mqchat-bench --scenario group / other), "other": descendants of ROOT_PID only, and pg.
  schedstat_sample.py sum OUT T0 T1
      Per process over [T0, T1] (epoch seconds): on-CPU ms/s, waiting ms/s, wake-ups/s and the
      wait per wake-up, the busiest first.
Linux only; reads /proc, changes nothing.
"""
import os
import sys
import time


def args_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def parent_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def schedstat(pid):
    cpu = wait = slices = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return cpu, wait, slices
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                a, b, c = f.read().split()[:3]
        except (OSError, ValueError):
            continue
        cpu, wait, slices = cpu + int(a), wait + int(b), slices + int(c)
    return cpu, wait, slices


def sample(root, tmproot, out):
    with open(out, "w") as f:
        while os.path.exists(f"/proc/{root}"):
            pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
            parent = {p: parent_of(p) for p in pids}
            args = {p: args_of(p) for p in pids}

            def under_root(p):
                for _ in range(50):
                    if p == root:
                        return True
                    if p <= 1:
                        return False
                    p = parent.get(p, -1)
                return False

            postmasters = {p for p in pids if tmproot in args[p] and "postgres -D" in args[p]}
            now = time.time()
            for p in pids:
                a = args[p]
                if p == root:
                    continue
                if p in postmasters or parent.get(p) in postmasters:
                    group = "pg"
                elif not under_root(p):
                    continue
                elif "mosquitto" in a:
                    group = "broker"
                elif "mqchat-bench" in a and "--scenario group" in a:
                    group = "flooder"
                elif "mqchat-bench" in a:
                    group = "quiet"
                else:
                    group = "other"
                cpu, wait, slices = schedstat(p)
                f.write(f"{now:.2f} {group} {p} {cpu} {wait} {slices}\n")
            f.flush()
            time.sleep(0.5)


def summarize(out, t0, t1):
    first, last = {}, {}
    with open(out) as f:
        for line in f:
            t, group, pid, cpu, wait, slices = line.split()
            if not t0 <= float(t) <= t1:
                continue
            row = (group, int(cpu), int(wait), int(slices))
            first.setdefault(pid, row)
            last[pid] = row
    span = t1 - t0
    rows = []
    for pid, a in first.items():
        b = last[pid]
        rows.append((b[1] - a[1], b[2] - a[2], b[3] - a[3], a[0], pid))
    for cpu, wait, slices, group, pid in sorted(rows, reverse=True):
        if slices == 0:
            continue
        print(f"{group:8s} pid {pid:>7s}  cpu {cpu / 1e6 / span:7.1f} ms/s  "
              f"wait {wait / 1e6 / span:7.1f} ms/s  wake-ups {slices / span:6.0f}/s  "
              f"wait per wake-up {wait / 1e3 / slices:8.1f} us")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "sample":
        sample(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "sum":
        summarize(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
