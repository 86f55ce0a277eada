// Gureum console: a small single-page app over the gateway's REST API
// (/v1/...), with live updates from its Server-Sent Events (/v1/events).
// No framework: views are functions that build DOM nodes (never HTML strings
// from data), the hash is the route.
//
// Sign-in: the API key (ACCESS_KEY_ID:SECRET) is kept in sessionStorage (this
// tab only; never localStorage, a cookie or a URL) and sent as the
// X-Gureum-Api-Key header on every request, the event stream included (read
// with fetch, since EventSource cannot send headers). A 401 signs out.

const STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'];

// ---------- small helpers ----------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    // Through the CSSOM: the Content-Security-Policy refuses style attributes.
    else if (k === 'style') el.style.cssText = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (sel, root = document) => root.querySelector(sel);

class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || '';
    this.field = body.field || '';
    this.requestId = body.requestId || '';
  }
}

// ---------- session ----------

const KEY_ITEM = 'gureum.apiKey';
const PROJECT_ITEM = 'gureum.project';

const session = {
  get key() { return sessionStorage.getItem(KEY_ITEM) || ''; },
  get project() { return sessionStorage.getItem(PROJECT_ITEM) || ''; },
  save(key, project) {
    sessionStorage.setItem(KEY_ITEM, key);
    if (project) sessionStorage.setItem(PROJECT_ITEM, project); else sessionStorage.removeItem(PROJECT_ITEM);
  },
  clear() { sessionStorage.removeItem(KEY_ITEM); sessionStorage.removeItem(PROJECT_ITEM); },
  // The credential headers of every request.
  headers() {
    const h = {};
    if (this.key) h['X-Gureum-Api-Key'] = this.key;
    if (this.project) h['X-Gureum-Project'] = this.project;
    return h;
  },
};

async function api(method, path, body, headers = {}) {
  const init = { method, headers: { Accept: 'application/json', ...session.headers(), ...headers },
    credentials: 'omit', cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch { data = { message: text }; }
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (res.status === 401) signOut(errorText(err));
    throw err;
  }
  return data;
}

function toast(message) {
  const t = $('#toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 4000);
}

function errorText(err) {
  return err instanceof ApiError ? `${err.code || 'Error'}: ${err.message}` : String(err);
}

function badge(state) {
  return h('span', { class: `badge ${state}` }, state);
}

function time(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toLocaleString();
}

function nameTag(instance) {
  const tag = (instance.tags || []).find((t) => t.key === 'Name');
  return tag ? tag.value : '';
}

function decodeBase64(text) {
  const bytes = Uint8Array.from(atob(text || ''), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function encodeBase64(text) {
  const bytes = new TextEncoder().encode(text);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function bar(used, capacity, label) {
  const pct = capacity > 0 ? Math.min(100, (100 * used) / capacity) : 0;
  const cls = pct >= 100 ? 'bar full' : pct >= 80 ? 'bar high' : 'bar';
  return h('div', { class: 'meter' },
    h('span', {}, label),
    h('div', { class: cls, role: 'progressbar', 'aria-label': label,
      'aria-valuemin': '0', 'aria-valuemax': String(capacity), 'aria-valuenow': String(used) },
    h('span', { style: `width:${pct.toFixed(1)}%` })));
}

function table(headers, rows, empty) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {}, headers.map(([text, cls]) => h('th', { scope: 'col', class: cls }, text)))),
      h('tbody', {}, rows.length ? rows
        : h('tr', {}, h('td', { class: 'empty', colspan: String(headers.length) }, empty)))));
}

async function confirmAction(title, text, okLabel = 'Confirm') {
  const dialog = $('#confirm-dialog');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  $('#confirm-cancel').focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

// ---------- live events ----------

// Parses Server-Sent Events from a fetch() body: calls onEvent({id, event,
// data}) for each complete event and onRetry(ms) for a retry field. Returns
// when the body ends or `signal` aborts.
async function readEventStream(body, signal, onEvent, onRetry) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buffer = '';
  let data = [];
  let id = null;
  let type = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let nl;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (data.length) onEvent({ id, event: type || 'message', data: data.join('\n') });
        data = []; type = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let val = colon < 0 ? '' : line.slice(colon + 1);
      if (val.startsWith(' ')) val = val.slice(1);
      if (field === 'data') data.push(val);
      else if (field === 'id') id = val;
      else if (field === 'event') type = val;
      else if (field === 'retry' && /^\d+$/.test(val)) onRetry(Number(val));
    }
  }
}

