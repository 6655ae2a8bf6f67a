#!/usr/bin/env python3
"""Scale test: Lantern holding many active series for a long window, then restarts.

Starts a farm of T plain-text targets on 127.11.0.x (S series each, values changing every
interval), a release `lantern serve` scraping them every I seconds, and watches for D seconds:
CPU and RSS every 30 s, then from Lantern's own series whether every target was scraped on
schedule (no overruns). Afterwards it measures time to ready after a clean stop (SIGTERM) and
after `kill -9`, on the same data.

    python3 bench/scale.py --lantern .build-release/release/lantern -T 100 -S 10000 -I 15 -D 1800

Standard library only; listens on 127.0.0.1 / 127.11.0.0/16 only. Prints one JSON document.
"""
import argparse, asyncio, json, os, shutil, signal, subprocess, sys, tempfile, threading, time
import urllib.parse, urllib.request


def farm(targets, series, interval, port, ready):
    """One asyncio server per target address; body for frame f rendered on request (cheap joins)."""
    names = ["scale_metric_%02d_total" % m for m in range(100)]
    per_name = max(1, series // len(names))

    def prefix(i):
        out = []
        for s in range(series):
            out.append('%s{shard="%d",kind="%s"} ' % (names[s // per_name % len(names)], s % per_name, "abcdefgh"[s % 8]))
        return out

    prefixes = [None] * targets

    async def handle(reader, writer, i):
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                if prefixes[i] is None:
                    prefixes[i] = prefix(i)
                f = int(time.time() // interval)
                # Every 4th series changes each frame (counters step by a series-specific amount).
                body = "".join(p + str(s * 3 + (f * (s % 5 + 1) if s % 4 == 0 else 0)) + "\n" for s, p in enumerate(prefixes[i])).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %d\r\n\r\n" % len(body))
                writer.write(body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def main():
        servers = []
        for i in range(targets):
            host = "127.11.%d.%d" % ((i + 1) // 256, (i + 1) % 256)
            servers.append(await asyncio.start_server(lambda r, w, i=i: handle(r, w, i), host, port))
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def get(port, path, params=None):
    url = "http://127.0.0.1:%d%s" % (port, path)
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read()


def query(port, expr, t=None):
    p = [("query", expr)] + ([("time", "%.3f" % t)] if t else [])
    return json.loads(get(port, "/api/v1/query", p))["data"]["result"]


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    cpu = (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    rss = hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    return cpu, rss, hwm


def start_lantern(binary, workdir, port):
    log = open(os.path.join(workdir, "lantern.log"), "a")
    t0 = time.time()
    p = subprocess.Popen([binary, "serve", "--config.file=prometheus.yml", "--storage.path=data",
                          "--web.listen-address=127.0.0.1:%d" % port], cwd=workdir, stdout=log, stderr=log)
    while True:
        try:
            if get(port, "/-/ready"):
                return p, time.time() - t0
        except Exception:
            if p.poll() is not None:
                sys.exit("lantern exited: see %s/lantern.log" % workdir)
            time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lantern", required=True)
    ap.add_argument("-T", "--targets", type=int, default=100)
    ap.add_argument("-S", "--series", type=int, default=10000)
    ap.add_argument("-I", "--interval", type=int, default=15)
    ap.add_argument("-D", "--duration", type=int, default=1800)
    ap.add_argument("--port", type=int, default=19590)
    ap.add_argument("--farm-port", type=int, default=19591)
    ap.add_argument("--workdir")
    a = ap.parse_args()
    workdir = a.workdir or tempfile.mkdtemp(prefix="lantern-scale-")
    os.makedirs(workdir, exist_ok=True)
    ready = threading.Event()
    threading.Thread(target=farm, args=(a.targets, a.series, a.interval, a.farm_port, ready), daemon=True).start()
    ready.wait()
    addrs = ["127.11.%d.%d:%d" % ((i + 1) // 256, (i + 1) % 256, a.farm_port) for i in range(a.targets)]
    with open(os.path.join(workdir, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: %ds\n  scrape_timeout: %ds\nscrape_configs:\n  - job_name: scale\n"
                "    static_configs:\n      - targets: [%s]\n" % (a.interval, a.interval, ", ".join(addrs)))
    binary = os.path.abspath(a.lantern)
    p, ready_s = start_lantern(binary, workdir, a.port)
    start = time.time()
    cpu0, _, _ = proc_stat(p.pid)
    samples = []
    while time.time() - start < a.duration:
        time.sleep(min(30, a.duration - (time.time() - start)))
        cpu, rss, hwm = proc_stat(p.pid)
        samples.append({"t": round(time.time() - start), "cpu_s": round(cpu - cpu0, 2), "rss": rss, "hwm": hwm})
        print(json.dumps(samples[-1]), file=sys.stderr, flush=True)
    end = time.time()
    cpu1, rss1, hwm1 = proc_stat(p.pid)
    window = "%ds" % int(end - start - a.interval)
    expected = int((end - start - a.interval) // a.interval)
    scrapes = [float(r["value"][1]) for r in query(a.port, "count_over_time(up[%s])" % window)]
    result = {
        "targets": a.targets, "series_per_target": a.series, "interval_s": a.interval, "duration_s": a.duration,
        "ready_at_start_s": round(ready_s, 3),
        "active_series": float(query(a.port, "count({job=\"scale\",__name__!~\"up|scrape_.+\"})")[0]["value"][1]),
        "targets_up": float(query(a.port, "sum(up)")[0]["value"][1]),
        "scrapes_per_target_min": min(scrapes), "scrapes_expected": expected,
        "max_scrape_duration_s": float(query(a.port, "max(max_over_time(scrape_duration_seconds[%s]))" % window)[0]["value"][1]),
        "avg_scrape_duration_s": float(query(a.port, "avg(avg_over_time(scrape_duration_seconds[%s]))" % window)[0]["value"][1]),
        "samples_per_s": float(query(a.port, "sum(avg_over_time(scrape_samples_scraped[5m])) / %d" % a.interval)[0]["value"][1]),
        "cpu_cores": round((cpu1 - cpu0) / (end - start), 4),
        "cpu_us_per_sample": round((cpu1 - cpu0) / (end - start) / (a.targets * a.series / a.interval) * 1e6, 3),
        "rss_end": rss1, "hwm_end": hwm1, "timeline": samples,
    }
    # Clean stop, restart; then kill -9, restart.
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    p.wait()
    result["shutdown_s"] = round(time.time() - t0, 3)
    p, result["ready_after_clean_stop_s"] = start_lantern(binary, workdir, a.port)
    result["rss_after_clean_restart"] = proc_stat(p.pid)[1]
    time.sleep(2 * a.interval)
    p.send_signal(signal.SIGKILL)
    p.wait()
    p, result["ready_after_kill9_s"] = start_lantern(binary, workdir, a.port)
    result["rss_after_kill9_restart"] = proc_stat(p.pid)[1]
    result["data_dir_bytes"] = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(workdir, "data")) for f in fs)
    p.send_signal(signal.SIGTERM)
    p.wait()
    result["workdir"] = workdir
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
