#!/usr/bin/env python3
"""Libvirt chaos test: this test verifies that SIGKILL of the agent, of libvirtd
and of the controller, in the middle of batch launches, stops, starts, reboots
and terminations of real guests, loses no acknowledged request, boots no guest
twice, terminates nothing by accident and leaves nothing behind.

One host: a real gureum-controller, one `gureum-agent --driver libvirt
--virt-type auto` (TCG here: nested KVM does not work) on qemu:///system, the
tiny test image (deploy/images/build-tiny-image.sh) and a libvirt network made
for the run: isolated (no <forward>, so guests cannot reach anything beyond
its bridge), 10.231.X.0/24 with X unused on this host, destroyed at the end.
Everything listens on 127.0.0.1.

A seeded schedule of rounds drives the real `gureum` CLI. Each round does one
operation (run-instances --count N with a client token, stop-, start-,
reboot- or terminate-instances), retried after transport failures as a client
must, and kills one process at a chosen moment after the request is sent:
  agent     kill -9; restarted after 0.2-1 s
  libvirtd  kill -9 (pid from /run/libvirtd.pid, else pgrep -x libvirtd);
            `libvirtd -d` again at once; waited for until `virsh list` answers
  controller kill -9; restarted after 0.2-1 s on the same port
The first two rounds always reproduce two known races: libvirtd killed
1.5-2.5 s into a launch of --instances guests, and the agent killed during a
launch at the moment a new domain is seen `paused` (QEMU started with its
vCPUs stopped, before the agent resumes it), else 1.5 s in. The rest are
random (--seed; the OS decides the interleavings). A stop or reboot waits
until the target guests finished booting (GUREUM-READY), so that every boot
is visible on the console. After each round the test waits until no instance
is in transition and checks that the agent is alive (unless it killed it).

When the rounds are done everything is restarted and the test waits for
convergence (--converge-timeout; up to --reboot-grace for requested reboots to
show on the console), but not for instances that cannot get there any more:
failed and terminated by the controller, stopped by it (guest shutdown), or
paused in libvirt for 20 s while the API says running. Then it checks,
printing each with PASS/FAIL:
  desired-state    every instance ends in the state the client last asked for
                   and got acknowledged (running, stopped, terminated), and its
                   domain agrees: `virsh domstate` running / shut off / none
  boots            boots of a live instance = "GUREUM-BOOT " lines in its
                   console.log (the whole log: get-console-output keeps only
                   the last 64 KiB). Rule: with S acknowledged starts of a
                   stopped instance (the launch counts as one) and R
                   reboot-instances requests sent (acknowledged or not),
                   S <= boots <= S + R: each start boots exactly once, a reboot
                   may add one boot or none (a reboot lost in a kill, or
                   superseded by a stop, boots nothing), nothing else boots
                   it; R = 0 means exactly S. A running instance must also
                   have finished its last boot (GUREUM-READY after the last
                   GUREUM-BOOT), show it in get-console-output, and never be
                   `paused` in libvirt (`virsh domstate --reason`)
  no-spurious-terminate  no instance the client did not terminate is
                   shutting-down or terminated (its state reason is printed)
  no-orphans       no gureum- domain, QEMU process, instance directory
                   (overlay, seed, console.log under the agent's
                   instances/<id>/) or DHCP reservation (the network's <host>
                   entries and, with --dhcp-hosts-dir, dnsmasq's hosts
                   directory) that is not a live instance of this run
  agent-survives   the agent never exited but by the test's kills; an exit
                   is reported with its status (signal 13 = SIGPIPE, shell
                   status 141) and the agent's last log lines (the controller
                   and libvirtd are watched likewise)
It exits 1 if any fails, 77 (skipped) without root, virsh or libvirtd, 2
if the binaries or the image are missing or libvirtd does not answer.

Cleanup, on every exit (try/finally and atexit; SIGTERM from ctest's timeout
unwinds through it): libvirtd is restarted if it is down, the agent and
controller stopped, every gureum- domain this run made destroyed and
undefined (and any QEMU process of it killed), the network destroyed and
undefined, the temporary directory removed (kept only with --work-dir).

Short form (ctest `chaos_libvirt_short`, label e2e, under 3 minutes):
  tests/chaos/libvirt_chaos_test.py --bin-dir build/bin --images-dir build/images
Long form (by hand; about 4 minutes here):
  tests/chaos/libvirt_chaos_test.py --bin-dir build/bin --seed 23 --rounds 30 \\
      --kills 25 --duration-s 900 --converge-timeout 240
"""

import argparse
import atexit
import base64
import binascii
import collections
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gureum_cluster import Cluster, wait_for  # noqa: E402

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
URI = "qemu:///system"
HOST = "vmhost"
SKIP = 77
START_T = time.monotonic()


def now_s():
    return time.monotonic() - START_T


def log(msg):
    print("[%6.1f] %s" % (now_s(), msg), flush=True)


# --- libvirt, behind Gureum's back --------------------------------------------