// The live event stream: fetch() with the API key header (EventSource cannot
// send one), reconnecting after `retry` ms with Last-Event-ID so no event is
// missed or repeated.
const live = {
  listeners: new Set(),
  controller: null,
  lastEventId: '',
  retryMs: 2000,
  setStatus(text, on) { $('#live').textContent = text; $('#live').classList.toggle('on', on); },
  start() {
    this.stop();
    const controller = new AbortController();
    this.controller = controller;
    this.run(controller.signal);
  },
  stop() {
    if (this.controller) this.controller.abort();
    this.controller = null;
    this.setStatus('offline', false);
  },
  async run(signal) {
    while (!signal.aborted) {
      try {
        const headers = { Accept: 'text/event-stream', ...session.headers() };
        if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
        const res = await fetch('/v1/events', { headers, signal, credentials: 'omit', cache: 'no-store' });
        if (res.status === 401) {
          let body = {};
          try { body = await res.json(); } catch { /* not JSON */ }
          signOut(errorText(new ApiError(401, body)));
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        this.setStatus('live', true);
        await readEventStream(res.body, signal, (msg) => {
          if (msg.id !== null) this.lastEventId = msg.id;
          if (msg.event !== 'message') return;
          let event;
          try { event = JSON.parse(msg.data); } catch { return; }
          for (const fn of this.listeners) fn(event);
        }, (ms) => { this.retryMs = ms; });
      } catch (err) {
        if (signal.aborted) return;
      }
      if (signal.aborted) return;
      this.setStatus('reconnecting', false);
      await new Promise((resolve) => setTimeout(resolve, this.retryMs));
    }
  },
  subscribe(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); },
};

// Reads a finished SSE body (follow=false) into events.
async function pastEvents(resourceId) {
  const res = await fetch(`/v1/events?follow=false&resource_id=${encodeURIComponent(resourceId)}`,
    { headers: session.headers(), credentials: 'omit', cache: 'no-store' });
  if (!res.ok) return [];
  const text = await res.text();
  return text.split('\n\n').map((block) => block.split('\n').find((l) => l.startsWith('data: ')))
    .filter(Boolean).map((l) => JSON.parse(l.slice(6)));
}

function debounce(fn, ms) {
  let timer = null;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

// ---------- views ----------

let cleanup = [];
function onLeave(fn) { cleanup.push(fn); }

async function listAllInstances() {
  const all = [];
  let token = '';
  do {
    const q = new URLSearchParams({ max_results: '500' });
    if (token) q.set('next_token', token);
    const page = await api('GET', `/v1/instances?${q}`);
    all.push(...page.instances);
    token = page.nextToken;
  } while (token);
  return all;
}

async function instancesView(main) {
  const search = h('input', { id: 'instance-search', type: 'search', placeholder: 'id, name, IP, host, type…' });
  const stateFilter = h('select', { id: 'state-filter' },
    h('option', { value: '' }, 'All states'),
    STATES.map((s) => h('option', { value: s }, s)));
  const body = h('div', { id: 'instances-table' });
  main.append(
    h('h1', {}, 'Instances'),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field grow' }, h('label', { for: 'instance-search' }, 'Search'), search),
      h('div', { class: 'field' }, h('label', { for: 'state-filter' }, 'State'), stateFilter),
      h('button', { class: 'primary', id: 'launch-button', onclick: () => openLaunchDialog() }, 'Launch instances')),
    body);

  let instances = [];
  const render = () => {
    const q = search.value.trim().toLowerCase();
    const state = stateFilter.value;
    const shown = instances.filter((i) => (!state || i.state.name === state) &&
      (!q || [i.instanceId, nameTag(i), i.privateIpAddress, i.hostName, i.instanceType, i.imageId]
        .some((v) => (v || '').toLowerCase().includes(q))));
    const rows = shown.map((i) => h('tr', { dataset: { instanceId: i.instanceId, state: i.state.name } },
      h('td', {}, h('a', { href: `#/instances/${i.instanceId}` }, i.instanceId)),
      h('td', { class: 'state' }, badge(i.state.name)),
      h('td', {}, nameTag(i)),
      h('td', {}, i.instanceType),
      h('td', { class: 'wide' }, i.imageId),
      h('td', { class: 'wide' }, i.hostName),
      h('td', {}, i.privateIpAddress),
      h('td', { class: 'wide' }, time(i.launchTime))));
    body.replaceChildren(table(
      [['Instance'], ['State'], ['Name'], ['Type'], ['Image', 'wide'], ['Host', 'wide'], ['Private IP'], ['Launched', 'wide']],
      rows, instances.length ? 'No instance matches.' : 'No instances yet. Launch one.'));
  };
  const refresh = async () => {
    try { instances = await listAllInstances(); render(); } catch (err) { toast(errorText(err)); }
  };
  search.addEventListener('input', render);
  stateFilter.addEventListener('change', render);
  const later = debounce(refresh, 150);
  onLeave(live.subscribe((e) => { if (e.resourceType === 'instance') later(); }));
  await refresh();
}

