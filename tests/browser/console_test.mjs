// Browser tests of the web console: Debian's chromium, headless, driven by
// playwright-core, against a real gateway, controller and fake-driver agents
// on loopback. Screenshots go to $GUREUM_ARTIFACT_DIR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { Cluster } from './cluster.mjs';

const CHROMIUM = process.env.GUREUM_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.GUREUM_ARTIFACT_DIR || join(process.cwd(), 'test-artifacts');

let cluster;
let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = new Cluster();
  await cluster.startController();
  cluster.startAgent('host-a');
  cluster.startAgent('host-b');
  await cluster.startGateway(['--sse-heartbeat-ms', '1000']);
  await cluster.waitForHostsUp(2);
  await cluster.importImage('tiny');
  const group = await cluster.api('POST', '/v1/placement-groups', { groupName: 'web-spread', strategy: 'spread' });
  assert.equal(group.status, 201, JSON.stringify(group.body));
  // --no-sandbox: the tests run as root in CI; the page is our own, on loopback.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

after(async () => {
  if (browser) await browser.close();
  if (cluster) await cluster.stop();
});

async function newPage(viewport = { width: 1280, height: 860 }) {
  const page = await browser.newPage({ viewport });
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(err.message));
  // A Content-Security-Policy violation (an inline style or script) is an error too.
  page.on('console', (msg) => { if (/Content.Security.Policy/i.test(msg.text())) page.errors.push(msg.text()); });
  // Every URL the page asks for, to prove no key ever travels in one.
  page.requested = [];
  page.on('request', (req) => page.requested.push(req.url()));
  return page;
}

