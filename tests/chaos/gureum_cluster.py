"""A real Gureum controller and agents as processes, for the chaos and
network-namespace tests: start, SIGKILL and restart them, drive them with the
real `gureum` CLI, and read what they hold (the controller's SQLite database
read-only, each fake hypervisor's JSON state file). Agents use the fake driver
unless `add_agent(driver=...)` says otherwise (the libvirt chaos test runs a
libvirt one).

Each process may run inside a network namespace (`netns=`), in which case it
is started with `ip netns exec`. Processes are killed by their own pid only.
Not thread-safe except `Cluster.cli` (safe to call from many threads while
no process is being started or stopped).
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time


class CliResult:
    """One `gureum` run: exit code, stdout, stderr, and what kind of failure."""

    def __init__(self, code, out, err):
        self.code = code
        self.out = out
        self.err = err

    @property
    def ok(self):
        return self.code == 0

    @property
    def api_error(self):
        """The API error code (e.g. `InvalidInstanceID.NotFound`) the
        controller answered with, or None when the call failed in transport
        (endpoint unreachable, connection reset, timeout) or succeeded."""
        marker = "An error occurred ("
        at = self.err.find(marker)
        if self.code == 0 or at < 0:
            return None
        end = self.err.find(")", at)
        return self.err[at + len(marker):end]

    @property
    def transport_failure(self):
        return self.code != 0 and self.api_error is None

    def json(self):
        return json.loads(self.out)


def describe_exit(returncode):
    """A subprocess return code in words: Popen reports death by signal N as
    -N, a shell as 128 + N (141 for SIGPIPE)."""
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "signal %d" % -returncode
        return "killed by signal %d (%s; shell status %d)" % (-returncode, name, 128 - returncode)
    return "exited with status %d" % returncode


def wait_for(predicate, timeout_s, interval_s=0.1):
    """Polls `predicate` until it is truthy; returns its last value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval_s)