async function instanceView(main, id) {
  const props = h('dl', { class: 'props', id: 'instance-props' });
  const actions = h('div', { class: 'actions' });
  const consoleOut = h('pre', { class: 'console', id: 'console-output', tabindex: '0', 'aria-label': 'Console output' }, 'Loading…');
  const events = h('ol', { class: 'events', id: 'instance-events', 'aria-label': 'Events' });
  const title = h('h1', {}, id);
  main.append(
    h('p', {}, h('a', { href: '#/instances' }, '← Instances')),
    title, actions, props,
    h('h2', {}, 'Console output ', h('button', { id: 'console-refresh', onclick: () => loadConsole() }, 'Refresh')),
    consoleOut,
    h('h2', {}, 'Events'), events);

  const act = async (verb, label, danger) => {
    const ok = await confirmAction(`${label} ${id}?`,
      danger ? 'The instance and its disks are deleted. This cannot be undone.' : `The instance will ${verb}.`, label);
    if (!ok) return;
    try {
      if (verb === 'terminate') await api('DELETE', `/v1/instances/${id}`);
      else await api('POST', `/v1/instances/${id}:${verb}`);
      toast(`${label}: ${id}`);
      await load();
    } catch (err) { toast(errorText(err)); }
  };

  const load = async () => {
    let i;
    try { i = await api('GET', `/v1/instances/${id}`); } catch (err) {
      props.replaceChildren(h('div', { class: 'error', role: 'alert' }, errorText(err)));
      return;
    }
    title.replaceChildren(i.instanceId, ' ', badge(i.state.name));
    const rows = [
      ['Name', nameTag(i)], ['State', i.state.name], ['State reason', i.stateReason?.message || i.stateReason?.code],
      ['Status', i.instanceStatus], ['Type', `${i.instanceType} (${i.vcpus} vCPU, ${i.memoryMib} MiB, ${i.rootDiskGib} GiB)`],
      ['Image', i.imageId], ['Key pair', i.keyName], ['Host', i.hostName],
      ['Zone', i.placement?.availabilityZone], ['Placement group', i.placement?.groupName],
      ['Private IP', i.privateIpAddress], ['MAC', i.macAddress], ['Launched', time(i.launchTime)],
      ['Reservation', i.reservationId], ['Tags', (i.tags || []).map((t) => `${t.key}=${t.value}`).join(', ')]];
    props.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]));
    const s = i.state.name;
    actions.replaceChildren(
      h('button', { id: 'action-stop', disabled: s !== 'running', onclick: () => act('stop', 'Stop') }, 'Stop'),
      h('button', { id: 'action-start', disabled: s !== 'stopped', onclick: () => act('start', 'Start') }, 'Start'),
      h('button', { id: 'action-reboot', disabled: s !== 'running', onclick: () => act('reboot', 'Reboot') }, 'Reboot'),
      h('button', { id: 'action-terminate', class: 'danger', disabled: s === 'terminated' || s === 'shutting-down',
        onclick: () => act('terminate', 'Terminate', true) }, 'Terminate'));
  };
  const loadConsole = async () => {
    try {
      const out = await api('GET', `/v1/instances/${id}/console`);
      consoleOut.textContent = decodeBase64(out.output) || '(no output yet)';
    } catch (err) { consoleOut.textContent = errorText(err); }
  };
  const addEvent = (e) => {
    events.prepend(h('li', {}, h('time', {}, time(e.time)),
      e.fromState || e.toState ? [badge(e.toState || e.fromState), ' '] : '', `${e.type}: ${e.message}`));
  };
  let lastSeq = 0;
  const later = debounce(() => { load(); loadConsole(); }, 150);
  onLeave(live.subscribe((e) => {
    if (e.resourceId !== id) return;
    if (Number(e.sequence) > lastSeq) { lastSeq = Number(e.sequence); addEvent(e); }
    later();
  }));
  await Promise.all([load(), loadConsole(), pastEvents(id).then((list) => {
    for (const e of list) { if (Number(e.sequence) > lastSeq) { lastSeq = Number(e.sequence); addEvent(e); } }
  }).catch(() => {})]);
}

