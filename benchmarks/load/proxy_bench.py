#!/usr/bin/env python3
"""End-to-end load benchmark of proxy mode (not a test): direct client->origin, HAProxy (mode tcp),
nginx stream and l4lb in front of the same two nginx origins, on loopback.

The proxy under test is pinned to one core (taskset -c PROXY_CPU) with one thread/event loop;
wrk and the origins share the other core(s). Every measure runs in interleaved rounds (target A,
B, C, D, then again) so drifting machine load hits every target alike; the median is reported.

Measures: new connections/s (wrk, Connection: close), keep-alive requests/s (64 connections),
1 MiB transfer throughput, p50/p99 latency at moderate load (8 connections, each pausing PACE_MS between requests), and memory per idle
proxied connection (RSS growth for C proxies; live heap after a full GC for the JVM, see idle_memory).

Usage: benchmarks/load/run.sh  (env: ROUNDS=3 DURATION=5 WARMUP=3 PACE_MS=1 IDLE_CONNS=5000 L4LB_TRANSPORTS="epoll io_uring" (also: epoll-netty, nio)
       OUT=docs/benchmarks-proxy.md: the run is added on top of the earlier runs there)
"""
import os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, resource

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
DURATION = int(os.environ.get("DURATION", "5"))
IDLE_CONNS = int(os.environ.get("IDLE_CONNS", "5000"))
WARMUP = int(os.environ.get("WARMUP", "3"))
PACE_MS = int(os.environ.get("PACE_MS", "1"))
# l4lb runs once per transport: epoll (the default) and io_uring (`l4lb-transport io_uring`).
TRANSPORTS = os.environ.get("L4LB_TRANSPORTS", "epoll io_uring").split()
L4LB_NAMES = {t: "l4lb" if t == "epoll" else f"l4lb-{t}" for t in TRANSPORTS}
# "epoll-netty": the epoll transport on Netty's own level-triggered channels (-Dl4lb.epoll.channels=netty)
# instead of l4lb's edge-triggered ones, for a side-by-side comparison.
L4LB_CONFIG_TRANSPORT = {t: "epoll" if t == "epoll-netty" else t for t in TRANSPORTS}
L4LB_EXTRA_JVM = {t: ["-Dl4lb.epoll.channels=netty"] if t == "epoll-netty" else [] for t in TRANSPORTS}
OUT = os.environ.get("OUT", os.path.join(ROOT, "docs", "benchmarks-proxy.md"))
NCPU = os.cpu_count() or 1
PROXY_CPU = os.environ.get("PROXY_CPU", "0")
LOAD_CPUS = os.environ.get("LOAD_CPUS", ",".join(str(c) for c in range(1, NCPU)) or "0")
JAVA = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
procs = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not listen on {port}")


def start(cmd, cpus, what, port, log):
    p = subprocess.Popen(["taskset", "-c", cpus] + cmd, stdout=log, stderr=subprocess.STDOUT)
    procs.append(p)
    wait_port(port, p, what)
    return p


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def tree_rss(pid):
    """RSS of a process and its children (nginx master + worker)."""
    total = rss_kib(pid)
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        total += sum(rss_kib(int(c)) for c in out)
    except Exception:
        pass
    return total


def wrk(port, path="/", conns=64, close=False, latency=False, script=None):
    cmd = ["taskset", "-c", LOAD_CPUS, "wrk", "-t1", f"-c{conns}", f"-d{DURATION}s"]
    if script:
        cmd += ["-s", script]
    if close:
        cmd += ["-H", "Connection: close"]
    if latency:
        cmd += ["--latency"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=DURATION + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    tr = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    mult = {"B": 1 / 2**20, "KB": 1 / 1024, "MB": 1, "GB": 1024}[tr.group(2)]
    res = {"rps": rps, "mibs": float(tr.group(1)) * mult}
    errs = re.search(r"Socket errors: (.*)", out)
    res["errors"] = errs.group(1) if errs else ""
    if latency:
        def ms(label):
            m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
            return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
        res["p50"] = ms("50")
        res["p99"] = ms("99")
    return res


def live_heap_kib(pid):
    """Live Java heap of a JVM after a full GC (jcmd GC.run, then GC.heap_info 'used')."""
    jcmd = os.path.join(os.path.dirname(JAVA), "jcmd")
    subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, timeout=60)
    out = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    # one "total NK, used NK" line per generation (ParallelGC: PSYoungGen, ParOldGen)
    return sum(int(u) for u in re.findall(r"total \d+K, used (\d+)K", out))