// Opens the console and signs in through the sign-in screen.
async function signIn(page, key = cluster.adminKey, project = '') {
  await page.goto(`${cluster.gatewayUrl}/`);
  await page.getByRole('heading', { name: 'Sign in to Gureum' }).waitFor();
  await page.getByLabel('API key').fill(key);
  if (project) await page.getByLabel(/^Project/).fill(project);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('console asks for an API key, keeps it in sessionStorage only and never in a URL', async () => {
  const page = await newPage();
  await page.goto(`${cluster.gatewayUrl}/`);
  await page.getByRole('heading', { name: 'Sign in to Gureum' }).waitFor();
  assert.equal(await page.locator('header.top').isVisible(), false);
  await page.screenshot({ path: join(ARTIFACTS, 'login.png'), fullPage: true });

  // A wrong key: the API's message on the sign-in screen, nothing stored.
  const keyId = cluster.adminKey.split(':')[0];
  await page.getByLabel('API key').fill(`${keyId}:wrong-secret`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const error = page.locator('#login-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /AuthFailure/);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await page.screenshot({ path: join(ARTIFACTS, 'login-wrong-key.png'), fullPage: true });

  await page.getByLabel('API key').fill(cluster.adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Instances' }).waitFor();
  await page.locator('#live.on').waitFor({ timeout: 10000 });
  assert.match(await page.locator('#identity').textContent(), /admin · default · admin/);
  const stored = await page.evaluate(() => ({
    session: Object.values(sessionStorage), local: Object.values(localStorage), cookie: document.cookie }));
  assert.ok(stored.session.includes(cluster.adminKey), 'the key is in sessionStorage');
  assert.ok(!stored.local.some((v) => v.includes(keyId)), 'the key is not in localStorage');
  assert.equal(stored.cookie, '');
  const secret = cluster.adminKey.split(':')[1];
  const leaked = page.requested.filter((u) => u.includes(secret) || u.includes(keyId) || u.includes(encodeURIComponent(cluster.adminKey)));
  assert.deepEqual(leaked, [], 'no requested URL carries the key');
  assert.ok(page.requested.some((u) => u.endsWith('/v1/events')), 'the event stream was requested');

  // Signing out forgets the key.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Gureum' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('console tells a reader that hosts need the admin role, and signs out on a revoked key', async () => {
  const user = await cluster.api('POST', '/v1/users', { userName: 'rita', projectId: 'default', role: 'reader' });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  const created = await cluster.api('POST', '/v1/access-keys', { userName: 'rita' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const key = `${created.body.accessKeyId}:${created.body.secretAccessKey}`;

  const page = await newPage();
  await signIn(page, key);
  await page.getByRole('heading', { name: 'Instances' }).waitFor();
  assert.match(await page.locator('#identity').textContent(), /rita · default · reader/);
  await page.getByRole('link', { name: 'Hosts' }).click();
  await page.locator('#needs-admin').waitFor();
  assert.match(await page.locator('#needs-admin').textContent(), /needs the admin role/);
  await page.screenshot({ path: join(ARTIFACTS, 'hosts-needs-admin.png'), fullPage: true });

  // The key is deactivated: the next call is a 401 and the console goes back
  // to the sign-in screen with the message.
  const off = await cluster.api('PATCH', `/v1/access-keys/${created.body.accessKeyId}`, { status: 'inactive' });
  assert.equal(off.status, 200, JSON.stringify(off.body));
  await page.getByRole('link', { name: 'Instances' }).click();
  await page.getByRole('heading', { name: 'Sign in to Gureum' }).waitFor();
  assert.match(await page.locator('#login-error').textContent(), /AuthFailure/);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('console launches 2 instances, shows them running live, reads console output and terminates one', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('heading', { name: 'Instances' }).waitFor();
  await page.locator('#live.on').waitFor({ timeout: 10000 });

  // The launch dialog shows the API's validation message next to the field at fault.
  await page.getByRole('button', { name: 'Launch instances' }).click();
  const dialog = page.getByRole('dialog', { name: 'Launch instances' });
  await dialog.waitFor();
  await page.getByLabel('Instance type').selectOption('g1.nano');
  await page.getByLabel('Count').fill('1000');
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  const error = page.locator('#launch-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /InvalidParameterValue: MinCount must be between 1 and/);
  assert.equal(await page.getByLabel('Count').getAttribute('aria-invalid'), 'true');

  await page.getByLabel('Count').fill('2');
  await page.getByLabel('Name tag').fill('browser-test');
  await page.getByLabel('Placement group').selectOption('web-spread');
  await page.getByLabel('User data').fill('#!/bin/sh\necho hello\n');
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  // No reload: the table follows the event stream until both are running.
  const rows = page.locator('#instances-table tbody tr[data-instance-id]');
  await page.waitForFunction(() =>
    document.querySelectorAll('#instances-table tr[data-state="running"]').length === 2, null, { timeout: 30000 });
  assert.equal(await rows.count(), 2);
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.instanceId));

  // Search filters the table.
  await page.getByLabel('Search').fill(ids[0]);
  assert.equal(await rows.count(), 1);
  await page.getByLabel('Search').fill('');
  await page.screenshot({ path: join(ARTIFACTS, 'instances-running.png'), fullPage: true });

  // Instance detail: properties, console output, events.
  await page.getByRole('link', { name: ids[0] }).click();
  await page.locator('#instance-props').getByText('browser-test', { exact: true }).waitFor();
  await page.locator('#instance-props').getByText('web-spread', { exact: true }).waitFor();
  await page.waitForFunction((id) =>
    document.querySelector('#console-output').textContent.includes(`GUREUM-INSTANCE-ID=${id}`), ids[0], { timeout: 15000 });
  await page.locator('#instance-events li').first().waitFor();

  // Terminate, with confirmation, and see it go.
  await page.getByRole('button', { name: 'Terminate' }).click();
  const confirm = page.getByRole('dialog', { name: `Terminate ${ids[0]}?` });
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Terminate' }).click();
  await page.locator('h1 .badge.terminated').waitFor({ timeout: 30000 });
  await page.locator('#instance-events li', { hasText: 'terminated' }).first().waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'instance-terminated.png'), fullPage: true });

  await page.getByRole('link', { name: 'Instances', exact: true }).first().click();
  await page.locator(`tr[data-instance-id="${ids[0]}"][data-state="terminated"]`).waitFor();
  await page.locator(`tr[data-instance-id="${ids[1]}"][data-state="running"]`).waitFor();
  await page.getByLabel('State', { exact: true }).selectOption('running');
  assert.equal(await rows.count(), 1);
  await page.screenshot({ path: join(ARTIFACTS, 'instances-after-terminate.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('console creates a key pair and shows its private key once, and shows hosts and quotas', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('heading', { name: 'Instances' }).waitFor();
  await page.getByRole('link', { name: 'Key pairs' }).click();
  await page.getByLabel('New key pair name').fill('console-key');
  await page.getByRole('button', { name: 'Create key pair' }).click();
  const dialog = page.getByRole('dialog', { name: 'Private key' });
  await dialog.waitFor();
  assert.match(await page.locator('#key-material').inputValue(), /^-----BEGIN/);
  const [download] = await Promise.all([page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Download' }).click()]);
  assert.equal(download.suggestedFilename(), 'console-key.pem');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelector('#key-material').value === '');
  await page.locator('tr[data-key-name="console-key"]').waitFor();

  // A duplicate name: the API's message is shown and the field marked.
  await page.getByLabel('New key pair name').fill('console-key');
  await page.getByRole('button', { name: 'Create key pair' }).click();
  await page.getByRole('alert').filter({ hasText: 'InvalidKeyPair.Duplicate' }).waitFor();

  await page.getByRole('link', { name: 'Hosts' }).click();
  await page.locator('tr[data-host-id]').nth(1).waitFor();
  assert.equal(await page.getByRole('progressbar').count() >= 6, true);

  await page.getByRole('link', { name: 'Quotas' }).click();
  await page.getByRole('heading', { name: 'Quotas' }).waitFor();

  // Phone-sized screen: the instances page still fits and works.
  const phone = await newPage({ width: 390, height: 844 });
  await signIn(phone);
  await phone.locator('#instances-table tr[data-instance-id]').first().waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'the page scrolls sideways on a phone');
  await phone.screenshot({ path: join(ARTIFACTS, 'instances-phone.png'), fullPage: true });
  assert.deepEqual([...page.errors, ...phone.errors], []);
  await phone.close();
  await page.close();
});
