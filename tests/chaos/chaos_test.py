#!/usr/bin/env python3
"""Chaos test: this test verifies that SIGKILL of the controller and of agents
at random moments, while clients launch and terminate hundreds of instances,
loses no acknowledged request and leaves no half-done one.

It runs a real gureum-controller and several fake-driver gureum-agents (their
guests kept in JSON state files, so guests outlive their agent as real ones
do), and worker threads that drive the real `gureum` CLI: RunInstances with a
client token (retried with the same token after a transport failure, as a
client must), TerminateInstances and, with --stop-start, Stop/StartInstances
(retried likewise). A chaos thread kills the controller (often while a
RunInstances is in flight, sometimes again during its start-up), an agent, or
both, with SIGKILL at random moments and restarts them. Decisions come from a fixed
seed; the timing of processes is the OS's, so two runs with one seed make the
same choices but not the same interleavings.

The fake hypervisors also misbehave as libvirtd does when it restarts: a
fraction of their calls lose the connection (`--fault-rate`; a start so cut
leaves its guest paused half of the time), and each start holds its guest
paused for `--start-pause-ms`, saved so, so that agent kills land between the
paused start and the resume. Such transient failures must neither fail a
launch (`acknowledged-changes`: nothing the client did not terminate is
terminated) nor leave a guest paused (`converged`).

Afterwards it waits for convergence and checks, printing each:
  acknowledged-launches   every acknowledged RunInstances' instances exist, once
  token-idempotent        every retry of a token got the same instances back
  no-duplicates           no instance without a request; each id once in the API
  converged               instance state = desired state; the fake hypervisors
                          hold exactly the live instances, each on its host,
                          running or shut off as desired
  acknowledged-changes    every acknowledged terminate (stop, start) is in force
  booted-as-recorded      a live instance booted (fake console) once per
                          pending->running the controller recorded; once if
                          no client restarted it: never run twice
  unique-addresses        no IP or MAC twice among live instances or domains
  project-usage           project_usage = recount of the instances table
  host-usage              host_usage = recount per host
  hosts-up                every host is up again

Short form (ctest label `chaos`): ./chaos_test.py --bin-dir build/bin
Longer form: see docs/reliability.md.
"""

import argparse
import collections
import datetime
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gureum_cluster import Cluster, wait_for  # noqa: E402