def idle_memory(port, pid, jvm=False):
    """Memory per idle proxied connection over IDLE_CONNS held client connections (each proxied to
    an origin). C proxies: RSS growth of the process tree. The JVM: its heap was sized and touched
    up front, so RSS hardly moves and would undercount; what a connection costs there is the live
    heap it retains, measured after a full GC before and after (no buffer is held by an idle
    connection: nothing is read until data arrives), plus any RSS growth beyond the heap (native
    and direct memory). Kernel socket memory is counted for none of them."""
    before = tree_rss(pid)
    heap_before = live_heap_kib(pid) if jvm else 0
    socks = []
    for _ in range(IDLE_CONNS):
        s = socket.socket()
        s.connect(("127.0.0.1", port))
        socks.append(s)
    time.sleep(2)  # let the proxy accept and connect every one
    heap_after = live_heap_kib(pid) if jvm else 0
    after = tree_rss(pid)
    for s in socks:
        s.close()
    time.sleep(1)
    rss = (after - before) / IDLE_CONNS
    if not jvm:
        return rss, rss, 0.0
    heap = (heap_after - heap_before) / IDLE_CONNS
    return heap + max(0.0, rss - heap), rss, heap


def main():
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    tmp = tempfile.mkdtemp(prefix="l4lb-bench-")
    os.chmod(tmp, 0o755)  # nginx workers run as nobody and must read 1m.bin
    log = open(os.path.join(tmp, "bench.log"), "w")
    o1, o2 = free_port(), free_port()
    with open(os.path.join(tmp, "1m.bin"), "wb") as f:
        f.write(os.urandom(1 << 20))
    os.chmod(os.path.join(tmp, "1m.bin"), 0o644)
    for d in ("logs", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(tmp, d), exist_ok=True)
    temp = "".join(f"{k}_temp_path {tmp}/{v};\n" for k, v in
                   [("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"), ("uwsgi", "uwsgi"), ("scgi", "scgi")])
    origin_conf = f"""daemon off; worker_processes 1; pid {tmp}/origin.pid; error_log {tmp}/logs/origin.err;
worker_rlimit_nofile 19000; events {{ worker_connections 18000; }}
http {{ access_log off; {temp} keepalive_requests 1000000; keepalive_timeout 300s; client_header_timeout 300s;
  server {{ listen 127.0.0.1:{o1} backlog=4096; root {tmp}; location = / {{ return 200 "ok\\n"; }} }}
  server {{ listen 127.0.0.1:{o2} backlog=4096; root {tmp}; location = / {{ return 200 "ok\\n"; }} }} }}
"""
    open(os.path.join(tmp, "origin.conf"), "w").write(origin_conf)
    start(["nginx", "-p", tmp, "-c", os.path.join(tmp, "origin.conf")], LOAD_CPUS, "origin nginx", o2, log)

    ph, pn = free_port(), free_port()
    open(os.path.join(tmp, "haproxy.cfg"), "w").write(f"""global
    maxconn 9000
    nbthread 1
defaults
    mode tcp
    timeout connect 5s
    timeout client 300s
    timeout server 300s
listen bench
    bind 127.0.0.1:{ph}
    balance roundrobin
    server o1 127.0.0.1:{o1}
    server o2 127.0.0.1:{o2}
""")
    open(os.path.join(tmp, "stream.conf"), "w").write(f"""daemon off; worker_processes 1; pid {tmp}/stream.pid;
error_log {tmp}/logs/stream.err; load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_rlimit_nofile 19000; events {{ worker_connections 18000; }}
stream {{ upstream o {{ server 127.0.0.1:{o1}; server 127.0.0.1:{o2}; }}
  server {{ listen 127.0.0.1:{pn} backlog=4096; proxy_pass o; proxy_timeout 300s; }} }}
""")
    pls = {}
    for transport in TRANSPORTS:
        pls[transport] = free_port()
        open(os.path.join(tmp, f"l4lb-{transport}.cfg"), "w").write(f"""global
    maxconn 9000
    nbthread 1
    l4lb-transport {L4LB_CONFIG_TRANSPORT[transport]}
defaults
    mode tcp
    timeout connect 5s
    timeout client 300s
    timeout server 300s
listen bench
    bind 127.0.0.1:{pls[transport]}
    backlog 4096
    balance roundrobin
    server o1 127.0.0.1:{o1}
    server o2 127.0.0.1:{o2}
""")
    jar = os.path.join(ROOT, "lb-server", "target", "lb-server-0.1.0-SNAPSHOT.jar")
    cp = jar + ":" + os.path.join(ROOT, "lb-server", "target", "lib", "*")
    jvm = os.environ.get("L4LB_BENCH_JVM", "-XX:+UseParallelGC -XX:ParallelGCThreads=1 -Xms256m -Xmx256m").split()
    targets = {
        "direct": (o1, None),
        "haproxy": (ph, start(["haproxy", "-db", "-f", os.path.join(tmp, "haproxy.cfg")], PROXY_CPU, "haproxy", ph, log)),
        "nginx-stream": (pn, start(["nginx", "-p", tmp, "-c", os.path.join(tmp, "stream.conf")], PROXY_CPU, "nginx stream", pn, log)),
    }
    for transport in TRANSPORTS:
        name = L4LB_NAMES[transport]
        targets[name] = (pls[transport], start([JAVA, "--enable-native-access=ALL-UNNAMED"] + jvm + L4LB_EXTRA_JVM[transport] + ["-cp", cp, "io.l4lb.server.Main", "run",
                                               "-f", os.path.join(tmp, f"l4lb-{transport}.cfg")], PROXY_CPU, name, pls[transport], log))
    # Warm-up (JIT for l4lb: C2 keeps compiling for tens of seconds on this pinned core; caches for
    # everyone), the same for every target, not measured.
    for _ in range(WARMUP):
        for name, (port, _) in targets.items():
            wrk(port, conns=64)
            wrk(port, conns=32, close=True)
    pace = os.path.join(tmp, "pace.lua")
    with open(pace, "w") as f:
        f.write(f"function delay()\n  return {PACE_MS}\nend\n")
    tests = {
        "conn/s": dict(close=True, conns=32),
        "keep-alive req/s": dict(conns=64),
        "1 MiB MiB/s": dict(path="/1m.bin", conns=8),
        # Moderate load: each of the 8 connections waits PACE_MS between a response and its next
        # request (wrk's Lua delay(); the wait is not part of the latency), i.e. about
        # 8 x 1000 / PACE_MS requests/s, well below what any of the targets saturates at.
        "latency": dict(conns=8, latency=True, script=pace),
    }
    results = {t: {n: [] for n in targets} for t in tests}
    for r in range(ROUNDS):
        for t, kw in tests.items():
            for name, (port, _) in targets.items():
                res = wrk(port, **kw)
                results[t][name].append(res)
                print(f"round {r + 1} {t:18s} {name:13s} {res}", flush=True)
    mem = {}
    for name, (port, proc) in targets.items():
        if proc is not None:
            total, rss, heap = idle_memory(port, proc.pid, jvm=name.startswith("l4lb"))
            mem[name] = total
            print(f"idle memory {name}: {total:.2f} KiB/conn (RSS growth {rss:.2f}, live heap {heap:.2f})", flush=True)

    def med(t, name, key):
        return statistics.median(x[key] for x in results[t][name])

    # (label, test, key, higher is better, whether the issue sets a target): p50 is compared but has none.
    rows = [("new connections/s", "conn/s", "rps", True, True), ("keep-alive requests/s", "keep-alive req/s", "rps", True, True),
            ("1 MiB transfers, MiB/s", "1 MiB MiB/s", "mibs", True, True),
            ("p50 latency ms (8 conns, paced)", "latency", "p50", False, False),
            ("p99 latency ms (8 conns, paced)", "latency", "p99", False, True)]
    names = [L4LB_NAMES[t] for t in TRANSPORTS]
    lines = ["| measure | direct | HAProxy | nginx stream | " + " | ".join(f"{n} ({t})" for n, t in zip(names, TRANSPORTS))
             + " | " + " | ".join(f"{t} / HAProxy" for t in TRANSPORTS) + " | target |",
             "|---|---|---|---|" + "---|" * (2 * len(names)) + "---|"]
    for label, t, key, higher, has_target in rows:
        v = {n: med(t, n, key) for n in targets}
        cells = []
        for n in names:
            ratio = v[n] / v["haproxy"] if v["haproxy"] else float("nan")
            ok = ratio >= 1.0 if higher else ratio <= 1.0
            cells.append(f"{ratio:.2f} {'ok' if ok else 'MISSED'}" if has_target else f"{ratio:.2f}")
        target = ('>= 1.0' if higher else '<= 1.0') if has_target else 'no target'
        lines.append(f"| {label} | {v['direct']:.2f} | {v['haproxy']:.2f} | {v['nginx-stream']:.2f} | "
                     + " | ".join(f"{v[n]:.2f}" for n in names) + " | " + " | ".join(cells) + f" | {target} |")
    lines.append(f"| memory per idle proxied conn, KiB | - | {mem['haproxy']:.2f} | {mem['nginx-stream']:.2f} | "
                 + " | ".join(f"{mem[n]:.2f}" for n in names) + " | "
                 + " | ".join(f"{mem[n] / mem['haproxy'] if mem['haproxy'] else float('nan'):.2f}" for n in names)
                 + f" | <= 8 KiB {'ok' if all(mem[n] <= 8 for n in names) else 'MISSED'} |")
    # Per-round ratios: each round ran every target back to back, so its ratios share one machine
    # state; the spread across rounds shows how much of a median's distance from 1.0 is noise.
    lines.append("")
    for n in names:
        parts = []
        for label, t, key, _, _ in rows:
            rs = [a[key] / b[key] if b[key] else float("nan") for a, b in zip(results[t][n], results[t]["haproxy"])]
            parts.append(f"{label.split(',')[0].split(' (')[0]} " + ", ".join(f"{r:.2f}" for r in rs))
        lines.append(f"Per round, {n} / HAProxy: " + "; ".join(parts) + ".")
    table = "\n".join(lines)
    print(table)
    load = open("/proc/loadavg").read().split()[:3]
    note = (f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {NCPU} core(s), loopback, load average "
            f"{' '.join(load)} at the end. Proxies pinned to CPU {PROXY_CPU} with one thread/event loop; wrk "
            f"(1 thread) and the two nginx origins on CPU(s) {LOAD_CPUS}. {ROUNDS} interleaved rounds of {DURATION} s "
            f"per measure, median shown. Latency: 8 connections, each pausing {PACE_MS} ms between a "
            f"response and its next request (moderate load). Idle memory over {IDLE_CONNS} held connections: RSS growth for "
            f"HAProxy and nginx; for l4lb the live heap after a full GC plus any RSS growth beyond it.\n"
            f"l4lb JVM flags: {' '.join(jvm)}.\n")
    record(OUT, f"## Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n" + note + "\n" + table + "\n")
    print(f"written to {OUT}")


def record(path, section):
    """Puts this run's section on top of the page's earlier runs (the first "## " heading), keeping
    the title and introduction above it and every earlier run and its reading below it."""
    try:
        with open(path) as f:
            old = f.read()
    except FileNotFoundError:
        old = "# Proxy-mode load benchmark\n"
    cut = old.find("\n## ")
    head, rest = (old, "") if cut < 0 else (old[:cut + 1], old[cut + 1:])
    with open(path, "w") as f:
        f.write(head.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n" + ("\n" + rest if rest else ""))


if __name__ == "__main__":
    try:
        main()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
