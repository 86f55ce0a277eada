// A Gureum cluster for the node-driven tests: a real controller, fake-driver
// agents and a gateway as processes on loopback (ports picked by the kernel)
// in a temp directory, the same shape as tests/support/test_cluster.h.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN_DIR = process.env.GUREUM_BIN_DIR;
if (!BIN_DIR) throw new Error('GUREUM_BIN_DIR is not set (run through ctest)');

export async function eventually(fn, timeoutMs, what, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export class Cluster {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'gureum-node-test-'));
    this.processes = [];
    this.controllerPort = 0;
    this.gatewayPort = 0;
    this.adminKey = '';  // the bootstrap administrator's ID:SECRET
  }

  get endpoint() { return `127.0.0.1:${this.controllerPort}`; }
  get gatewayUrl() { return `http://127.0.0.1:${this.gatewayPort}`; }

  spawn(name, args) {
    const log = openSync(join(this.dir, `${name}.log`), 'a');
    const child = spawn(join(BIN_DIR, args[0]), args.slice(1), { stdio: ['ignore', log, log] });
    child.exited = new Promise((resolve) => child.on('exit', resolve));
    this.processes.push(child);
    return child;
  }

  async waitForPort(file, child, name) {
    let dead = false;
    child.exited.then(() => { dead = true; });
    await eventually(() => existsSync(file) || dead, 20000, `${name} to start`);
    if (dead) throw new Error(`${name} exited: ${readFileSync(join(this.dir, `${name}.log`), 'utf8')}`);
    return Number(readFileSync(file, 'utf8').trim());
  }

  async startController() {
    const portFile = join(this.dir, 'controller.port');
    const child = this.spawn('controller', ['gureum-controller', '--listen', '127.0.0.1:0', '--plaintext',
      '--data-dir', join(this.dir, 'controller'), '--port-file', portFile,
      '--heartbeat-interval-ms', '500']);
    this.controllerPort = await this.waitForPort(portFile, child, 'controller');
    // Written 0600 by the controller on its first start.
    const credentials = readFileSync(join(this.dir, 'controller', 'admin-credentials'), 'utf8');
    const line = credentials.split('\n').find((l) => l.startsWith('GUREUM_API_KEY='));
    if (!line) throw new Error('no GUREUM_API_KEY in admin-credentials');
    this.adminKey = line.slice('GUREUM_API_KEY='.length).trim();
  }

  startAgent(hostName) {
    const dir = join(this.dir, `agent-${hostName}`);
    mkdirSync(dir, { recursive: true });
    this.spawn(`agent-${hostName}`, ['gureum-agent', '--controller', this.endpoint, '--plaintext',
      '--host-name', hostName, '--driver', 'fake', '--availability-zone', 'zone-a',
      '--data-dir', dir, '--resync-interval-ms', '500', '--vcpus', '8', '--memory-mib', '16384',
      '--disk-gib', '200', '--fake-state-file', join(dir, 'fake-domains.json')]);
  }

  async startGateway(extra = []) {
    const portFile = join(this.dir, 'gateway.port');
    const child = this.spawn('gateway', ['gureum-gateway', '--listen', '127.0.0.1:0', '--plaintext',
      '--controller', this.endpoint, '--port-file', portFile, ...extra]);
    this.gatewayPort = await this.waitForPort(portFile, child, 'gateway');
  }

  cli(args) {
    const out = execFileSync(join(BIN_DIR, 'gureum'), ['--endpoint', this.endpoint, ...args, '-o', 'json'],
      { env: { ...process.env, HOME: this.dir, GUREUM_ENDPOINT: '', GUREUM_PROFILE: '',
        GUREUM_API_KEY: this.adminKey } });
    return JSON.parse(out.toString());
  }

  // Through the gateway (started first) with the administrator's key.
  async waitForHostsUp(count) {
    await eventually(async () => {
      const { status, body } = await this.api('GET', '/v1/hosts');
      return status === 200 && body.hosts.filter((h) => h.state === 'up').length >= count;
    }, 30000, `${count} hosts up`, 200);
  }

  // A small raw image, public (launchable from every project); returns its id.
  async importImage(name) {
    const path = join(this.dir, `${name}.raw`);
    writeFileSync(path, Buffer.alloc(1 << 20, 0x5a));
    const { status, body } = await this.api('POST', '/v1/images', { name, sourcePath: path, public: true });
    if (status !== 201) throw new Error(`import-image: HTTP ${status} ${JSON.stringify(body)}`);
    return body.imageId;
  }

  // One REST call to the gateway with `key` (default: the administrator's);
  // returns { status, body }.
  async api(method, path, body, key = this.adminKey, extraHeaders = {}) {
    const headers = { 'X-Gureum-Api-Key': key, ...extraHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.gatewayUrl}${path}`, { method, headers,
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed = {};
    try { parsed = text ? JSON.parse(text) : {}; } catch { parsed = { text }; }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  async stop() {
    for (const child of [...this.processes].reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killed = await Promise.race([child.exited.then(() => true), sleep(5000).then(() => false)]);
        if (!killed) child.kill('SIGKILL');
      }
    }
    if (!process.env.GUREUM_KEEP_TEST_DIR) rmSync(this.dir, { recursive: true, force: true });
  }
}
