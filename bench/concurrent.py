#!/usr/bin/env python3
"""Concurrent side by side: one bench farm, Prometheus and one or more Lantern binaries scraping
it at the same time, so CPU and query latency are compared in the same seconds on the same data
(a run of ../shared/bench/run.py measures one system at a time; on this noisy 2-core machine
minutes apart can differ by 10 %).

    python3 bench/concurrent.py start --lantern new=.build-release/release/lantern --lantern old=/tmp/lantern-old
    python3 bench/concurrent.py cpu 30 20            # CPU seconds per 30 s window, 20 windows, ratios to Prometheus
    python3 bench/concurrent.py queries new 9        # the bench query suite, Prometheus vs `new`, interleaved
    python3 bench/concurrent.py queries new 9 --against old   # two Lantern binaries on the same data
    python3 bench/concurrent.py stop

The farm is ../shared/bench/targets.py (T targets × S series, explicit timestamps, so every
system stores identical samples); queries cover the newest 5 minutes, so start them at least 6
minutes after `start`. State lives in $CONCURRENT_DIR (default /tmp/lantern-concurrent).
Listens on 127.0.0.1 and the farm's 127.10.0.x addresses only.
"""
import argparse, json, math, os, signal, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "bench")
RUN = os.environ.get("CONCURRENT_DIR", "/tmp/lantern-concurrent")
CLK = os.sysconf("SC_CLK_TCK")
PROM_PORT = 9091


def state():
    with open(os.path.join(RUN, "state.json")) as fh:
        return json.load(fh)


def start(a):
    if os.path.exists(RUN):
        subprocess.run(["rm", "-rf", RUN], check=True)
    os.makedirs(RUN)
    epoch = math.ceil((time.time() + 30) / a.interval) * a.interval
    ready = os.path.join(RUN, "farm.ready")
    farm = subprocess.Popen([sys.executable, os.path.join(SHARED, "targets.py"), "-T", str(a.targets), "-S", str(a.series),
                             "-I", str(a.interval), "--seed", "1", "--epoch", repr(epoch), "--base-addr", "127.10.0.1",
                             "--port", "9100", "--prerender-from", "-8", "--prerender-frames", "160",
                             "--ready-file", ready, "--timestamps", "--max-seconds", "20000"],
                            stdout=open(os.path.join(RUN, "farm.log"), "w"), stderr=subprocess.STDOUT)
    while not os.path.exists(ready):
        if farm.poll() is not None:
            sys.exit("farm failed, see %s/farm.log" % RUN)
        time.sleep(0.5)
    targets = json.load(open(ready))["targets"]
    cfg = os.path.join(RUN, "prometheus.yml")
    with open(cfg, "w") as fh:  # JSON is YAML
        json.dump({"global": {"scrape_interval": "%gs" % a.interval, "scrape_timeout": "%gs" % a.interval},
                   "scrape_configs": [{"job_name": "farm", "static_configs": [{"targets": targets}]}]}, fh)
    pids = {"farm": farm.pid}
    ports = {"prometheus": PROM_PORT}
    os.makedirs(os.path.join(RUN, "prometheus"))
    pids["prometheus"] = subprocess.Popen(
        ["prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + os.path.join(RUN, "prometheus"),
         "--web.listen-address=127.0.0.1:%d" % PROM_PORT, "--storage.tsdb.retention.time=7d", "--log.level=warn"],
        stdout=open(os.path.join(RUN, "prometheus.log"), "w"), stderr=subprocess.STDOUT).pid
    for k, spec in enumerate(a.lantern):
        name, binary = spec.split("=", 1)
        port = PROM_PORT + 1 + k
        data = os.path.join(RUN, name)
        os.makedirs(data)
        pids[name] = subprocess.Popen([binary, "serve", "--config.file=" + cfg, "--storage.path=" + data,
                                       "--web.listen-address=127.0.0.1:%d" % port],
                                      stdout=open(data + ".log", "w"), stderr=subprocess.STDOUT).pid
        ports[name] = port
    with open(os.path.join(RUN, "state.json"), "w") as fh:
        json.dump({"pids": pids, "ports": ports, "interval": a.interval}, fh)
    print("started: %s (queries need 6 minutes of data)" % ", ".join("%s :%d" % kv for kv in ports.items()))