async function imagesView(main) {
  main.append(h('h1', {}, 'Images'));
  const { images } = await api('GET', '/v1/images');
  main.append(table([['Image'], ['Name'], ['State'], ['Format'], ['Size', 'wide'], ['Created', 'wide']],
    images.map((i) => h('tr', { dataset: { imageId: i.imageId } },
      h('td', {}, i.imageId), h('td', {}, i.name), h('td', {}, badge(i.state)), h('td', {}, i.diskFormat),
      h('td', { class: 'wide' }, `${(Number(i.sizeBytes) / 1048576).toFixed(1)} MiB`),
      h('td', { class: 'wide' }, time(i.creationDate)))),
    'No images. Import one with `gureum import-image`.'));
}

async function keyPairsView(main) {
  const name = h('input', { id: 'key-name-input', required: true, maxlength: '255', autocomplete: 'off' });
  const type = h('select', { id: 'key-type-input' }, h('option', { value: 'ed25519' }, 'ed25519'), h('option', { value: 'rsa' }, 'rsa'));
  const error = h('div', { class: 'error', role: 'alert', hidden: true });
  const list = h('div');
  const form = h('form', { class: 'toolbar', id: 'key-create-form' },
    h('div', { class: 'field grow' }, h('label', { for: 'key-name-input' }, 'New key pair name'), name),
    h('div', { class: 'field' }, h('label', { for: 'key-type-input' }, 'Type'), type),
    h('button', { class: 'primary', type: 'submit' }, 'Create key pair'));
  main.append(h('h1', {}, 'Key pairs'), form, error, list);
  const refresh = async () => {
    const { keyPairs } = await api('GET', '/v1/key-pairs');
    list.replaceChildren(table([['Name'], ['Type'], ['Fingerprint', 'wide'], ['Created', 'wide'], ['']],
      keyPairs.map((k) => h('tr', { dataset: { keyName: k.keyName } },
        h('td', {}, k.keyName), h('td', {}, k.keyType), h('td', { class: 'wide' }, k.keyFingerprint),
        h('td', { class: 'wide' }, time(k.createTime)),
        h('td', {}, h('button', { 'aria-label': `Delete key pair ${k.keyName}`, onclick: async () => {
          if (!(await confirmAction(`Delete key pair ${k.keyName}?`, 'Instances launched with it keep it.', 'Delete'))) return;
          try { await api('DELETE', `/v1/key-pairs/${encodeURIComponent(k.keyName)}`); await refresh(); } catch (err) { toast(errorText(err)); }
        } }, 'Delete')))),
      'No key pairs yet.'));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    name.removeAttribute('aria-invalid');
    try {
      const key = await api('POST', '/v1/key-pairs', { keyName: name.value.trim(), keyType: type.value });
      showPrivateKey(key);
      name.value = '';
      await refresh();
    } catch (err) {
      error.textContent = errorText(err);
      error.hidden = false;
      name.setAttribute('aria-invalid', 'true');
      name.focus();
    }
  });
  await refresh();
}