class Ledger:
    """What the clients asked for and what they were told. Thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.launches = {}  # token -> {"count", "responses": [sorted ids], "refused": code}
        # id -> {"token", "terminate": None | "sent" | "acked", "desired": running | stopped,
        #        "busy": a request in flight, "starts", "stops": acknowledged ones}
        self.instances = {}
        self.in_flight_launches = 0
        self.counters = collections.Counter()


class Workload:
    """Worker threads: launches (with client tokens) and terminations."""

    def __init__(self, cluster, ledger, image, args):
        self.cluster = cluster
        self.ledger = ledger
        self.image = image
        self.args = args
        self.next_token = 0
        self.launch_requests = 0

    def new_token(self):
        with self.ledger.lock:
            n = self.next_token
            self.next_token += 1
            return "chaos-%d-%05d" % (self.args.seed, n)

    def launch(self, rng, token, count, deadline):
        """RunInstances until acknowledged (or refused, or the deadline)."""
        with self.ledger.lock:
            self.ledger.launches.setdefault(token, {"count": count, "responses": [],
                                                    "refused": None})
        while time.monotonic() < deadline:
            with self.ledger.lock:
                self.ledger.in_flight_launches += 1
                self.ledger.counters["run-instances calls"] += 1
            try:
                r = self.cluster.cli("run-instances", "--image-id", self.image,
                                     "--instance-type", "g1.nano", "--count", str(count),
                                     "--client-token", token)
            finally:
                with self.ledger.lock:
                    self.ledger.in_flight_launches -= 1
            if r.ok:
                ids = sorted(i["instanceId"] for i in r.json()["instances"])
                with self.ledger.lock:
                    entry = self.ledger.launches[token]
                    entry["responses"].append(ids)
                    for i in ids:
                        self.ledger.instances.setdefault(i, {
                            "token": token, "terminate": None, "desired": "running",
                            "busy": False, "starts": 0, "stops": 0})
                return True
            if r.api_error == "InsufficientInstanceCapacity":
                # Hosts whose agents are reconnecting take nothing; a refused request stores
                # no token, so the same token is retried, as a client retries capacity errors.
                with self.ledger.lock:
                    self.ledger.counters["run-instances retried after InsufficientInstanceCapacity"] += 1
                time.sleep(rng.uniform(0.3, 1.0))
                continue
            if r.api_error:
                with self.ledger.lock:
                    self.ledger.launches[token]["refused"] = r.api_error
                    self.ledger.counters["refused: " + r.api_error] += 1
                print("  launch %s refused: %s" % (token, r.err.strip()), flush=True)
                return False
            with self.ledger.lock:
                self.ledger.counters["run-instances retried after a transport failure"] += 1
            time.sleep(rng.uniform(0.1, 0.4))
        return False

    def power(self, rng, verb, ids, deadline):
        """terminate-/stop-/start-instances until acknowledged: all three are
        idempotent without a token. A stop of an instance still pending, or a
        start of one still stopping, is IncorrectInstanceState: retried later,
        as a client waits for the state it needs."""
        while time.monotonic() < deadline:
            with self.ledger.lock:
                self.ledger.counters[verb + " calls"] += 1
            r = self.cluster.cli(verb, "--instance-ids", ",".join(ids))
            if r.ok:
                with self.ledger.lock:
                    for i in ids:
                        record = self.ledger.instances[i]
                        if verb == "terminate-instances":
                            record["terminate"] = "acked"
                        elif verb == "stop-instances":
                            record["desired"] = "stopped"
                            record["stops"] += 1
                        else:
                            record["desired"] = "running"
                            record["starts"] += 1
                        record["busy"] = False
                return True
            if r.api_error == "IncorrectInstanceState" and verb != "terminate-instances":
                with self.ledger.lock:
                    self.ledger.counters[verb + " retried after IncorrectInstanceState"] += 1
                time.sleep(rng.uniform(0.3, 1.0))
                continue
            if r.api_error:
                with self.ledger.lock:
                    self.ledger.counters["%s refused: %s" % (verb, r.api_error)] += 1
                print("  %s %s refused: %s" % (verb, ids, r.err.strip()), flush=True)
                return False
            with self.ledger.lock:
                self.ledger.counters[verb + " retried after a transport failure"] += 1
            time.sleep(rng.uniform(0.1, 0.4))
        print("  %s %s: gave up after 120 s" % (verb, ids), flush=True)
        return False

    def worker(self, index, chaos):
        rng = random.Random(self.args.seed * 1000 + index)
        stop_start = 0.2 if self.args.stop_start else 0.0
        while True:
            with self.ledger.lock:
                if self.launch_requests >= self.args.launches and chaos.kills >= self.args.kills:
                    return
                idle = sorted(i for i, v in self.ledger.instances.items()
                              if v["terminate"] is None and not v["busy"])
                running = [i for i in idle if self.ledger.instances[i]["desired"] == "running"]
                stopped = [i for i in idle if self.ledger.instances[i]["desired"] == "stopped"]
                acked = sorted(t for t, e in self.ledger.launches.items() if e["responses"])
                roll = rng.random()
                op = "launch"
                picked = []
                if roll < 0.1 and acked:
                    op = "resend"
                    token = rng.choice(acked)
                    count = self.ledger.launches[token]["count"]
                elif roll < 0.4 and len(idle) >= 4:
                    op = "terminate-instances"
                    picked = rng.sample(idle, rng.randint(1, min(4, len(idle))))
                elif roll < 0.4 + stop_start / 2 and running:
                    op = "stop-instances"
                    picked = rng.sample(running, rng.randint(1, min(2, len(running))))
                elif roll < 0.4 + stop_start and stopped:
                    op = "start-instances"
                    picked = rng.sample(stopped, rng.randint(1, min(2, len(stopped))))
                else:
                    self.launch_requests += 1
                for i in picked:
                    self.ledger.instances[i]["busy"] = True
                    if op == "terminate-instances":
                        self.ledger.instances[i]["terminate"] = "sent"
            if picked:
                self.power(rng, op, picked, time.monotonic() + 120)
            elif op == "resend":
                # A client that never saw its answer sends the same token again, possibly
                # long after and across controller restarts: it must get the same instances.
                self.ledger.counters["acknowledged tokens sent again"] += 1
                self.launch(rng, token, count, time.monotonic() + 120)
            else:
                self.launch(rng, self.new_token(), rng.randint(1, 4), time.monotonic() + 120)


class Chaos:
    """Kills the controller, an agent or both with SIGKILL at random moments
    and restarts them."""

    def __init__(self, cluster, ledger, args):
        self.cluster = cluster
        self.ledger = ledger
        self.args = args
        self.rng = random.Random(args.seed)
        self.stop = threading.Event()
        self.kills = 0
        self.counters = collections.Counter()
        self.restart_ms = []
        self.recovery_s = collections.defaultdict(list)  # kind of kill -> seconds
        self.overtaken = 0  # recoveries not measured: the next kill came first

    def kill_controller(self):
        # Prefer a moment when a RunInstances is in flight: kill -9 mid-launch.
        wait_for(lambda: self.ledger.in_flight_launches > 0, 2.0, 0.002)
        time.sleep(self.rng.uniform(0, 0.02))
        mid_launch = self.ledger.in_flight_launches > 0
        if self.cluster.controller.kill9():
            self.kills += 1
            self.counters["controller"] += 1
            if mid_launch:
                self.counters["controller, RunInstances in flight"] += 1

    def kill_controller_in_startup(self):
        """Kill -9, start, and kill -9 again within the first ~150 ms: while
        it opens the database, migrates, or agents re-register."""
        self.kill_controller()
        if self.cluster.controller.running():
            return
        self.cluster.start_controller(wait=False)
        time.sleep(self.rng.uniform(0, 0.15))
        if self.cluster.controller.kill9():
            self.kills += 1
            self.counters["controller in start-up"] += 1

    def kill_agent(self, host):
        if self.cluster.agents[host].kill9():
            self.kills += 1
            self.counters["agent"] += 1

    def run(self):
        hosts = sorted(self.cluster.agents)
        while not self.stop.wait(self.rng.uniform(self.args.min_gap, self.args.max_gap)):
            roll = self.rng.random()
            host = self.rng.choice(hosts)
            down_s = self.rng.uniform(0, self.args.max_down)
            if roll < 0.35:
                kind = "controller"
                self.kill_controller()
            elif roll < 0.75:
                kind = "agent"
                self.kill_agent(host)
            elif roll < 0.9:
                kind = "controller+agent"
                self.kill_controller()
                self.kill_agent(host)
                self.counters["controller and agent together"] += 1
            else:
                kind = "controller in start-up"
                self.kill_controller_in_startup()
            time.sleep(down_s)
            self.restart_all()
            threading.Thread(target=self.measure_recovery, args=(kind, self.kills),
                             daemon=True).start()

    def restart_all(self):
        if not self.cluster.controller.running():
            started = time.monotonic()
            self.cluster.start_controller()
            self.restart_ms.append((time.monotonic() - started) * 1000)
        for agent in self.cluster.agents.values():
            if not agent.running():
                agent.start()

    def measure_recovery(self, kind, kills):
        """Time from the restart until every agent has heartbeated to the
        controller again (lastHeartbeat after the restart); dropped if the
        next kill comes first."""
        restarted = time.time()
        started = time.monotonic()

        def recovered():
            if self.kills != kills or self.stop.is_set():
                return "overtaken"
            hosts = self.cluster.hosts()
            if len(hosts) < len(self.cluster.agents):
                return None
            for h in hosts.values():
                beat = h.get("lastHeartbeat")
                if not beat or datetime.datetime.fromisoformat(
                        beat.replace("Z", "+00:00")).timestamp() < restarted:
                    return None
            return "recovered"
        outcome = wait_for(recovered, 60, 0.1)
        if outcome == "recovered":
            self.recovery_s[kind].append(time.monotonic() - started)
        else:
            self.overtaken += 1

    def recovery_summary(self):
        parts = []
        for kind, times in sorted(self.recovery_s.items()):
            times = sorted(times)
            parts.append("%s: %d measured, median %.1f s, max %.1f s" %
                         (kind, len(times), times[len(times) // 2], times[-1]))
        parts.append("%d overtaken by the next kill" % self.overtaken)
        return "; ".join(parts)


class Checker:
    """Invariants, each printed with its figures."""

    def __init__(self, cluster, ledger):
        self.cluster = cluster
        self.ledger = ledger
        self.failures = 0

    def report(self, name, problems, summary):
        status = "PASS" if not problems else "FAIL"
        print("invariant %-22s %s  %s" % (name, status, summary), flush=True)
        for p in problems[:10]:
            print("    - %s" % p, flush=True)
        if len(problems) > 10:
            print("    - ... %d more" % (len(problems) - 10), flush=True)
        if problems:
            self.failures += 1

    def instances(self):
        rows = self.cluster.query(
            "SELECT instance_id, client_token, reservation_id, state, desired_state, host_id,"
            " private_ip, mac_address FROM instances")
        keys = ["id", "token", "reservation", "state", "desired", "host", "ip", "mac"]
        return [dict(zip(keys, row)) for row in rows]

    def host_names(self):
        return dict(self.cluster.query("SELECT host_id, name FROM hosts"))

    def converged_problems(self):
        """Why the cluster is not (yet) converged; empty when it is."""
        problems = []
        names = self.host_names()
        domains = {h: self.cluster.fake_domains(h) for h in self.cluster.agents}
        power = {"running": "running", "stopped": "shutoff"}
        for inst in self.instances():
            if inst["state"] != inst["desired"]:
                problems.append("%s is %s, desired %s" % (inst["id"], inst["state"],
                                                          inst["desired"]))
            on = [h for h, d in domains.items() if inst["id"] in d]
            if inst["desired"] == "terminated" and on:
                problems.append("%s is terminated but still a domain on %s" % (inst["id"], on))
            if inst["desired"] in power:
                home = names.get(inst["host"])
                if on != [home]:
                    problems.append("%s placed on %s but a domain on %s" % (inst["id"], home, on))
                elif domains[home][inst["id"]]["state"] != power[inst["desired"]]:
                    problems.append("%s is %s on %s, desired %s" % (
                        inst["id"], domains[home][inst["id"]]["state"], home, inst["desired"]))
        known = {i["id"] for i in self.instances()}
        for h, d in domains.items():
            for domain_id in d:
                if domain_id not in known:
                    problems.append("domain %s on %s is unknown to the controller" %
                                    (domain_id, h))
        return problems

    def check_all(self):
        insts = self.instances()
        by_token = collections.defaultdict(list)
        for i in insts:
            by_token[i["token"]].append(i)
        launches = self.ledger.launches

        # acknowledged-launches
        problems = []
        acked = {t: e for t, e in launches.items() if e["responses"]}
        acked_instances = 0
        for token, entry in acked.items():
            want = entry["responses"][0]
            have = sorted(i["id"] for i in by_token.get(token, []))
            acked_instances += len(want)
            if have != want:
                problems.append("token %s: acknowledged %s, database has %s" % (token, want, have))
            if len(want) != entry["count"]:
                problems.append("token %s: asked %d, got %d" % (token, entry["count"], len(want)))
        unacked = [t for t, e in launches.items() if not e["responses"]]
        for token in unacked:
            if launches[token]["refused"] is None:
                problems.append("token %s was never acknowledged (gave up retrying)" % token)
        self.report("acknowledged-launches", problems,
                    "%d RunInstances acknowledged, %d instances, %d refused" %
                    (len(acked), acked_instances,
                     sum(1 for e in launches.values() if e["refused"])))

        # token-idempotent
        problems = []
        retried = 0
        for token, entry in acked.items():
            if len(entry["responses"]) > 1:
                retried += 1
            if any(r != entry["responses"][0] for r in entry["responses"]):
                problems.append("token %s answered differently: %s" % (token, entry["responses"]))
            reservations = {i["reservation"] for i in by_token.get(token, [])}
            if len(reservations) > 1:
                problems.append("token %s has %d reservations" % (token, len(reservations)))
        self.report("token-idempotent", problems,
                    "%d tokens acknowledged more than once, all with one reservation" % retried
                    if not problems else "")

        # no-duplicates
        problems = []
        for token, group in by_token.items():
            if token not in launches:
                problems.append("%d instance(s) with token %r nobody sent: %s" %
                                (len(group), token, [i["id"] for i in group][:5]))
        for token in unacked:
            if by_token.get(token):
                problems.append("token %s refused but has instances" % token)
        api = self.cluster.cli("describe-instances")
        if not api.ok:
            problems.append("describe-instances failed: " + api.err.strip())
        else:
            ids = [i["instanceId"] for i in api.json()["instances"]]
            dupes = [i for i, n in collections.Counter(ids).items() if n > 1]
            if dupes:
                problems.append("describe-instances lists twice: %s" % dupes[:5])
            if sorted(set(ids)) != sorted(i["id"] for i in insts):
                problems.append("describe-instances lists %d, database has %d" %
                                (len(set(ids)), len(insts)))
        self.report("no-duplicates", problems,
                    "%d instances in the database, each from one acknowledged request" %
                    len(insts))

        # converged
        problems = self.converged_problems()
        live = [i for i in insts if i["state"] != "terminated"]
        states = collections.Counter(i["state"] for i in insts)
        self.report("converged", problems,
                    "%d running, %d stopped (each a domain on its host only, running or shut "
                    "off), %d terminated (no domain anywhere)" %
                    (states["running"], states["stopped"], states["terminated"]))

        # acknowledged-changes
        problems = []
        ledger_instances = self.ledger.instances
        db_desired = {i["id"]: i["desired"] for i in insts}
        counts = collections.Counter()
        for i, record in ledger_instances.items():
            want = "terminated" if record["terminate"] == "acked" else record["desired"]
            if record["busy"] or record["terminate"] == "sent":
                continue  # given up on: either outcome is allowed
            counts[want] += 1
            if db_desired.get(i) != want:
                problems.append("%s: acknowledged %s, database wants %s" %
                                (i, want, db_desired.get(i)))
        self.report("acknowledged-changes", problems,
                    "every acknowledged terminate/stop/start in force: %s; %d stops and "
                    "%d starts acknowledged" %
                    (dict(sorted(counts.items())),
                     sum(r["stops"] for r in ledger_instances.values()),
                     sum(r["starts"] for r in ledger_instances.values())))

        # booted-as-recorded
        problems = []
        names = self.host_names()
        runs = dict(self.cluster.query(
            "SELECT resource_id, COUNT(*) FROM events WHERE from_state = 'pending' AND"
            " to_state = 'running' GROUP BY resource_id"))
        once = 0
        for i in live:
            domain = self.cluster.fake_domains(names[i["host"]]).get(i["id"])
            if domain is None:
                continue  # reported by `converged`
            boots = domain["console"].count("[fake] booting ")
            started = ledger_instances.get(i["id"], {}).get("starts", 0)
            if boots != runs.get(i["id"], 0):
                problems.append("%s booted %d times, pending->running %d times" %
                                (i["id"], boots, runs.get(i["id"], 0)))
            elif started == 0 and boots != 1:
                problems.append("%s never restarted by a client but booted %d times" %
                                (i["id"], boots))
            once += boots == 1
        self.report("booted-as-recorded", problems,
                    "%d live instances: boots on the hypervisor = pending->running events; "
                    "%d booted exactly once" % (len(live), once))

        # unique-addresses
        problems = []
        for field in ("ip", "mac"):
            counts = collections.Counter(i[field] for i in live)
            problems += ["%s %s used by %d live instances" % (field, v, n)
                         for v, n in counts.items() if n > 1]
            if field == "ip" and None in counts:
                problems.append("%d live instances without an IP" % counts[None])
        macs = collections.Counter(
            d["spec"]["mac_address"] for h in self.cluster.agents
            for d in self.cluster.fake_domains(h).values())
        problems += ["mac %s on %d domains" % (m, n) for m, n in macs.items() if n > 1]
        self.report("unique-addresses", problems,
                    "%d live instances, %d distinct IPs, %d distinct MACs" %
                    (len(live), len({i["ip"] for i in live}), len({i["mac"] for i in live})))

        # project-usage
        problems = []
        recount = self.cluster.query(
            "SELECT project_id, COUNT(*), SUM(vcpus), SUM(memory_mib), SUM(root_disk_gib)"
            " FROM instances WHERE state != 'terminated' GROUP BY project_id")
        kept = self.cluster.query(
            "SELECT project_id, instances, vcpus, memory_mib, disk_gib FROM project_usage")
        recount_map = {r[0]: tuple(r[1:]) for r in recount}
        kept_map = {r[0]: tuple(r[1:]) for r in kept}
        for project in set(recount_map) | set(kept_map):
            want = recount_map.get(project, (0, 0, 0, 0))
            have = kept_map.get(project, (0, 0, 0, 0))
            if want != have:
                problems.append("project %s: usage (instances, vcpus, MiB, GiB) %s, recount %s" %
                                (project, have, want))
        self.report("project-usage", problems,
                    "project_usage %s = recount" % kept_map if not problems else "")

        # host-usage
        problems = []
        recount = self.cluster.query(
            "SELECT host_id, COUNT(*), SUM(vcpus), SUM(memory_mib), SUM(root_disk_gib),"
            " SUM(state = 'pending') FROM instances WHERE state != 'terminated'"
            " GROUP BY host_id")
        kept = self.cluster.query(
            "SELECT host_id, instances, vcpus, memory_mib, disk_gib, building FROM host_usage")
        recount_map = {r[0]: tuple(r[1:]) for r in recount}
        kept_map = {r[0]: tuple(r[1:]) for r in kept}
        for host in set(recount_map) | set(kept_map):
            want = recount_map.get(host, (0, 0, 0, 0, 0))
            have = kept_map.get(host, (0, 0, 0, 0, 0))
            if want != have:
                problems.append("host %s: usage (instances, vcpus, MiB, GiB, building) %s, "
                                "recount %s" % (names.get(host, host), have, want))
        per_host = ", ".join("%s %d" % (names.get(h, h), v[0]) for h, v in sorted(kept_map.items()))
        self.report("host-usage", problems, "instances per host: %s = recount" % per_host)

        # hosts-up
        hosts = self.cluster.hosts()
        problems = ["%s is %s" % (n, hosts.get(n, {}).get("state", "missing"))
                    for n in self.cluster.agents if hosts.get(n, {}).get("state") != "up"]
        self.report("hosts-up", problems, "%d hosts up" % len(hosts))
        return self.failures


def controller_supports(bin_dir, flag):
    out = subprocess.run([os.path.join(bin_dir, "gureum-controller"), "--help"],
                         capture_output=True, text=True).stdout
    return flag in out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin-dir", required=True, help="build/bin with the three binaries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--launches", type=int, default=120,
                        help="RunInstances requests (1-4 instances each)")
    parser.add_argument("--kills", type=int, default=12, help="at least this many SIGKILLs")
    parser.add_argument("--agents", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="concurrent client threads")
    parser.add_argument("--min-gap", type=float, default=1.0, help="seconds between kills, min")
    parser.add_argument("--max-gap", type=float, default=3.5, help="seconds between kills, max")
    parser.add_argument("--max-down", type=float, default=1.5,
                        help="a killed process stays down up to this many seconds")
    parser.add_argument("--stop-start", action="store_true",
                        help="also stop and start instances (about 20%% of operations)")
    parser.add_argument("--fault-rate", type=float, default=0.02,
                        help="fraction of the fake hypervisor's calls that lose the connection "
                             "(a Start so cut leaves its guest paused half of the time)")
    parser.add_argument("--start-pause-ms", type=int, default=40,
                        help="how long the fake holds a starting guest paused (saved so), so "
                             "that agent kills land between the paused start and the resume")
    parser.add_argument("--converge-timeout", type=float, default=90)
    parser.add_argument("--work-dir", help="keep everything here (default: a temp dir, removed)")
    args = parser.parse_args()

    controller_args = [
        "--heartbeat-interval-ms", "500",
        "--network-cidr", "10.99.0.0/20",
        "--default-quota", "instances=-1", "--default-quota", "vcpus=-1",
        "--default-quota", "memory-mib=-1", "--default-quota", "disk-gib=-1",
    ]
    if controller_supports(args.bin_dir, "--heartbeat-ttl-ms"):
        controller_args += ["--heartbeat-ttl-ms", "3000"]
    cluster = Cluster(args.bin_dir, work_dir=args.work_dir, controller_args=controller_args)
    print("chaos: seed %d, %d agents, %d workers, >= %d RunInstances, >= %d kills; dir %s" %
          (args.seed, args.agents, args.workers, args.launches, args.kills, cluster.dir),
          flush=True)
    failures = 1
    chaos = None
    # ctest's timeout sends SIGTERM: unwind through `finally` so no process is left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        cluster.start_controller()
        hosts = ["host-%d" % (i + 1) for i in range(args.agents)]
        for i, h in enumerate(hosts):
            cluster.add_agent(h, extra_args=[
                "--fake-connection-reset-rate", str(args.fault_rate),
                "--fake-fault-seed", str(args.seed * 100 + i),
                "--fake-start-pause-ms", str(args.start_pause_ms)])
        if not cluster.wait_hosts_up(hosts):
            raise RuntimeError("agents did not register")
        image = cluster.import_image("chaos")

        ledger = Ledger()
        workload = Workload(cluster, ledger, image, args)
        chaos = Chaos(cluster, ledger, args)
        started = time.monotonic()
        chaos_thread = threading.Thread(target=chaos.run, daemon=True)
        chaos_thread.start()
        workers = [threading.Thread(target=workload.worker, args=(i, chaos), daemon=True)
                   for i in range(args.workers)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        chaos.stop.set()
        chaos_thread.join()
        chaos.restart_all()
        chaos_s = time.monotonic() - started

        # Convergence: measured from the last restart.
        checker = Checker(cluster, ledger)
        settle_started = time.monotonic()
        converged = wait_for(lambda: not checker.converged_problems() and
                             cluster.wait_hosts_up(hosts, 0), args.converge_timeout, 0.5)
        converge_s = time.monotonic() - settle_started

        counters = ledger.counters
        terminated = sum(1 for v in ledger.instances.values() if v["terminate"] == "acked")
        print("figures: chaos phase %.1f s; %d kills (%s); controller restart to serving "
              "%.0f ms median; %d RunInstances acknowledged -> %d instances, %d terminated; "
              "%s; %s %.1f s" %
              (chaos_s, chaos.kills, ", ".join("%s %d" % kv for kv in sorted(chaos.counters.items())),
               sorted(chaos.restart_ms)[len(chaos.restart_ms) // 2] if chaos.restart_ms else 0,
               sum(1 for e in ledger.launches.values() if e["responses"]),
               len(ledger.instances), terminated,
               "; ".join("%s %d" % kv for kv in sorted(counters.items())),
               "converged in" if converged else "NOT converged after", converge_s), flush=True)
        print("recovery (restart -> every agent heartbeating again): %s" %
              chaos.recovery_summary(), flush=True)
        failures = checker.check_all()
        if chaos.kills < args.kills:
            print("chaos: only %d kills, %d required" % (chaos.kills, args.kills))
            failures += 1
    finally:
        if chaos:
            chaos.stop.set()
        cluster.stop_all()
        if failures and not args.work_dir:
            print("chaos: FAILED; logs kept in %s" % cluster.dir)
        elif not args.work_dir:
            cluster.remove()
    print("chaos: %s" % ("PASS" if failures == 0 else "FAIL (%d invariants)" % failures))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