class Process:
    """One child process with its log in a file; started in its own session
    so a terminal's signals do not reach it."""

    def __init__(self, name, argv, log_path, netns=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.netns = netns
        self.proc = None
        self.starts = 0

    def start(self):
        argv = self.argv
        if self.netns:
            argv = ["ip", "netns", "exec", self.netns] + argv
        log = open(self.log_path, "ab")
        log.write(("\n==== start %d: %s\n" % (self.starts + 1, " ".join(argv))).encode())
        log.flush()
        # `ip netns exec` execs the command, so the pid is the process itself.
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.starts += 1

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc is not None else None

    def exit_description(self):
        """How the last start ended, e.g. "killed by signal 13 (SIGPIPE; shell
        status 141)" or "exited with status 1"; None while running or never
        started."""
        if self.proc is None or self.proc.poll() is None:
            return None
        return describe_exit(self.proc.returncode)

    def kill9(self):
        """SIGKILL and reap; returns False if it was not running."""
        if not self.running():
            return False
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        return True

    def stop(self, timeout_s=5):
        if not self.running():
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Cluster:
    """A controller and fake-driver agents in a temporary directory.

    bin_dir: where gureum-controller, gureum-agent and gureum are.
    listen_host: the address the controller binds (127.0.0.1, or an address
    inside the controller's namespace).
    """

    def __init__(self, bin_dir, work_dir=None, listen_host="127.0.0.1", controller_netns=None,
                 controller_args=(), log=print):
        self.bin_dir = bin_dir
        self.dir = work_dir or tempfile.mkdtemp(prefix="gureum-chaos-")
        os.makedirs(self.dir, exist_ok=True)
        self.listen_host = listen_host
        # Plaintext is allowed only on loopback; elsewhere (the netns test's
        # bridge) everything speaks mTLS with certificates from gen-certs.sh.
        self.tls = not (listen_host.startswith("127.") or listen_host in ("::1", "localhost"))
        self.certs = os.path.join(self.dir, "certs")
        self.port = 0
        self.log = log
        self.controller = Process(
            "controller",
            [],  # filled by start_controller: the port is known after the first start
            os.path.join(self.dir, "controller.log"), netns=controller_netns)
        self.controller_args = list(controller_args)
        self.agents = {}  # host name -> Process
        # A clean environment for the CLI: no profile, endpoint or config file leaks in.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GUREUM_")}
        self.env.update(HOME=self.dir, XDG_CONFIG_HOME=os.path.join(self.dir, ".config"))

    # --- processes ---------------------------------------------------------

    @property
    def endpoint(self):
        return "%s:%d" % (self.listen_host, self.port)

    @property
    def database(self):
        return os.path.join(self.dir, "controller", "gureum.db")

    def start_controller(self, timeout_s=20, wait=True):
        """Starts the controller and (with `wait`) waits until it serves.
        Port 0 on the first start, the same port afterwards so agents find it
        again."""
        port_file = os.path.join(self.dir, "controller.port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.controller.argv = [
            os.path.join(self.bin_dir, "gureum-controller"),
            "--listen", self.endpoint,
            "--data-dir", os.path.join(self.dir, "controller"),
            "--port-file", port_file,
            "--log-level", "info",
        ] + self.transport_args("controller") + self.controller_args
        self.controller.start()
        if not wait:
            return
        started = wait_for(lambda: os.path.exists(port_file) or not self.controller.running(),
                           timeout_s, 0.02)
        if not started or not self.controller.running():
            raise RuntimeError("controller did not start; see %s" % self.controller.log_path)
        with open(port_file) as f:
            self.port = int(f.read().strip())

    def transport_args(self, who, host=None):
        """--plaintext on loopback; else the TLS flags of `who` (controller, agent or
        cli), making the certificates first."""
        if not self.tls:
            return ["--plaintext"]
        gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "deploy",
                           "gen-certs.sh")
        extra = ["--agent", host] if host else []
        subprocess.run([gen, self.certs, "--san", "IP:" + self.listen_host] + extra, check=True,
                       capture_output=True)
        c = lambda name: os.path.join(self.certs, name)
        if who == "controller":
            return ["--tls-cert", c("controller.crt"), "--tls-key", c("controller.key"),
                    "--client-ca", c("ca.crt")]
        if who == "agent":
            return ["--ca-cert", c("ca.crt"), "--cert", c("agents/%s.crt" % host),
                    "--key", c("agents/%s.key" % host)]
        return ["--ca-bundle", c("ca.crt")]

    def agent_dir(self, host):
        return os.path.join(self.dir, "agent-" + host)

    def state_file(self, host):
        return os.path.join(self.agent_dir(host), "fake-domains.json")

    def add_agent(self, host, vcpus=64, memory_mib=131072, disk_gib=100000, zone="zone-a",
                  netns=None, extra_args=(), driver="fake"):
        """Registers an agent and starts it. driver "fake" (the default): guests
        kept in a state file. Any other driver (e.g. "libvirt") gets no fake
        state file; its driver flags (--network, --virt-type, ...) go in
        `extra_args`. vcpus/memory_mib/disk_gib are the capacity offered (for a
        real driver they override what the host has); None: the flag is left
        out (a real driver then offers the host's own)."""
        os.makedirs(self.agent_dir(host), exist_ok=True)
        argv = [
            os.path.join(self.bin_dir, "gureum-agent"),
            "--controller", self.endpoint,
            "--host-name", host,
            "--driver", driver,
            "--availability-zone", zone,
            "--data-dir", self.agent_dir(host),
            "--resync-interval-ms", "500",
            "--log-level", "info",
        ]
        for flag, value in (("--vcpus", vcpus), ("--memory-mib", memory_mib),
                            ("--disk-gib", disk_gib)):
            if value is not None:
                argv += [flag, str(value)]
        if driver == "fake":
            argv += ["--fake-state-file", self.state_file(host)]
        argv += self.transport_args("agent", host) + list(extra_args)
        agent = Process(host, argv, os.path.join(self.agent_dir(host), "agent.log"), netns=netns)
        self.agents[host] = agent
        agent.start()
        return agent

    def stop_all(self):
        for agent in self.agents.values():
            agent.stop()
        self.controller.stop()

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- the CLI -----------------------------------------------------------

    def cli(self, *args, timeout_s=15, netns=None):
        """Runs `gureum --endpoint <controller> -o json args...`."""
        argv = [os.path.join(self.bin_dir, "gureum"), "--endpoint", self.endpoint,
                "--timeout", "10", "-o", "json"] + \
            (self.transport_args("cli") if self.tls else []) + list(args)
        netns = netns or self.controller.netns
        if netns:
            argv = ["ip", "netns", "exec", netns] + argv
        self._load_admin_key()
        try:
            p = subprocess.run(argv, capture_output=True, text=True, env=self.env,
                               timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return CliResult(124, "", "gureum did not finish in %d s (client-side)" % timeout_s)
        return CliResult(p.returncode, p.stdout, p.stderr)

    def _load_admin_key(self):
        """The bootstrap admin's key, written by the controller's first start."""
        if self.env.get("GUREUM_API_KEY"):
            return
        path = os.path.join(self.dir, "controller", "admin-credentials")
        if not os.path.exists(path):
            return
        with open(path) as f:
            for line in f:
                if line.startswith("GUREUM_API_KEY="):
                    self.env["GUREUM_API_KEY"] = line.strip().split("=", 1)[1]

    def cli_json(self, *args):
        r = self.cli(*args)
        if not r.ok:
            raise RuntimeError("gureum %s exited %d: %s" % (" ".join(args), r.code, r.err.strip()))
        return r.json()

    def import_image(self, name):
        path = os.path.join(self.dir, name + ".raw")
        with open(path, "wb") as f:
            f.write(b"\x5a" * (1 << 20))
        return self.cli_json("import-image", "--name", name, "--source-path", path)["imageId"]

    def hosts(self):
        """describe-hosts as {name: host} (empty on a failed call)."""
        r = self.cli("describe-hosts")
        if not r.ok:
            return {}
        return {h["name"]: h for h in r.json().get("hosts", [])}

    def wait_hosts_up(self, names, timeout_s=30):
        return wait_for(lambda: all(self.hosts().get(n, {}).get("state") == "up" for n in names),
                        timeout_s, 0.2)

    # --- what the controller and the hypervisors hold ------------------------

    def query(self, sql, params=()):
        """Rows of a read-only query on the controller's database (WAL: safe
        while the controller writes)."""
        db = sqlite3.connect("file:%s?mode=ro" % self.database, uri=True, timeout=10)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def fake_domains(self, host):
        """The fake hypervisor's domains on `host`: {instance_id: domain}."""
        try:
            with open(self.state_file(host)) as f:
                doc = json.load(f)
        except FileNotFoundError:
            return {}
        return {d["spec"]["instance_id"]: d for d in doc.get("domains", [])}
