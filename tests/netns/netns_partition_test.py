#!/usr/bin/env python3
"""Network partition test: this test verifies that an agent cut off from the
controller makes its host `unreachable` within the heartbeat TTL and its
instances' status `unknown` (never terminated, never run twice), and that
restoring the link brings the host back `up` and reconciles: the instances
report running again and what was asked meanwhile is carried out.

Topology (created here, removed on exit even on failure; nothing outside these
namespaces is touched):

    netns <ctl>: bridge br0 10.200.0.1/24, gureum-controller on 10.200.0.1,
                 the `gureum` CLI
        |-- veth -- netns <a1>: eth0 10.200.0.11, gureum-agent host-a1 (zone-a)
        '-- veth -- netns <a2>: eth0 10.200.0.12, gureum-agent host-a2 (zone-b)

Three cuts of host-a1, one after the other:
  link-down  `ip link set eth0 down` in a1's namespace (the link goes away)
  blackhole  an nftables rule in a1's namespace drops every packet while the
             link stays up (a silent partition: no RST, no error, nothing)
  restart-during-cut  the controller is killed, a1's link cut while it is
             down, and it restarts: a1 keeps its last state (up) through the
             start-up grace, then becomes unreachable; the link returns

Needs root and `ip` (iproute2), `nft` for the second cut. Exit 77 (ctest:
skipped) with the reason when they are missing.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chaos"))
from gureum_cluster import Cluster, wait_for  # noqa: E402

SKIP = 77
SUBNET = "10.200.0"
CONTROLLER_IP = SUBNET + ".1"


def sh(*argv, check=True):
    p = subprocess.run(list(argv), capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(argv), p.returncode, p.stderr.strip()))
    return p


class Namespaces:
    """The three namespaces and their links; remove() is safe to call twice."""

    def __init__(self, tag):
        self.ctl = "gureum-ctl-" + tag
        self.agents = {"host-a1": "gureum-a1-" + tag, "host-a2": "gureum-a2-" + tag}
        self.addresses = {"host-a1": SUBNET + ".11", "host-a2": SUBNET + ".12"}
        self.created = []

    def create(self):
        for ns in [self.ctl] + list(self.agents.values()):
            sh("ip", "netns", "add", ns)
            self.created.append(ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", self.ctl, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.ctl, "addr", "add", CONTROLLER_IP + "/24", "dev", "br0")
        sh("ip", "-n", self.ctl, "link", "set", "br0", "up")
        for i, (host, ns) in enumerate(sorted(self.agents.items())):
            port = "veth%d" % (i + 1)
            # Both ends are made inside the namespaces: nothing appears in the root one.
            sh("ip", "-n", self.ctl, "link", "add", port, "type", "veth", "peer", "name", "eth0",
               "netns", ns)
            sh("ip", "-n", self.ctl, "link", "set", port, "master", "br0", "up")
            sh("ip", "-n", ns, "addr", "add", self.addresses[host] + "/24", "dev", "eth0")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")
        for host, ns in self.agents.items():
            if shutil.which("ping") and sh("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "2",
                                           CONTROLLER_IP, check=False).returncode != 0:
                raise RuntimeError("%s cannot reach %s" % (host, CONTROLLER_IP))

    def remove(self):
        for ns in reversed(self.created):
            sh("ip", "netns", "del", ns, check=False)
        self.created = []


class Checks:
    def __init__(self):
        self.failures = 0

    def check(self, ok, what):
        print("  %s  %s" % ("PASS" if ok else "FAIL", what), flush=True)
        if not ok:
            self.failures += 1
        return ok


def instances(cluster):
    r = cluster.cli("describe-instances")
    if not r.ok:
        return {}
    return {i["instanceId"]: i for i in r.json()["instances"]}


def boots(cluster, host):
    return {i: d["console"].count("[fake] booting ")
            for i, d in cluster.fake_domains(host).items()}


def launch(cluster, image, zone, count):
    doc = cluster.cli_json("run-instances", "--image-id", image, "--instance-type", "g1.nano",
                           "--count", str(count), "--availability-zone", zone)
    return sorted(i["instanceId"] for i in doc["instances"])


def run_cut(name, cluster, ns, image, checks, ttl_s, cut, restore, figures):
    """One partition of host-a1: cut, observe, change desired state, restore,
    observe reconciliation."""
    print("%s:" % name, flush=True)
    a1 = launch(cluster, image, "zone-a", 3)
    a2 = launch(cluster, image, "zone-b", 2)
    everyone = a1 + a2
    wait_for(lambda: all(instances(cluster).get(i, {}).get("state", {}).get("name") == "running"
                         for i in everyone), 30, 0.2)
    before = instances(cluster)
    checks.check(all(before[i]["state"]["name"] == "running" and
                     before[i]["instanceStatus"] == "ok" for i in everyone),
                 "3 instances on host-a1 and 2 on host-a2 running, status ok")
    boots_before = boots(cluster, "host-a1")
    agent_pid = cluster.agents["host-a1"].proc.pid

    cut()
    cut_at = time.monotonic()
    seen = {}

    def host_left_up():
        state = cluster.hosts().get("host-a1", {}).get("state")
        seen["state"] = state
        return state not in (None, "up")
    wait_for(host_left_up, ttl_s + 30, 0.1)
    to_unreachable = time.monotonic() - cut_at
    figures[name + " cut->host left up s"] = round(to_unreachable, 1)
    checks.check(seen.get("state") == "unreachable" and to_unreachable <= ttl_s + 2.0,
                 "host-a1 is '%s' %.1f s after the cut (want 'unreachable' within the %.1f s "
                 "TTL + 2 s)" % (seen.get("state"), to_unreachable, ttl_s))
    hosts = cluster.hosts()
    checks.check(hosts.get("host-a2", {}).get("state") == "up", "host-a2 stays up")
    during = instances(cluster)
    checks.check(all(during[i]["instanceStatus"] == "unknown" and
                     during[i]["state"]["name"] == "running" and
                     during[i]["desiredState"] == "running" for i in a1),
                 "host-a1's instances: status %s, state %s (want unknown, running)" %
                 (sorted({during[i]["instanceStatus"] for i in a1}),
                  sorted({during[i]["state"]["name"] for i in a1})))
    checks.check(all(during[i]["instanceStatus"] == "ok" for i in a2),
                 "host-a2's instances: status ok")
    refused = cluster.cli("run-instances", "--image-id", image, "--instance-type", "g1.nano",
                          "--count", "1", "--availability-zone", "zone-a")
    checks.check(refused.api_error == "InsufficientInstanceCapacity",
                 "a launch into zone-a (only host-a1) is refused: %s" %
                 (refused.api_error or "exit %d" % refused.code))
    # Asked during the partition; carried out once the agent is back.
    doomed = a1[0]
    cluster.cli_json("terminate-instances", "--instance-ids", doomed)
    time.sleep(max(1.0, ttl_s / 2))
    during = instances(cluster)
    checks.check(during[doomed]["state"]["name"] == "shutting-down",
                 "terminate during the cut: %s stays %s (the host cannot confirm)" %
                 (doomed, during[doomed]["state"]["name"]))
    checks.check(len(during) == len(before) and
                 all(during[i].get("hostName") == before[i].get("hostName") for i in everyone),
                 "nothing rescheduled or relaunched elsewhere (%d instances, same hosts)" %
                 len(during))
    checks.check(boots(cluster, "host-a1") == boots_before and
                 all(d["state"] == "running"
                     for d in cluster.fake_domains("host-a1").values()),
                 "host-a1's guests keep running, unrebooted, behind the cut")

    restore()
    restored_at = time.monotonic()
    up = cluster.wait_hosts_up(["host-a1"], 60)
    to_up = time.monotonic() - restored_at
    figures[name + " restore->up s"] = round(to_up, 1)
    checks.check(up, "host-a1 up again %.1f s after the link returned" % to_up)

    def reconciled():
        now = instances(cluster)
        return (now.get(doomed, {}).get("state", {}).get("name") == "terminated" and
                all(now[i]["state"]["name"] == "running" and now[i]["instanceStatus"] == "ok"
                    for i in everyone if i != doomed))
    ok = wait_for(reconciled, 30, 0.2)
    figures[name + " restore->reconciled s"] = round(time.monotonic() - restored_at, 1)
    after = instances(cluster)
    checks.check(ok, "reconciled %.1f s after the link returned: %s terminated, the other %d "
                 "running with status ok (%s)" %
                 (figures[name + " restore->reconciled s"], doomed, len(everyone) - 1,
                  sorted({after[i]["instanceStatus"] for i in everyone if i != doomed})))
    domains = cluster.fake_domains("host-a1")
    checks.check(doomed not in domains, "%s's domain is gone from host-a1" % doomed)
    boots_after = boots(cluster, "host-a1")
    checks.check(all(boots_after.get(i) == 1 for i in a1 if i != doomed),
                 "host-a1's other instances were booted exactly once: %s" %
                 {i: boots_after.get(i) for i in a1 if i != doomed})
    checks.check(cluster.agents["host-a1"].proc.pid == agent_pid and
                 cluster.agents["host-a1"].running(),
                 "the agent process on host-a1 ran throughout")
    # Leave the next cut a clean slate.
    cluster.cli_json("terminate-instances", "--instance-ids", ",".join(i for i in everyone
                                                                       if i != doomed))
    wait_for(lambda: all(instances(cluster)[i]["state"]["name"] == "terminated"
                         for i in everyone), 30, 0.2)


def run_restart_during_cut(cluster, image, checks, ttl_s, grace_s, cut, restore, figures):
    """The controller is killed, host-a1 is cut off while it is down, and it
    restarts: host-a1 keeps its last state ('up') through the start-up grace,
    then, never having heartbeated to this controller, becomes unreachable;
    host-a2 reconnects and stays up."""
    name = "restart-during-cut"
    print("%s:" % name, flush=True)
    a1 = launch(cluster, image, "zone-a", 2)
    wait_for(lambda: all(instances(cluster).get(i, {}).get("state", {}).get("name") == "running"
                         for i in a1), 30, 0.2)
    boots_before = boots(cluster, "host-a1")
    cluster.controller.kill9()
    cut()
    cluster.start_controller()
    restarted_at = time.monotonic()
    first = cluster.hosts()
    checks.check(first.get("host-a1", {}).get("state") == "up",
                 "right after the restart (start-up grace %.1f s) host-a1 keeps its last state: "
                 "%s (want up)" % (grace_s, first.get("host-a1", {}).get("state")))
    seen = {}

    def left_up():
        seen["state"] = cluster.hosts().get("host-a1", {}).get("state")
        return seen["state"] not in (None, "up")
    wait_for(left_up, grace_s + ttl_s + 30, 0.1)
    took = time.monotonic() - restarted_at
    figures[name + " restart->host left up s"] = round(took, 1)
    checks.check(seen.get("state") == "unreachable" and took <= grace_s + ttl_s + 2.0,
                 "host-a1 is '%s' %.1f s after the restart (want 'unreachable' after the grace, "
                 "within grace %.1f s + TTL %.1f s + 2 s)" %
                 (seen.get("state"), took, grace_s, ttl_s))
    checks.check(cluster.wait_hosts_up(["host-a2"], 10), "host-a2 reconnected and is up")
    during = instances(cluster)
    checks.check(all(during[i]["instanceStatus"] == "unknown" and
                     during[i]["state"]["name"] == "running" for i in a1),
                 "host-a1's instances: status %s, state %s (want unknown, running)" %
                 (sorted({during[i]["instanceStatus"] for i in a1}),
                  sorted({during[i]["state"]["name"] for i in a1})))
    restore()
    restored_at = time.monotonic()

    def back():
        now = instances(cluster)
        return (cluster.hosts().get("host-a1", {}).get("state") == "up" and
                all(now[i]["state"]["name"] == "running" and now[i]["instanceStatus"] == "ok"
                    for i in a1))
    ok = wait_for(back, 60, 0.2)
    figures[name + " restore->reconciled s"] = round(time.monotonic() - restored_at, 1)
    checks.check(ok, "link restored: host-a1 up and its instances running, ok, after %.1f s" %
                 figures[name + " restore->reconciled s"])
    checks.check(boots(cluster, "host-a1") == boots_before,
                 "host-a1's guests were not booted again")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--ttl-ms", type=int, default=3000, help="controller --heartbeat-ttl-ms")
    parser.add_argument("--keep-dir", action="store_true")
    args = parser.parse_args()

    if os.geteuid() != 0:
        print("SKIP: needs root to create network namespaces")
        return SKIP
    if not shutil.which("ip"):
        print("SKIP: needs `ip` from iproute2 (apt-get install iproute2)")
        return SKIP
    probe = "gureum-probe-%d" % os.getpid()
    if sh("ip", "netns", "add", probe, check=False).returncode != 0:
        print("SKIP: cannot create a network namespace here (no CAP_SYS_ADMIN?)")
        return SKIP
    sh("ip", "netns", "del", probe, check=False)

    ns = Namespaces(str(os.getpid()))
    # ctest's timeout sends SIGTERM: unwind through `finally` so nothing is left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    controller_args = ["--heartbeat-interval-ms", "500"]
    if "--heartbeat-ttl-ms" in sh(os.path.join(args.bin_dir, "gureum-controller"), "--help").stdout:
        controller_args += ["--heartbeat-ttl-ms", str(args.ttl_ms),
                            "--startup-grace-ms", str(args.ttl_ms)]
    else:
        print("NOTE: this controller has no --heartbeat-ttl-ms (issue 7 heartbeat TTL not in "
              "the build); the checks below follow that contract and will say what differs")
    cluster = Cluster(args.bin_dir, listen_host=CONTROLLER_IP, controller_netns=ns.ctl,
                      controller_args=controller_args)
    checks = Checks()
    figures = {}
    ttl_s = args.ttl_ms / 1000.0
    grace_s = ttl_s
    try:
        ns.create()
        print("namespaces %s, %s, %s on %s.0/24; dir %s" %
              (ns.ctl, ns.agents["host-a1"], ns.agents["host-a2"], SUBNET, cluster.dir),
              flush=True)
        cluster.start_controller()
        cluster.add_agent("host-a1", zone="zone-a", netns=ns.agents["host-a1"])
        cluster.add_agent("host-a2", zone="zone-b", netns=ns.agents["host-a2"])
        if not checks.check(cluster.wait_hosts_up(["host-a1", "host-a2"], 30),
                            "both agents registered across the bridge"):
            raise RuntimeError("agents did not register")
        image = cluster.import_image("netns")
        a1_ns = ns.agents["host-a1"]

        run_cut("link-down", cluster, ns, image, checks, ttl_s,
                lambda: sh("ip", "-n", a1_ns, "link", "set", "eth0", "down"),
                lambda: sh("ip", "-n", a1_ns, "link", "set", "eth0", "up"), figures)
        if shutil.which("nft"):
            run_cut("blackhole", cluster, ns, image, checks, ttl_s,
                    lambda: nft_drop(a1_ns),
                    lambda: sh("ip", "netns", "exec", a1_ns, "nft", "delete", "table", "inet",
                               "gureum_cut"), figures)
        else:
            print("blackhole: skipped, no `nft` (apt-get install nftables)")
        run_restart_during_cut(cluster, image, checks, ttl_s, grace_s,
                               lambda: sh("ip", "-n", a1_ns, "link", "set", "eth0", "down"),
                               lambda: sh("ip", "-n", a1_ns, "link", "set", "eth0", "up"),
                               figures)
    except Exception as e:  # report, then clean up
        print("ERROR: %s" % e, flush=True)
        checks.failures += 1
    finally:
        cluster.stop_all()
        ns.remove()
        left = [n for n in [ns.ctl] + list(ns.agents.values())
                if n in sh("ip", "netns", "list", check=False).stdout]
        if left:
            print("could not remove namespaces %s" % left)
        if checks.failures and not args.keep_dir:
            print("logs kept in %s" % cluster.dir)
        elif not args.keep_dir:
            cluster.remove()
    print("figures: %s" % ", ".join("%s %s" % kv for kv in figures.items()))
    print("netns partition: %s" % ("PASS" if checks.failures == 0 else
                                   "FAIL (%d checks)" % checks.failures))
    return 0 if checks.failures == 0 else 1


def nft_drop(ns):
    """Drops every packet through eth0 of namespace `ns`; the link stays up."""
    rules = ("table inet gureum_cut {\n"
             "  chain in { type filter hook input priority 0; iifname \"eth0\" drop; }\n"
             "  chain out { type filter hook output priority 0; oifname \"eth0\" drop; }\n"
             "}\n")
    p = subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", "-"], input=rules,
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("nft: %s" % p.stderr.strip())


if __name__ == "__main__":
    sys.exit(main())