def stop(_):
    for name, pid in state()["pids"].items():
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as fh:
        f = fh.read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / CLK


def cpu(a):
    st = state()
    names = ["prometheus"] + [n for n in st["ports"] if n != "prometheus"]
    pids = [st["pids"][n] for n in names]
    before = [cpu_seconds(p) for p in pids]
    totals = [0.0] * len(pids)
    for i in range(a.windows):
        time.sleep(a.seconds)
        now = [cpu_seconds(p) for p in pids]
        delta = [y - x for x, y in zip(before, now)]
        before = now
        totals = [t + d for t, d in zip(totals, delta)]
        print("%6.0f s  " % ((i + 1) * a.seconds) + "  ".join("%s %.2f" % nd for nd in zip(names, delta)), flush=True)
    print("total    " + "  ".join("%s %.2f (%.3f)" % (n, t, t / totals[0]) for n, t in zip(names, totals)))


def queries(a):
    sys.path.insert(0, SHARED)
    import run  # the shared harness: its suite, HTTP client and canonical result form
    st = state()
    interval = st["interval"]
    base = run.Http("127.0.0.1", st["ports"][a.against])
    cand = run.Http("127.0.0.1", st["ports"][a.name])
    epoch = int((time.time() - 330) // interval * interval)
    n_last = int(300 // interval) - 1
    t_eval = epoch + (n_last + 0.5) * interval
    rng_ms = int(round(n_last * interval * 1000))
    r_start = epoch + max(interval, math.ceil(70.0 / interval) * interval) + 0.5 * interval
    step = max(interval, math.floor((t_eval - r_start) / 20 / interval) * interval)
    suite = []
    for name, expr in run.SUITES["farm"]:
        suite.append((name, "instant", "/api/v1/query", [("query", expr), ("time", "%.3f" % t_eval)]))
        suite.append((name, "range", "/api/v1/query_range", [("query", expr), ("start", "%.3f" % r_start),
                                                              ("end", "%.3f" % t_eval), ("step", "%gs" % step)]))
    for name, path, params in run.META["farm"]:
        suite.append((name, "meta", path, list(params) + [("start", "%.3f" % epoch), ("end", "%.3f" % t_eval)]))
    suite.append(("count_over_time_one_family", "instant", "/api/v1/query",
                  [("query", "sum(count_over_time(http_requests_total[%dms]))" % rng_ms), ("time", "%.3f" % t_eval)]))
    slower = 0
    for name, kind, path, params in suite:
        _, b0, _ = base.get(path, params)
        _, b1, _ = cand.get(path, params)
        equal = run.canonical(json.loads(b0)["data"], epoch, 6) == run.canonical(json.loads(b1)["data"], epoch, 6)
        tb, tc = [], []
        for _ in range(a.repeats):
            tb.append(base.get(path, params)[2])
            tc.append(cand.get(path, params)[2])
        mb, mc = statistics.median(tb), statistics.median(tc)
        slower += mc > mb
        print("%-30s %-7s %s %9.5f  %s %9.5f  ratio %5.2f %s" % (name, kind, a.against, mb, a.name, mc, mc / mb,
                                                                 "" if equal else "DIFFERENT"), flush=True)
    print("%s slower than %s on %d of %d" % (a.name, a.against, slower, len(suite)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start")
    s.add_argument("--lantern", action="append", required=True, help="NAME=BINARY (repeatable)")
    s.add_argument("-T", "--targets", type=int, default=100)
    s.add_argument("-S", "--series", type=int, default=1000)
    s.add_argument("-I", "--interval", type=float, default=5)
    s.set_defaults(fn=start)
    sub.add_parser("stop").set_defaults(fn=stop)
    c = sub.add_parser("cpu")
    c.add_argument("seconds", type=float)
    c.add_argument("windows", type=int)
    c.set_defaults(fn=cpu)
    q = sub.add_parser("queries")
    q.add_argument("name")
    q.add_argument("repeats", type=int)
    q.add_argument("--against", default="prometheus")
    q.set_defaults(fn=queries)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