function showPrivateKey(key) {
  const dialog = $('#key-dialog');
  $('#key-name').textContent = key.keyName;
  $('#key-material').value = key.keyMaterial;
  $('#key-download').onclick = () => {
    const url = URL.createObjectURL(new Blob([key.keyMaterial], { type: 'application/x-pem-file' }));
    const a = h('a', { href: url, download: `${key.keyName}.pem` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  // The key leaves the page when the dialog closes.
  dialog.addEventListener('close', () => { $('#key-material').value = ''; }, { once: true });
  dialog.showModal();
}

// What an admin-only view shows to a caller without the admin role.
function needsAdmin(main, what) {
  main.append(h('div', { class: 'notice', role: 'alert', id: 'needs-admin' },
    `${what} needs the admin role. You are signed in as ${identity.userName || 'a user'} with the `,
    `${identity.role || 'no'} role in project ${identity.projectId || '—'}.`));
}

async function hostsView(main) {
  main.append(h('h1', {}, 'Hosts'));
  let hosts;
  try { ({ hosts } = await api('GET', '/v1/hosts')); } catch (err) {
    if (err.status === 403) return needsAdmin(main, 'Viewing hosts');
    throw err;
  }
  main.append(table([['Host'], ['State'], ['Zone', 'wide'], ['vCPU'], ['Memory'], ['Disk', 'wide'], ['Instances']],
    hosts.map((x) => h('tr', { dataset: { hostId: x.hostId } },
      h('td', {}, x.name, h('div', { class: 'muted wide' }, x.hostId)),
      h('td', {}, badge(x.state), ' ', x.enabled ? '' : badge('disabled')),
      h('td', { class: 'wide' }, x.availabilityZone),
      h('td', {}, bar(x.allocatedVcpus, x.vcpuCapacity || x.vcpus, `${x.allocatedVcpus} / ${x.vcpuCapacity || x.vcpus} vCPU`)),
      h('td', {}, bar(Number(x.allocatedMemoryMib), x.memoryCapacityMib || Number(x.memoryMib),
        `${Number(x.allocatedMemoryMib)} / ${x.memoryCapacityMib || x.memoryMib} MiB`)),
      h('td', { class: 'wide' }, bar(Number(x.allocatedDiskGib), x.diskCapacityGib || Number(x.diskGib),
        `${Number(x.allocatedDiskGib)} / ${x.diskCapacityGib || x.diskGib} GiB`)),
      h('td', {}, x.instanceCount))),
    'No hosts have registered.'));
}

async function quotasView(main) {
  main.append(h('h1', {}, 'Quotas'));
  let quotas;
  try { ({ quotas } = await api('GET', '/v1/quotas')); } catch (err) {
    if (err.status === 403) return needsAdmin(main, 'Viewing these quotas');
    main.append(h('div', { class: 'error', role: 'alert' }, errorText(err)));
    return;
  }
  main.append(table([['Resource'], ['Usage'], ['Limit']],
    quotas.map((q) => {
      const limit = Number(q.limit);
      const usage = Number(q.usage);
      return h('tr', { dataset: { resource: q.resource } },
        h('td', {}, q.resource),
        h('td', {}, limit < 0 ? `${usage} (unlimited)` : bar(usage, limit, `${usage} of ${limit}`)),
        h('td', {}, limit < 0 ? 'unlimited' : String(limit)));
    }), 'No quotas.'));
}

// ---------- launch dialog ----------

async function openLaunchDialog() {
  const dialog = $('#launch-dialog');
  const form = $('#launch-form');
  const error = $('#launch-error');
  error.hidden = true;
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  // One key per opening: a double click or a retry launches once.
  form.dataset.idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  const fill = (select, items, none) => {
    const keep = select.value;
    select.replaceChildren(...(none ? [h('option', { value: '' }, none)] : []), ...items.map(([v, t]) => h('option', { value: v }, t)));
    if ([...select.options].some((o) => o.value === keep)) select.value = keep;
  };
  const [images, types, keys, groups] = await Promise.all([
    api('GET', '/v1/images').catch(() => ({ images: [] })),
    api('GET', '/v1/instance-types').catch(() => ({ instanceTypes: [] })),
    api('GET', '/v1/key-pairs').catch(() => ({ keyPairs: [] })),
    api('GET', '/v1/placement-groups').catch(() => ({ placementGroups: [] }))]);
  fill($('#launch-image'), images.images.filter((i) => i.state === 'available').map((i) => [i.imageId, `${i.name} (${i.imageId})`]));
  fill($('#launch-type'), types.instanceTypes.map((t) => [t.instanceType, `${t.instanceType} — ${t.vcpus} vCPU, ${t.memoryMib} MiB`]));
  fill($('#launch-key'), keys.keyPairs.map((k) => [k.keyName, k.keyName]), 'No key pair');
  fill($('#launch-group'), (groups.placementGroups || []).map((g) => [g.groupName, `${g.groupName} (${g.strategy})`]), 'None');
  dialog.showModal();
  $('#launch-image').focus();
}

function launchRequest(form) {
  const f = new FormData(form);
  const count = Number(f.get('count'));
  const tags = [];
  if (f.get('name').trim()) tags.push({ key: 'Name', value: f.get('name').trim() });
  for (const line of f.get('tags').split('\n')) {
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    tags.push(eq < 0 ? { key: line.trim(), value: '' } : { key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  const body = { imageId: f.get('imageId') || '', instanceType: f.get('instanceType') || '', minCount: count, maxCount: count, tags };
  if (f.get('keyName')) body.keyName = f.get('keyName');
  if (f.get('groupName')) body.placement = { groupName: f.get('groupName') };
  if (f.get('userData')) body.userData = encodeBase64(f.get('userData'));
  return body;
}

function setupLaunchDialog() {
  const dialog = $('#launch-dialog');
  const form = $('#launch-form');
  const error = $('#launch-error');
  $('#launch-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    const submit = $('#launch-submit');
    submit.disabled = true;
    try {
      const reply = await api('POST', '/v1/instances', launchRequest(form),
        { 'Idempotency-Key': form.dataset.idempotencyKey });
      dialog.close();
      toast(`Launched ${reply.instances.map((i) => i.instanceId).join(', ')}`);
    } catch (err) {
      // The API names the field at fault; mark the input that feeds it.
      error.textContent = errorText(err);
      error.hidden = false;
      const input = [...form.querySelectorAll('[data-field]')]
        .find((el) => err.field && el.dataset.field.split(' ').includes(err.field));
      if (input) { input.setAttribute('aria-invalid', 'true'); input.setAttribute('aria-describedby', 'launch-error'); input.focus(); }
      // A corrected request is a new request.
      form.dataset.idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    } finally {
      submit.disabled = false;
    }
  });
}

// ---------- router ----------

const VIEWS = { instances: instancesView, images: imagesView, 'key-pairs': keyPairsView, hosts: hostsView, quotas: quotasView };

async function route() {
  for (const fn of cleanup) fn();
  cleanup = [];
  const [, section = 'instances', id] = (location.hash || '#/instances').split('/');
  document.querySelectorAll('nav a').forEach((a) => {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  // A fresh container per visit: a slow view that finishes after the user
  // moved on writes into a detached node, not over the new page.
  const main = h('div', { class: 'view' });
  $('#main').replaceChildren(main);
  try {
    if (section === 'instances' && id) await instanceView(main, decodeURIComponent(id));
    else await (VIEWS[section] || instancesView)(main);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;  // back at the sign-in screen
    main.append(h('div', { class: 'error', role: 'alert' }, errorText(err)));
  }
}

// ---------- sign-in ----------

let identity = {};

function showApp(signedIn) {
  $('#login').hidden = signedIn;
  $('header.top').hidden = !signedIn;
  $('#main').hidden = !signedIn;
}

function signOut(message = '') {
  session.clear();
  identity = {};
  live.stop();
  live.lastEventId = '';
  for (const fn of cleanup) fn();
  cleanup = [];
  $('#main').replaceChildren();
  $('#identity').textContent = '';
  document.querySelectorAll('dialog[open]').forEach((d) => d.close());
  showApp(false);
  const error = $('#login-error');
  error.textContent = message;
  error.hidden = !message;
  $('#login-key').value = '';
  $('#login-key').focus();
}

// Checks the stored key with GET /v1/caller-identity and opens the console.
async function signIn() {
  identity = await api('GET', '/v1/caller-identity');
  $('#identity').textContent = `${identity.userName} · ${identity.projectId} · ${identity.role}`;
  $('#identity').title = `access key ${identity.accessKeyId}`;
  showApp(true);
  live.start();
  await route();
}

function setupLogin() {
  const form = $('#login-form');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const key = $('#login-key').value.trim();
    const project = $('#login-project').value.trim();
    const error = $('#login-error');
    if (!key) {
      error.textContent = 'Enter an API key.';
      error.hidden = false;
      return;
    }
    $('#login-submit').disabled = true;
    session.save(key, project);
    try {
      await signIn();
      $('#login-key').value = '';
    } catch (err) {
      // A 401 has already signed out with its message; anything else too.
      if (!(err instanceof ApiError && err.status === 401)) signOut(errorText(err));
    } finally {
      $('#login-submit').disabled = false;
    }
  });
  $('#logout').addEventListener('click', () => signOut('Signed out.'));
}

setupLaunchDialog();
setupLogin();
window.addEventListener('hashchange', () => {
  if (!session.key) return;
  route();
  $('#main').focus({ preventScroll: true });
});
if (session.key) signIn().catch((err) => { if (!(err instanceof ApiError && err.status === 401)) signOut(errorText(err)); });
else signOut();