def virsh(*args, timeout=20):
    try:
        return subprocess.run(["virsh", "-c", URI, "-q"] + list(args), capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", "virsh timed out")


def libvirt_answers():
    return virsh("list", timeout=10).returncode == 0


def pid_alive(pid):
    """True while `pid` runs (a zombie nobody reaped counts as dead)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def libvirtd_pid():
    for path in ("/run/libvirtd.pid", "/var/run/libvirtd.pid"):
        try:
            with open(path) as f:
                pid = int(f.read().strip())
            with open("/proc/%d/comm" % pid) as f:
                if f.read().strip() == "libvirtd" and pid_alive(pid):
                    return pid
        except (OSError, ValueError):
            pass
    out = subprocess.run(["pgrep", "-x", "libvirtd"], capture_output=True, text=True).stdout
    pids = [int(p) for p in out.split() if pid_alive(int(p))]
    return pids[0] if pids else None


def start_libvirtd(timeout_s=60):
    """`libvirtd -d` (detached from us: own session, no inherited pipes, so
    ctest never waits on it) and waits until qemu:///system answers. Returns
    the seconds it took, None if it never answered."""
    started = time.monotonic()
    if libvirtd_pid() is None:
        for path in ("/run/libvirtd.pid",):
            try:
                os.remove(path)  # stale: its process is gone
            except OSError:
                pass
        subprocess.run(["libvirtd", "-d"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, start_new_session=True, cwd="/", timeout=60)
    if not wait_for(libvirt_answers, timeout_s, 0.1):
        return None
    return time.monotonic() - started


def kill_libvirtd():
    """kill -9 libvirtd and wait until it is gone; returns its pid or None."""
    pid = libvirtd_pid()
    if pid is None:
        return None
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not pid_alive(pid), 30, 0.02)
    return pid


def domain_name(instance_id):
    return "gureum-" + instance_id


def list_domains():
    """{name: state} of every gureum- domain ("running", "paused", "shut off", ...);
    None if libvirt does not answer."""
    r = virsh("list", "--all", timeout=15)
    if r.returncode != 0:
        return None
    domains = {}
    for line in r.stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[1].startswith("gureum-"):
            domains[parts[1]] = parts[2].strip()
    return domains


def domstate(name):
    """("running", "booted") etc.; None if the domain does not exist; ("?", error)
    if libvirt does not answer."""
    r = virsh("domstate", "--reason", name, timeout=15)
    if r.returncode != 0:
        if "failed to get domain" in r.stderr or "Domain not found" in r.stderr:
            return None
        return ("?", r.stderr.strip()[:200])
    m = re.match(r"(.*?)\s*\((.*)\)\s*$", r.stdout.strip())
    return (m.group(1), m.group(2)) if m else (r.stdout.strip(), "")


def qemu_processes(marker):
    """{domain name: pid} of QEMU processes whose command line mentions `marker`."""
    found = {}
    out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    for line in out.splitlines():
        pid, _, args = line.strip().partition(" ")
        if "qemu" not in args or marker not in args:
            continue
        m = re.search(r"-name\s+guest=(gureum-[^,\s]+)", args)
        found[m.group(1) if m else "pid-" + pid] = int(pid)
    return found


class TestNetwork:
    """An isolated libvirt network of this run (no <forward>), like
    tests/support/test_network.cc: 10.231.X.0/24 with X used by no local
    interface and no libvirt network, bridge gch<hex>, DHCP .100-.200.
    Defined (persistent: the agent marks its network autostart, which a
    transient network refuses) and started here; destroyed and undefined by
    remove()."""

    def __init__(self, suffix, hosts_dir=None):
        self.name = "gureum-chaos-" + suffix
        self.bridge = "gch" + suffix[:10]
        self.hosts_dir = hosts_dir
        used = self.used_third_octets()
        free = [x for x in range(1, 255) if x not in used]
        if not free:
            raise RuntimeError("no free 10.231.X.0/24 subnet")
        self.octet = random.SystemRandom().choice(free)
        self.defined = False

    @staticmethod
    def used_third_octets():
        used = set()
        out = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
        used |= {int(x) for x in re.findall(r"\b10\.231\.(\d+)\.", out)}
        names = virsh("net-list", "--all", "--name").stdout.split()
        for n in names:
            xml = virsh("net-dumpxml", "--inactive", n).stdout
            used |= {int(x) for x in re.findall(r"10\.231\.(\d+)\.", xml)}
        return used

    def ip(self, host):
        return "10.231.%d.%d" % (self.octet, host)

    @property
    def cidr(self):
        return self.ip(0) + "/24"

    def xml(self):
        options = ""
        if self.hosts_dir:
            options = ("<dnsmasq:options><dnsmasq:option value='dhcp-hostsdir=%s'/>"
                       "</dnsmasq:options>" % self.hosts_dir)
        return ("<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"
                "<name>%s</name><bridge name='%s' stp='off'/>"
                "<ip address='%s' netmask='255.255.255.0'><dhcp><range start='%s' end='%s'/>"
                "</dhcp></ip>%s</network>" %
                (self.name, self.bridge, self.ip(1), self.ip(100), self.ip(200), options))

    def create(self, work_dir):
        if self.hosts_dir:
            os.makedirs(self.hosts_dir, mode=0o755, exist_ok=True)
            os.chmod(self.hosts_dir, 0o755)  # dnsmasq drops its privileges
        path = os.path.join(work_dir, "network.xml")
        with open(path, "w") as f:
            f.write(self.xml())
        r = virsh("net-define", path)
        if r.returncode != 0:
            raise RuntimeError("net-define %s: %s" % (self.name, r.stderr.strip()))
        self.defined = True
        r = virsh("net-start", self.name)
        if r.returncode != 0:
            raise RuntimeError("net-start %s: %s" % (self.name, r.stderr.strip()))
        live = virsh("net-dumpxml", self.name).stdout
        if "<forward" in live:  # the safety of the whole test rests on this
            raise RuntimeError("network %s has a <forward>: refusing to run" % self.name)

    def live_xml(self):
        return virsh("net-dumpxml", self.name).stdout

    def reservations(self):
        """DHCP reservations: [(mac, ip, where)] from the network's XML and the hosts dir."""
        found = []
        for entry in re.findall(r"<host\s[^>]*>", self.live_xml()):
            mac = re.search(r"mac=['\"]([^'\"]+)", entry)
            ip = re.search(r"ip=['\"]([^'\"]+)", entry)
            found.append(((mac.group(1).lower() if mac else "?"), (ip.group(1) if ip else "?"),
                          "network XML"))
        if self.hosts_dir and os.path.isdir(self.hosts_dir):
            for name in sorted(os.listdir(self.hosts_dir)):
                try:
                    with open(os.path.join(self.hosts_dir, name)) as f:
                        fields = f.read().strip().split(",")
                except OSError:
                    continue
                if len(fields) >= 2:
                    found.append((fields[0].lower(), fields[1], "hosts dir file " + name))
        return found

    def remove(self):
        if not self.defined:
            return
        virsh("net-destroy", self.name)
        r = virsh("net-undefine", self.name)
        if r.returncode == 0 or "not found" in r.stderr.lower():
            self.defined = False
        else:
            print("cleanup: net-undefine %s: %s" % (self.name, r.stderr.strip()), flush=True)
        if self.hosts_dir:
            shutil.rmtree(self.hosts_dir, ignore_errors=True)


# --- what the client asked for and was told -----------------------------------


class Instance:
    def __init__(self, iid, token, round_no):
        self.id = iid
        self.token = token
        self.round = round_no
        self.desired = "running"  # last acknowledged: running | stopped | terminated
        self.uncertain = False     # a request for it was never acknowledged
        self.starts = 1            # acknowledged starts, the launch included
        self.reboots_sent = 0      # reboot-instances requests that may have reached it
        self.history = ["r%d launch" % round_no]
        self.mac = None


class Ledger:
    def __init__(self):
        self.instances = collections.OrderedDict()  # id -> Instance
        self.tokens = {}  # token -> acknowledged ids
        self.counters = collections.Counter()


# --- the test -----------------------------------------------------------------


class LibvirtChaos:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.ledger = Ledger()
        self.lock = threading.RLock()  # held while a process is killed or (re)started
        self.stop_event = threading.Event()
        self.kills = collections.Counter()
        self.deaths = []  # unexpected exits: dicts
        self.recorded = set()  # pids whose exit is recorded
        self.libvirtd_restart_s = []
        self.settle_s = []
        self.rounds_done = 0
        self.pre_existing_domains = set()
        self.hopeless = {}  # id -> why it can never converge (reported by the checks)
        self.image = None
        self.cluster = None
        self.network = None
        self.cleaned = False
        self.libvirtd_down_by_us = False
        self.monitor_thread = None
        self.chaos_deadline = time.monotonic() + 3600
        self.ops_done = set()
        self.final_started = 0
        self.paused_since = {}  # id -> when first seen paused while the API says running

    # --- set-up ---------------------------------------------------------------

    def setup(self):
        args = self.args
        work_dir = args.work_dir or tempfile.mkdtemp(prefix="gureum-libvirt-chaos-")
        os.makedirs(work_dir, exist_ok=True)
        os.chmod(work_dir, 0o755)  # QEMU (libvirt-qemu) opens the overlays and seeds in it
        self.work_dir = os.path.realpath(work_dir)
        suffix = "%06x" % random.SystemRandom().getrandbits(24)
        self.pre_existing_domains = set(list_domains() or {})
        hosts_dir = os.path.join(self.work_dir, "dhcp-hosts") if args.dhcp_hosts_dir else None
        self.network = TestNetwork(suffix, hosts_dir)
        self.network.create(self.work_dir)
        log("network %s: bridge %s, %s, isolated (no <forward>)%s" %
            (self.network.name, self.network.bridge, self.network.cidr,
             ", reservations in " + hosts_dir if hosts_dir else ""))
        controller_args = [
            "--heartbeat-interval-ms", "500", "--heartbeat-ttl-ms", "3000",
            "--network", self.network.name, "--network-cidr", self.network.cidr,
        ] + args.controller_arg
        self.cluster = Cluster(args.bin_dir, work_dir=os.path.join(self.work_dir, "cluster"),
                               controller_args=controller_args, log=log)
        os.chmod(self.cluster.dir, 0o755)
        self.cluster.start_controller()
        agent_args = ["--network", self.network.name, "--virt-type", "auto",
                      "--stop-timeout-s", str(args.stop_timeout_s)] + args.agent_arg
        self.cluster.add_agent(HOST, driver="libvirt", vcpus=64, memory_mib=65536, disk_gib=1000,
                               extra_args=agent_args)
        if not self.cluster.wait_hosts_up([HOST], 60):
            raise RuntimeError("the libvirt agent did not come up; log tail:\n" +
                               self.log_tail(self.agent.log_path, 30))
        image_path = os.path.join(args.images_dir, "tiny-disk.qcow2")
        self.image = self.cluster.cli_json("import-image", "--name", "tiny-chaos",
                                           "--source-path", image_path)["imageId"]
        log("controller on %s, agent %s (libvirt, virt type auto), image %s from %s" %
            (self.cluster.endpoint, HOST, self.image, image_path))

    @property
    def agent(self):
        return self.cluster.agents[HOST]

    def instance_dir(self, iid):
        return os.path.join(self.cluster.agent_dir(HOST), "instances", iid)

    @staticmethod
    def log_tail(path, lines=20, grep=None):
        try:
            with open(path, errors="replace") as f:
                content = f.read().splitlines()
        except OSError:
            return "(no log)"
        if grep:
            content = [l for l in content if re.search(grep, l)]
        return "\n".join("      | " + l for l in content[-lines:])

    # --- processes: kills, restarts, watching ---------------------------------

    def record_death(self, who, description, detail="", proc=None):
        if proc is not None:
            if proc.pid in self.recorded:
                return
            self.recorded.add(proc.pid)
        entry = {"who": who, "at": now_s(), "round": self.rounds_done, "exit": description,
                 "libvirtd_up": libvirtd_pid() is not None, "detail": detail}
        self.deaths.append(entry)
        log("!!! %s exited on its own in round %d: %s (libvirtd %s)" %
            (who, entry["round"], description, "up" if entry["libvirtd_up"] else "down"))

    def check_processes(self):
        """Records (and restarts) a controller or agent that exited without
        the test killing it, and a libvirtd that vanished."""
        restart_agent = False
        with self.lock:
            controller = self.cluster.controller
            if controller.proc is not None and not controller.running():
                self.record_death("controller", controller.exit_description(),
                                  self.log_tail(controller.log_path, 10), controller.proc)
                self.cluster.start_controller()
            if self.agent.proc is not None and not self.agent.running():
                self.record_death("agent", self.agent.exit_description(),
                                  self.log_tail(self.agent.log_path, 25), self.agent.proc)
                restart_agent = True
            if not self.libvirtd_down_by_us and libvirtd_pid() is None:
                self.record_death("libvirtd", "vanished (not killed by the test)")
                start_libvirtd()
        if restart_agent:
            # Not into a dead libvirtd: it would only fail to connect.
            wait_for(libvirt_answers, 30, 0.2)
            with self.lock:
                if not self.agent.running():
                    self.agent.start()

    def monitor(self):
        while not self.stop_event.wait(0.2):
            try:
                self.check_processes()
            except Exception as e:  # never let the watcher die silently
                log("monitor: %r" % e)

    def kill(self, kind):
        """One kill -9 and the restart; returns a short description."""
        with self.lock:
            if kind == "agent":
                if not self.agent.running():
                    self.record_death("agent", self.agent.exit_description(),
                                      self.log_tail(self.agent.log_path, 25), self.agent.proc)
                else:
                    self.agent.kill9()
                    self.kills["agent"] += 1
                time.sleep(self.rng.uniform(0.2, 1.0))
                wait_for(libvirt_answers, 30, 0.2)
                self.agent.start()
                return "agent killed, restarted"
            if kind == "controller":
                self.cluster.controller.kill9()
                self.kills["controller"] += 1
                time.sleep(self.rng.uniform(0.2, 1.0))
                self.cluster.start_controller()
                return "controller killed, restarted"
            if kind == "libvirtd":
                self.libvirtd_down_by_us = True
                pid = kill_libvirtd()
                if pid is None:
                    self.libvirtd_down_by_us = False
                    return "libvirtd not running?"
                self.kills["libvirtd"] += 1
                time.sleep(self.rng.uniform(0.0, 0.5))
                took = start_libvirtd()
                self.libvirtd_down_by_us = False
                if took is None:
                    raise RuntimeError("libvirtd did not come back")
                self.libvirtd_restart_s.append(took)
                return "libvirtd %d killed, back in %.1f s" % (pid, took)
        raise ValueError(kind)

    def killer(self, plan, go, result):
        """Runs a kill plan after `go` is set: at plan["at"] seconds, or (trigger
        "paused") as soon as one of the round's domains is seen paused (the
        targets of a start; for a launch, any domain that did not exist when
        the round began), at plan["at"] at the latest."""
        go.wait()
        t0 = time.monotonic()
        if plan.get("trigger") == "paused":
            deadline = t0 + plan["at"]
            seen = None
            while time.monotonic() < deadline and not self.stop_event.is_set():
                domains = list_domains() or {}
                if plan.get("targets"):
                    watched = {domain_name(i) for i in plan["targets"]}
                else:
                    watched = set(domains) - plan["before"]
                paused = [n for n, s in domains.items() if s == "paused" and n in watched]
                if paused:
                    seen = paused[0]
                    break
                time.sleep(0.01)
            when = time.monotonic() - t0
            result["text"] = ("%s at +%.2f s (%s)" %
                              (plan["kind"], when, "%s seen paused" % seen if seen
                               else "no domain seen paused"))
            if seen:
                self.kills["agent while a domain was paused"] += 1
        else:
            time.sleep(max(0.0, t0 + plan["at"] - time.monotonic()))
            result["text"] = "%s at +%.2f s" % (plan["kind"], time.monotonic() - t0)
        try:
            result["text"] += ": " + self.kill(plan["kind"])
        except Exception as e:
            result["text"] += ": FAILED %r" % e

    # --- the client -------------------------------------------------------------

    def describe(self):
        """describe-instances as {id: instance}; None if the call failed."""
        r = self.cluster.cli("describe-instances")
        if not r.ok:
            return None
        found = {}
        for i in r.json().get("instances", []):
            found[i["instanceId"]] = i
            rec = self.ledger.instances.get(i["instanceId"])
            if rec is not None:
                rec.mac = rec.mac or i.get("macAddress")
        return found

    def run_instances(self, count, round_no, deadline):
        token = "lvchaos-%d-r%d" % (self.args.seed, round_no)
        while time.monotonic() < deadline:
            self.ledger.counters["run-instances calls"] += 1
            r = self.cluster.cli("run-instances", "--image-id", self.image, "--instance-type",
                                 "g1.nano", "--count", str(count), "--client-token", token)
            if r.ok:
                ids = [i["instanceId"] for i in r.json()["instances"]]
                previous = self.ledger.tokens.get(token)
                if previous is not None and sorted(previous) != sorted(ids):
                    self.ledger.counters["token answered differently"] += 1
                self.ledger.tokens[token] = ids
                for iid in ids:
                    self.ledger.instances.setdefault(iid, Instance(iid, token, round_no))
                return ids
            if r.api_error in (None, "InsufficientInstanceCapacity"):
                self.ledger.counters["run-instances retried (%s)" %
                                     (r.api_error or "transport failure")] += 1
                time.sleep(0.3)
                continue
            log("run-instances refused: %s" % r.err.strip())
            self.ledger.counters["run-instances refused " + r.api_error] += 1
            return []
        log("run-instances %s: never acknowledged" % token)
        return []

    def power(self, verb, ids, deadline):
        """stop-/start-/reboot-/terminate-instances until acknowledged; True if it was."""
        while time.monotonic() < deadline:
            self.ledger.counters[verb + " calls"] += 1
            if verb == "reboot-instances":
                for iid in ids:
                    self.ledger.instances[iid].reboots_sent += 1
            r = self.cluster.cli(verb, "--instance-ids", ",".join(ids))
            if r.ok:
                for iid in ids:
                    rec = self.ledger.instances[iid]
                    if verb == "terminate-instances":
                        rec.desired = "terminated"
                    elif verb == "stop-instances":
                        rec.desired = "stopped"
                    elif verb == "start-instances":
                        rec.desired = "running"
                        rec.starts += 1
                    rec.history.append("r%d %s acked" % (self.rounds_done, verb))
                return True
            if r.api_error is None or r.api_error == "IncorrectInstanceState":
                self.ledger.counters["%s retried (%s)" %
                                     (verb, r.api_error or "transport failure")] += 1
                time.sleep(0.3)
                continue
            log("%s %s refused: %s" % (verb, ids, r.err.strip()))
            self.ledger.counters["%s refused %s" % (verb, r.api_error)] += 1
            break
        for iid in ids:
            rec = self.ledger.instances[iid]
            rec.history.append("r%d %s NOT acked" % (self.rounds_done, verb))
            if verb != "reboot-instances":
                rec.uncertain = True
        return False

    # --- waiting ------------------------------------------------------------------

    def console_counts(self, iid):
        """(boots, readies, ready after the last boot) in the instance's whole console.log."""
        try:
            with open(os.path.join(self.instance_dir(iid), "console.log"), "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return 0, 0, False
        last_boot = text.rfind("GUREUM-BOOT ")
        return (text.count("GUREUM-BOOT "), text.count("GUREUM-READY"),
                last_boot >= 0 and text.find("GUREUM-READY", last_boot) >= 0)

    def booted(self, iid):
        """The guest finished every boot it was asked for (and its latest one)."""
        boots, _, ready = self.console_counts(iid)
        return boots >= self.ledger.instances[iid].starts and ready

    def update_hopeless(self, api):
        """Instances that can no longer reach what the client asked for
        without another request: the controller itself changed their desired
        state (failed and terminated them, or took a guest shutdown for a stop)."""
        for rec in self.ledger.instances.values():
            inst = api.get(rec.id)
            if inst is None or rec.uncertain or rec.id in self.hopeless:
                continue
            state = inst["state"]["name"]
            reason = inst.get("stateReason", {})
            if rec.desired != "terminated" and state in ("shutting-down", "terminated"):
                self.hopeless[rec.id] = "%s (%s: %s)" % (state, reason.get("code"),
                                                         reason.get("message"))
            elif rec.desired == "running" and state == "stopped":
                self.hopeless[rec.id] = "stopped (%s: %s)" % (reason.get("code"),
                                                              reason.get("message"))

    def settled(self):
        """No instance of the run in transition, the host up."""
        api = self.describe()
        if api is None:
            return False
        self.update_hopeless(api)
        for rec in self.ledger.instances.values():
            inst = api.get(rec.id)
            if inst is None or inst["state"]["name"] in ("pending", "stopping", "shutting-down"):
                return False
        return self.cluster.hosts().get(HOST, {}).get("state") == "up"

    def converged(self):
        """Everything as the client asked, but for instances that cannot get there."""
        api = self.describe()
        if api is None or self.cluster.hosts().get(HOST, {}).get("state") != "up":
            return False
        self.update_hopeless(api)
        domains = list_domains()
        if domains is None:
            return False
        want = {"running": "running", "stopped": "shut off"}
        for rec in self.ledger.instances.values():
            inst = api.get(rec.id)
            if (inst is not None and inst["state"]["name"] == "running" and
                    domains.get(domain_name(rec.id)) == "paused"):
                since = self.paused_since.setdefault(rec.id, time.monotonic())
                if time.monotonic() - since >= 20 and rec.id not in self.hopeless:
                    self.hopeless[rec.id] = ("running in the API, paused in libvirt for 20 s (%s)"
                                             % (domstate(domain_name(rec.id)) or ("?", "?"))[1])
            else:
                self.paused_since.pop(rec.id, None)
            if rec.id in self.hopeless:
                continue
            if inst is None or inst["state"]["name"] != rec.desired:
                return False
            have = domains.get(domain_name(rec.id))
            if rec.desired == "terminated":
                if have is not None:
                    return False
            elif have != want[rec.desired]:
                return False
            elif rec.desired == "running" and not self.booted(rec.id):
                return False
            elif (rec.desired == "running" and rec.reboots_sent and
                  self.console_counts(rec.id)[0] < rec.starts + rec.reboots_sent and
                  time.monotonic() - self.final_started < self.args.reboot_grace):
                return False  # give a recent reboot time to show on the console
        return True

    # --- the schedule ---------------------------------------------------------------

    def api_states(self):
        api = self.describe() or {}
        return {i: api[i]["state"]["name"] for i in self.ledger.instances if i in api}

    def pick_round(self, round_no):
        """(op, count or ids, kill plan) for this round."""
        rng = self.rng
        if round_no == 0:
            return ("run-instances", self.args.instances,
                    {"kind": "libvirtd", "at": rng.uniform(1.5, 2.5)})
        if round_no == 1:
            return ("run-instances", 1, {"kind": "agent", "trigger": "paused", "at": 1.5})
        states = self.api_states()
        ok = [r for r in self.ledger.instances.values()
              if not r.uncertain and r.id not in self.hopeless]
        running = [r.id for r in ok if r.desired == "running" and states.get(r.id) == "running"]
        stopped = [r.id for r in ok if r.desired == "stopped" and states.get(r.id) == "stopped"]
        live = [r for r in ok if r.desired != "terminated"]
        choices = []
        if len(live) < self.args.instances + 2:
            choices.append(("run-instances", 1.0))
        if running:
            choices += [("stop-instances", 2.0), ("reboot-instances", 1.5)]
        if stopped:
            choices.append(("start-instances", 2.5))
        if len(live) > 3:
            choices.append(("terminate-instances", 1.0))
        # Every kind of operation early (the short form has few rounds), then by weight.
        fresh = [(op, w) for op, w in choices if op not in self.ops_done]
        if fresh:
            choices = fresh
        total = sum(w for _, w in choices)
        roll = rng.uniform(0, total)
        for op, w in choices:
            roll -= w
            if roll <= 0:
                break
        if op == "run-instances":
            target = rng.randint(1, 2)
        elif op in ("stop-instances", "reboot-instances"):
            target = rng.sample(sorted(running), min(len(running), rng.randint(1, 2)))
        elif op == "start-instances":
            target = rng.sample(sorted(stopped), min(len(stopped), rng.randint(1, 2)))
        else:
            pool = sorted(r.id for r in live)
            target = rng.sample(pool, min(len(pool) - 2, rng.randint(1, 2)))
        roll = rng.random()
        if "controller" not in self.kills:
            roll = 0.7  # the first random round kills the controller
        if roll < 0.3:
            plan = {"kind": "agent", "at": rng.uniform(0.2, 3.0)}
            if op in ("run-instances", "start-instances") and rng.random() < 0.5:
                plan = {"kind": "agent", "trigger": "paused", "at": 3.0}
        elif roll < 0.6:
            plan = {"kind": "libvirtd", "at": rng.uniform(0.2, 3.0)}
        elif roll < 0.85:
            # Half of them while the request is likely still in flight.
            plan = {"kind": "controller",
                    "at": rng.uniform(0.0, 0.25) if rng.random() < 0.5 else rng.uniform(0.25, 2.0)}
        else:
            plan = None
        return op, target, plan

    def run_round(self, round_no):
        op, target, plan = self.pick_round(round_no)
        self.ops_done.add(op)
        if op in ("stop-instances", "reboot-instances"):
            # Every boot must be on the console before the guest is stopped or rebooted.
            ready = wait_for(lambda: all(self.booted(i) for i in target),
                             self.budget(self.args.boot_timeout), 0.5)
            if not ready:
                late = [i for i in target if not self.booted(i)]
                log("round %d: %s not booted in time; left out of %s" % (round_no, late, op))
                target = [i for i in target if i not in late]
                if not target:
                    return
        go = threading.Event()
        result = {"text": "no kill"}
        killer = None
        if plan:
            plan["before"] = set(list_domains() or {})
            if op == "start-instances":
                plan["targets"] = list(target)
            killer = threading.Thread(target=self.killer, args=(plan, go, result), daemon=True)
            killer.start()
        go.set()
        deadline = time.monotonic() + self.budget(60)
        if op == "run-instances":
            ids = self.run_instances(target, round_no, deadline)
            what = "run-instances --count %d -> %s" % (target, ",".join(ids) or "nothing")
            acked = bool(ids)
        else:
            acked = self.power(op, target, deadline)
            what = "%s %s" % (op, ",".join(target))
        if killer:
            killer.join()
        settle_started = time.monotonic()
        settled = wait_for(self.settled, self.budget(self.args.step_timeout), 0.5)
        self.settle_s.append(time.monotonic() - settle_started)
        self.check_processes()
        self.rounds_done += 1
        states = collections.Counter(self.api_states().values())
        log("round %d: %s (%s); kill %s; %s in %.1f s -> %s" %
            (round_no, what, "acknowledged" if acked else "NOT acknowledged", result["text"],
             "settled" if settled else "NOT settled", time.monotonic() - settle_started,
             ", ".join("%s %d" % kv for kv in sorted(states.items()))))

    def budget(self, timeout_s):
        """A wait of a round, cut so that the chaos phase ends about 10 s
        after --duration-s (the short form has a hard time limit)."""
        return max(5.0, min(timeout_s, self.chaos_deadline + 10 - time.monotonic()))

    def run(self):
        args = self.args
        self.chaos_deadline = chaos_deadline = time.monotonic() + args.duration_s
        round_no = 0
        self.monitor_thread = threading.Thread(target=self.monitor, daemon=True)
        self.monitor_thread.start()
        while round_no < args.rounds or sum(self.kills[k] for k in
                                            ("agent", "libvirtd", "controller")) < args.kills:
            if time.monotonic() >= chaos_deadline and round_no >= 2:
                log("chaos phase: --duration-s %d reached after %d rounds" %
                    (args.duration_s, round_no))
                break
            self.run_round(round_no)
            round_no += 1

        # Everything up again, then convergence.
        self.check_processes()
        with self.lock:
            if libvirtd_pid() is None:
                start_libvirtd()
            if not self.cluster.controller.running():
                self.cluster.start_controller()
            if not self.agent.running():
                self.agent.start()
        started = self.final_started = time.monotonic()
        converged = wait_for(self.converged, args.converge_timeout, 1.0)
        self.check_processes()
        log("%s after %.1f s (hopeless: %d)" %
            ("converged" if converged else "NOT converged", time.monotonic() - started,
             len(self.hopeless)))

    # --- the checks -----------------------------------------------------------------

    def check(self):
        failures = 0

        def report(name, problems, summary):
            nonlocal failures
            print("invariant %-22s %s  %s" % (name, "PASS" if not problems else "FAIL", summary),
                  flush=True)
            for p in problems[:25]:
                print("    - %s" % p, flush=True)
            if len(problems) > 25:
                print("    - ... %d more" % (len(problems) - 25), flush=True)
            if problems:
                failures += 1

        api = self.describe()
        if api is None:
            print("describe-instances failed: cannot check", flush=True)
            return 99
        db = {}
        try:
            for row in self.cluster.query(
                    "SELECT instance_id, state, desired_state, mac_address, private_ip,"
                    " state_reason_code, state_reason_message, client_token FROM instances"):
                db[row[0]] = dict(zip(["state", "desired", "mac", "ip", "code", "message",
                                       "token"], row[1:]))
        except Exception as e:
            print("cannot read the controller's database: %r" % e, flush=True)
        domains = list_domains() or {}
        recs = self.ledger.instances

        def reason(iid):
            r = api.get(iid, {}).get("stateReason", {})
            return "%s: %s" % (r.get("code", ""), r.get("message", ""))

        # 1. desired-state
        problems = []
        counts = collections.Counter()
        want_dom = {"running": "running", "stopped": "shut off"}
        for rec in recs.values():
            if rec.uncertain:
                counts["uncertain"] += 1
                continue
            counts[rec.desired] += 1
            inst = api.get(rec.id)
            state = inst["state"]["name"] if inst else "missing"
            ds = domstate(domain_name(rec.id))
            if state != rec.desired:
                problems.append("%s: asked %s (acknowledged), is %s (%s); domain %s; %s" %
                                (rec.id, rec.desired, state, reason(rec.id),
                                 "%s (%s)" % ds if ds else "none", "; ".join(rec.history)))
                continue
            if rec.desired == "terminated":
                if ds is not None:
                    problems.append("%s: terminated but its domain is %s (%s)" % ((rec.id,) + ds))
            elif ds is None or ds[0] != want_dom[rec.desired]:
                problems.append("%s: %s, but its domain is %s" %
                                (rec.id, rec.desired, "%s (%s)" % ds if ds else "missing"))
        report("desired-state", problems,
               "%d instances, last acknowledged request: %s; %d not in that state or with a "
               "domain that disagrees" %
               (len(recs), ", ".join("%s %d" % kv for kv in sorted(counts.items())),
                len(problems)))

        # 2. boots
        problems = []
        exact = 0
        reboots = collections.Counter()
        for rec in recs.values():
            inst = api.get(rec.id)
            state = inst["state"]["name"] if inst else "missing"
            if state not in ("running", "stopped"):
                continue
            boots, readies, ready = self.console_counts(rec.id)
            lo, hi = rec.starts, rec.starts + rec.reboots_sent
            if rec.uncertain:
                lo = min(lo, 1)
                hi += 1
            if not lo <= boots <= hi:
                problems.append("%s (%s): booted %d times, expected %s (starts %d, reboots sent "
                                "%d); %s" % (rec.id, state, boots,
                                             lo if lo == hi else "%d..%d" % (lo, hi),
                                             rec.starts, rec.reboots_sent,
                                             "; ".join(rec.history)))
            else:
                exact += lo == hi
            if rec.reboots_sent:
                reboots["instances rebooted"] += 1
                reboots["reboots sent"] += rec.reboots_sent
                reboots["boots from reboots"] += max(0, boots - rec.starts)
            if state == "running":
                ds = domstate(domain_name(rec.id))
                if ds is not None and ds[0] == "paused":
                    problems.append("%s: the API says running, libvirt says paused (%s)" %
                                    (rec.id, ds[1]))
                out = self.cluster.cli("get-console-output", "--instance-id", rec.id)
                text = out.out
                try:  # -o json: `output` is bytes, so base64
                    text = base64.b64decode(json.loads(text).get("output", "")).decode(
                        "utf-8", "replace")
                except (ValueError, AttributeError, binascii.Error):
                    pass
                if not out.ok or "GUREUM-BOOT" not in text:
                    problems.append("%s: running, but get-console-output shows no boot (%s)" %
                                    (rec.id, "%d bytes" % len(text) if out.ok
                                     else out.err.strip()[:200]))
                elif not ready:
                    problems.append("%s: running, but its last boot never reached GUREUM-READY "
                                    "(%d boots, %d ready)" % (rec.id, boots, readies))
        report("boots", problems,
               "S <= boots <= S + R per live instance (S acknowledged starts incl. the launch, "
               "R reboots sent); %d held to exactly S; %s" %
               (exact, ", ".join("%s %d" % kv for kv in sorted(reboots.items())) or
                "no reboots"))

        # 3. no-spurious-terminate
        problems = []
        for iid in sorted(set(api) | set(db)):
            state = api[iid]["state"]["name"] if iid in api else db[iid]["state"]
            if state not in ("shutting-down", "terminated"):
                continue
            rec = recs.get(iid)
            if rec is not None and rec.desired == "terminated":
                continue
            if rec is not None and rec.uncertain and "terminate" in " ".join(rec.history):
                continue
            why = reason(iid) if iid in api else "%s: %s" % (db[iid]["code"], db[iid]["message"])
            problems.append("%s is %s but the client never terminated it (%s)%s" %
                            (iid, state, why, "" if rec else " [not in the ledger]"))
        report("no-spurious-terminate", problems,
               "%d terminated by the client, %d without being asked to" %
               (sum(1 for r in recs.values() if r.desired == "terminated"), len(problems)))

        # 4. no-orphans
        problems = []
        live_ids = {iid for iid in set(api) | set(db)
                    if (api[iid]["state"]["name"] if iid in api else db[iid]["state"])
                    not in ("terminated",)}
        mine = set(api) | set(db) | set(recs)
        for name, state in sorted(domains.items()):
            if name in self.pre_existing_domains:
                continue
            iid = name[len("gureum-"):]
            if iid not in live_ids:
                problems.append("domain %s (%s) of %s instance" %
                                (name, state, "a terminated" if iid in mine else "an unknown"))
        active = {n for n, s in domains.items() if s not in ("shut off",)}
        for name, pid in sorted(qemu_processes(self.work_dir).items()):
            if name not in active:
                problems.append("QEMU process %d (%s) that libvirt does not run" % (pid, name))
        instances_dir = os.path.join(self.cluster.agent_dir(HOST), "instances")
        for entry in sorted(os.listdir(instances_dir)) if os.path.isdir(instances_dir) else []:
            if entry not in live_ids:
                files = sorted(os.listdir(os.path.join(instances_dir, entry)))
                problems.append("files of %s instance %s left: %s" %
                                ("terminated" if entry in mine else "unknown", entry, files))
        live_macs = {}
        for iid in live_ids:
            mac = (db.get(iid, {}).get("mac") or api.get(iid, {}).get("macAddress") or "").lower()
            live_macs[mac] = iid
        dead_macs = {}
        for iid in mine - live_ids:
            mac = (db.get(iid, {}).get("mac") or (recs[iid].mac if iid in recs else None) or "")
            dead_macs[mac.lower()] = iid
        reservations = self.network.reservations()
        for mac, ip, where in reservations:
            if mac not in live_macs:
                problems.append("DHCP reservation %s -> %s (%s) of %s" %
                                (mac, ip, where, "terminated instance " + dead_macs[mac]
                                 if mac in dead_macs else "no live instance"))
        report("no-orphans", problems,
               "%d domains, %d instance dirs, %d DHCP reservations; %d of no live instance" %
               (len([d for d in domains if d not in self.pre_existing_domains]),
                len(os.listdir(instances_dir)) if os.path.isdir(instances_dir) else 0,
                len(reservations), len(problems)))

        # 5. agent-survives
        problems = []
        for d in self.deaths:
            problems.append("%s %s in round %d at %.1f s (libvirtd %s)%s" %
                            (d["who"], d["exit"], d["round"], d["at"],
                             "up" if d["libvirtd_up"] else "down",
                             "\n" + d["detail"] if d["detail"] else ""))
        report("agent-survives", problems,
               "the agent (and controller, libvirtd) exited only by the test's kills: %d agent "
               "starts" % self.agent.starts)
        return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    parser.add_argument("--bin-dir", default=os.path.join(REPO_ROOT, "build", "bin"))
    parser.add_argument("--images-dir",
                        default=os.environ.get("GUREUM_IMAGES_DIR") or
                        os.path.join(REPO_ROOT, "build", "images"),
                        help="tiny-disk.qcow2 etc. (default $GUREUM_IMAGES_DIR or build/images)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=8, help="rounds (one operation each)")
    parser.add_argument("--kills", type=int, default=6,
                        help="keep going (within --duration-s) until this many kills")
    parser.add_argument("--instances", type=int, default=6,
                        help="guests of the first launch (about the number kept alive)")
    parser.add_argument("--duration-s", type=float, default=90,
                        help="no new round after this many seconds of chaos")
    parser.add_argument("--step-timeout", type=float, default=45,
                        help="seconds a round waits for instances to leave transitions")
    parser.add_argument("--boot-timeout", type=float, default=40,
                        help="seconds a stop/reboot waits for its guests to have booted")
    parser.add_argument("--converge-timeout", type=float, default=45)
    parser.add_argument("--reboot-grace", type=float, default=25,
                        help="at the end, wait up to this long for requested reboots to show "
                        "on the console (a reboot may also boot nothing)")
    parser.add_argument("--stop-timeout-s", type=int, default=20,
                        help="the agent's --stop-timeout-s (ACPI shutdown/reboot, then forced)")
    parser.add_argument("--dhcp-hosts-dir", action="store_true",
                        help="reservations as dnsmasq hosts-dir files (default: virNetworkUpdate,"
                        " as on libvirt's default network)")
    parser.add_argument("--work-dir", help="keep everything here (default: a temp dir, removed)")
    parser.add_argument("--controller-arg", action="append", default=[], metavar="FLAG",
                        help="extra controller flag, e.g. --controller-arg=--log-level=debug "
                        "(repeatable)")
    parser.add_argument("--agent-arg", action="append", default=[], metavar="FLAG",
                        help="extra agent flag (repeatable)")
    args = parser.parse_args()

    if os.geteuid() != 0:
        print("libvirt chaos: SKIP (needs root for qemu:///system and libvirtd)")
        return SKIP
    for tool in ("virsh", "libvirtd", "ip", "ps"):
        if shutil.which(tool) is None:
            print("libvirt chaos: SKIP (%s not found)" % tool)
            return SKIP
    for name in ("gureum-controller", "gureum-agent", "gureum"):
        if not os.access(os.path.join(args.bin_dir, name), os.X_OK):
            print("libvirt chaos: no %s in %s" % (name, args.bin_dir))
            return 2
    if not os.path.exists(os.path.join(args.images_dir, "tiny-disk.qcow2")):
        print("libvirt chaos: no tiny-disk.qcow2 in %s (deploy/images/build-tiny-image.sh --out "
              "DIR, or set GUREUM_IMAGES_DIR)" % args.images_dir)
        return 2
    if libvirtd_pid() is None or not libvirt_answers():
        print("libvirt chaos: libvirtd does not answer on %s (deploy/start-libvirt.sh)" % URI)
        return 2

    test = LibvirtChaos(args)
    print("libvirt chaos: seed %d, >= %d rounds, >= %d kills, %d guests first, chaos <= %d s" %
          (args.seed, args.rounds, args.kills, args.instances, args.duration_s), flush=True)

    def cleanup():
        if test.cleaned:
            return
        test.cleaned = True
        test.stop_event.set()
        log("cleanup: stopping the agent and the controller, removing this run's domains, "
            "network and files")
        if libvirtd_pid() is None:
            start_libvirtd()
        cluster = test.cluster
        if cluster is not None:
            # The agent first, and for good, so that it cannot recreate what goes below.
            for agent in cluster.agents.values():
                agent.kill9()
            cluster.controller.stop()
        log("cleanup: processes stopped")
        known = set(test.ledger.instances)
        if cluster is not None and os.path.exists(cluster.database):
            try:
                known |= {r[0] for r in cluster.query("SELECT instance_id FROM instances")}
            except Exception:
                pass
        marker = getattr(test, "work_dir", None)

        def remove_domain(name):
            virsh("destroy", name)
            r = virsh("undefine", "--nvram", name)
            if r.returncode != 0:
                r = virsh("undefine", name)
            if r.returncode != 0:
                print("cleanup: undefine %s: %s" % (name, r.stderr.strip()), flush=True)

        removals = []
        for name in sorted(list_domains() or {}):
            if name in test.pre_existing_domains:
                continue
            ours = name[len("gureum-"):] in known
            if not ours and marker:
                ours = marker in virsh("dumpxml", "--inactive", name).stdout
            if ours:
                removals.append(threading.Thread(target=remove_domain, args=(name,)))
                removals[-1].start()
        for t in removals:
            t.join()
        if removals:
            log("cleanup: %d domains destroyed and undefined" % len(removals))
        if marker:
            for name, pid in qemu_processes(marker).items():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if test.network is not None:
            test.network.remove()
        if marker and not args.work_dir:
            shutil.rmtree(marker, ignore_errors=True)
        log("cleanup: done")

    atexit.register(cleanup)
    # ctest's timeout sends SIGTERM: unwind through `finally` (and atexit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(1))
    failures = 1
    try:
        test.setup()
        test.run()
        total_kills = sum(test.kills[k] for k in ("agent", "libvirtd", "controller"))
        counters = test.ledger.counters
        print("figures: %d rounds, %d kills (%s); libvirtd back in %s s; rounds settled in "
              "median %.1f s, max %.1f s; %d instances launched; %s" %
              (test.rounds_done, total_kills,
               ", ".join("%s %d" % kv for kv in sorted(test.kills.items())),
               "/".join("%.1f" % s for s in test.libvirtd_restart_s) or "-",
               sorted(test.settle_s)[len(test.settle_s) // 2] if test.settle_s else 0,
               max(test.settle_s) if test.settle_s else 0, len(test.ledger.instances),
               "; ".join("%s %d" % kv for kv in sorted(counters.items()))), flush=True)
        for iid, why in test.hopeless.items():
            print("note: %s could not converge: %s" % (iid, why), flush=True)
        failures = test.check()
        if total_kills < args.kills:
            print("note: only %d kills (--kills %d): --duration-s ended the chaos first" %
                  (total_kills, args.kills), flush=True)
        if failures:
            print("agent log, last warnings and errors:\n" +
                  test.log_tail(test.agent.log_path, 40, r" (warning|error|critical) \[|"
                                r"==== start"), flush=True)
    except Exception as e:
        print("libvirt chaos: ERROR %r" % e, flush=True)
        if test.cluster is not None:
            print("agent log tail:\n" + test.log_tail(test.agent.log_path, 30)
                  if HOST in test.cluster.agents else "", flush=True)
        failures = max(failures, 1)
        raise
    finally:
        cleanup()
        print("libvirt chaos: %s (%.0f s)" %
              ("PASS" if failures == 0 else "FAIL (%d invariants)" % failures, now_s()),
              flush=True)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
