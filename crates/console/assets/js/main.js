// The console page: who is asking (an account, or an access key when the server checks
// signatures), which Region, and three views of that account's network — the topology,
// a trace, the subnet matrix — kept in the URL so that any view can be linked to.
//
// URL: /console?account=ACCOUNT&region=REGION[&view=trace|matrix][&select=ID]
//      [&from=ID&to=ID|IP&protocol=tcp|udp|icmp&port=N]

import { Api, AUTH_CODES, arr } from './api.js';
import { renderDetails } from './details.js';
import { download, exportSvg } from './export.js';
import { KINDS, kindWords } from './kinds.js';
import { layoutScene } from './layout.js';
import { startLive } from './live.js';
import { matrixTable, representatives, runMatrix } from './matrix.js';
import { loadModel, loadVpcDetails, locate } from './model.js';
import { renderTopology } from './render.js';
import { buildScene, stateWords } from './scene.js';
import { analyse, drawTrace, flowOf, flowWords, PROTOCOLS, renderResult, verdictOf } from './trace.js';
import { readTgwTable } from './tgw.js';
import { fill, h } from './ui.js';
import { Viewport } from './viewport.js';

const $ = (sel) => document.querySelector(sel);
const ACCOUNT = /^\d{12}$/;
const DEFAULT_ACCOUNT = '000000000000';
/** Beyond this many peerings, only those of the VPCs in focus are drawn. */
const MAX_LINKS = 1500;
const KEYS = 'openvpc.console.keys';
const RECENT = 'openvpc.console.accounts';

const state = {
  account: DEFAULT_ACCOUNT,
  region: '',
  mode: null, // 'accounts' (no --credentials) or 'keys'
  keys: null,
  api: null,
  regions: [],
  model: null,
  scene: null,
  layout: null,
  index: null,
  view: 'topology',
  selected: null,
  toggled: new Set(),
  flow: null,
  result: null,
  matrix: { vpcs: null, protocol: 'tcp', port: '443' },
  live: null,
  loads: 0,
  drawn: false,
};

const svg = $('#topology');
const side = $('#side');
const viewport = new Viewport(svg);

// --- Status, errors, the URL ---------------------------------------------------------------

function setStatus(text) {
  $('#status').textContent = text;
}

function notice(text, kind = 'error') {
  const el = $('#notice');
  if (!text) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  el.hidden = false;
  el.className = `notice ${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.replaceChildren(text);
}

function params() {
  const p = new URLSearchParams();
  if (state.mode !== 'keys') p.set('account', state.account);
  if (state.region) p.set('region', state.region);
  if (state.view !== 'topology') p.set('view', state.view);
  if (state.selected) p.set('select', state.selected);
  if (state.view === 'trace' && state.flow) {
    p.set('from', state.flow.from);
    p.set('to', state.flow.to);
    p.set('protocol', state.flow.protocol);
    if (state.flow.port) p.set('port', state.flow.port);
  }
  if (state.view === 'matrix') {
    for (const v of state.matrix.vpcs ?? []) p.append('vpc', v);
    p.set('protocol', state.matrix.protocol);
    if (state.matrix.port) p.set('port', state.matrix.port);
  }
  return p;
}

function syncUrl(push = false) {
  const url = `/console?${params()}`;
  if (url !== `${location.pathname}${location.search}`) history[push ? 'pushState' : 'replaceState'](null, '', url);
}

/** A link to the trace of a flow (in this account and Region). */
function traceLink(flow) {
  const p = new URLSearchParams();
  if (state.mode !== 'keys') p.set('account', state.account);
  p.set('region', state.region);
  p.set('view', 'trace');
  p.set('from', flow.from);
  p.set('to', flow.to);
  p.set('protocol', flow.protocol);
  if (flow.port) p.set('port', flow.port);
  return `/console?${p}`;
}

function readUrl() {
  const p = new URLSearchParams(location.search);
  const account = p.get('account');
  if (account && ACCOUNT.test(account)) state.account = account;
  else state.account = JSON.parse(localStorage.getItem(RECENT) || '[]')[0] || DEFAULT_ACCOUNT;
  state.region = p.get('region') || state.region;
  state.selected = p.get('select');
  state.flow = flowOf(p);
  const view = p.get('view');
  state.view = ['trace', 'matrix'].includes(view) ? view : state.flow ? 'trace' : 'topology';
  if (state.view === 'matrix') {
    const vpcs = p.getAll('vpc');
    state.matrix = {
      vpcs: vpcs.length ? vpcs : null,
      protocol: PROTOCOLS.includes(p.get('protocol')) ? p.get('protocol') : 'tcp',
      port: p.get('port') || '443',
    };
  }
}

// --- Who and where -----------------------------------------------------------------------

function makeApi(region = state.region) {
  const keys = state.mode === 'keys' ? state.keys : { accessKeyId: state.account, secretAccessKey: 'openvpc-console' };
  return new Api({ ...keys, region: region || 'us-east-1' });
}

/** Without --credentials any signature passes and the key id is the account; with them, a
 * made-up key is refused the AWS way (AuthFailure): then the page asks for a key. */
async function probeMode() {
  const api = makeApi();
  try {
    const r = await api.call('DescribeRegions');
    state.regions = arr(r.regionInfo).map((x) => x.regionName);
    return 'accounts';
  } catch (e) {
    if (AUTH_CODES.has(e.code)) return 'keys';
    throw e;
  }
}

function recentAccounts() {
  return JSON.parse(localStorage.getItem(RECENT) || '[]');
}

function remember(account) {
  const list = [account, ...recentAccounts().filter((a) => a !== account)].slice(0, 12);
  localStorage.setItem(RECENT, JSON.stringify(list));
}

/** Accounts worth offering: recent ones and those this account's network names. */
function knownAccounts() {
  const seen = new Set(recentAccounts());
  for (const p of state.model?.list('pcx') ?? []) {
    seen.add(p.raw.requesterVpcInfo?.ownerId);
    seen.add(p.raw.accepterVpcInfo?.ownerId);
  }
  seen.delete(undefined);
  return [...seen].filter((a) => ACCOUNT.test(a)).sort();
}

function renderWho() {
  const who = $('#who');
  if (state.mode === 'keys') {
    who.replaceChildren(
      h('span', { class: 'key' }, 'Key ', h('span', { class: 'mono' }, state.keys.accessKeyId)),
      h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'),
    );
  } else {
    const input = h('input', {
      id: 'account',
      name: 'account',
      value: state.account,
      inputmode: 'numeric',
      pattern: '\\d{12}',
      maxlength: 12,
      size: 13,
      list: 'accounts',
      'aria-describedby': 'account-help',
      class: 'mono',
    });
    input.addEventListener('change', () => {
      const v = input.value.trim();
      if (!ACCOUNT.test(v)) {
        notice('An account id is 12 digits.');
        return;
      }
      notice('');
      state.account = v;
      state.selected = null;
      remember(v);
      connect();
    });
    who.replaceChildren(
      h('label', { for: 'account' }, 'Account '),
      input,
      h('datalist', { id: 'accounts' }, knownAccounts().map((a) => h('option', { value: a }))),
      h('span', { id: 'account-help', class: 'sr-only' }, '12-digit account id; the server maps unsigned keys to accounts'),
    );
  }
  const select = $('#region');
  select.replaceChildren(...(state.regions.length ? state.regions : [state.region]).map((r) => h('option', { value: r, selected: r === state.region }, r)));
}

function signOut() {
  sessionStorage.removeItem(KEYS);
  state.keys = null;
  state.live?.stop();
  showLogin();
}

function showLogin(message) {
  document.body.dataset.state = 'login';
  $('#who').replaceChildren();
  const region = h('input', { id: 'login-region', name: 'region', value: state.region || 'us-east-1', list: 'login-regions', required: true });
  const form = h(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Sign in with an access key'),
    h('p', {}, 'This server checks signatures (it runs with --credentials). Enter a key from its credentials file. The key is kept in this tab only and is used to sign every request here, in the browser.'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('label', {}, 'Access key ID', h('input', { id: 'login-key', name: 'key', required: true, autocomplete: 'username', class: 'mono' })),
    h('label', {}, 'Secret access key', h('input', { id: 'login-secret', name: 'secret', type: 'password', required: true, autocomplete: 'current-password', class: 'mono' })),
    h('label', {}, 'Region', region),
    h('datalist', { id: 'login-regions' }, ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1'].map((r) => h('option', { value: r }))),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    state.keys = { accessKeyId: $('#login-key').value.trim(), secretAccessKey: $('#login-secret').value };
    state.region = region.value.trim();
    sessionStorage.setItem(KEYS, JSON.stringify(state.keys));
    connect();
  });
  side.replaceChildren(form);
  svg.replaceChildren();
  $('#login-key').focus();
}

// --- Reading and drawing -------------------------------------------------------------------

async function connect() {
  state.live?.stop();
  state.api = makeApi();
  state.drawn = false;
  state.result = null;
  document.body.dataset.state = 'loading';
  setStatus('Reading…');
  try {
    // The regions the server serves (already known when the page has just asked for them).
    if (!state.regions.length || state.mode === 'keys') {
      const r = await state.api.call('DescribeRegions');
      state.regions = arr(r.regionInfo).map((x) => x.regionName);
    }
    if (!state.region) state.region = state.regions.includes('us-east-1') ? 'us-east-1' : state.regions[0];
    if (state.mode === 'accounts') remember(state.account);
    await reload();
  } catch (e) {
    if (state.mode === 'keys' && AUTH_CODES.has(e.code)) {
      sessionStorage.removeItem(KEYS);
      showLogin(`The server refused this key: ${e.message}`);
      return;
    }
    document.body.dataset.state = 'error';
    setStatus('');
    notice(`Cannot read this account: ${e.message}`);
    return;
  }
  renderWho();
  showView(state.view, { initial: true });
  state.live = startLive(state.api, onChange, (text, ok) => {
    $('#live').textContent = ok ? 'live' : text;
    $('#live').className = ok ? 'live ok' : 'live paused';
  });
}

async function reload() {
  const started = performance.now();
  const open = state.model?.large ? [...state.model.detailsLoaded] : [];
  const model = await loadModel(state.api, state.account, state.region, open);
  state.model = model;
  draw();
  state.loads++;
  const ms = Math.round(performance.now() - started);
  setStatus(`${model.list('vpc').length} VPCs · read in ${ms} ms`);
  document.body.dataset.state = 'ready';
  document.body.dataset.loads = String(state.loads);
  document.body.dataset.loadMs = String(ms);
  const notes = [];
  if (model.errors.length) notes.push(`Some reads failed: ${model.errors.join('; ')}`);
  notice(notes.join(' '));
}

function isCollapsed(vpcId) {
  return state.model.large ? !state.toggled.has(vpcId) : state.toggled.has(vpcId);
}

/** The VPCs in focus (their peerings are drawn when there are too many to draw all). */
function focusVpcs() {
  const set = new Set([...state.toggled].filter((v) => state.model.large));
  const sel = state.selected && state.model.get(state.selected);
  if (sel) sel.vpcs.forEach((v) => set.add(v));
  if (sel?.kind === 'vpc') set.add(sel.id);
  return set;
}

function draw() {
  const model = state.model;
  const t0 = performance.now();
  state.scene = buildScene(model, isCollapsed);
  const t1 = performance.now();
  state.layout = layoutScene(state.scene, { fixedOrder: model.large });
  const t2 = performance.now();
  const peerings = state.layout.links.filter((l) => l.kind === 'pcx').length;
  const focus = peerings > MAX_LINKS ? focusVpcs() : null;
  const showLink = focus ? (l) => l.kind !== 'pcx' || [l.from, l.to].some((k) => focus.has(k)) : () => true;
  state.index = renderTopology(svg, state.layout, { onToggle: toggleVpc, showLink });
  state.timings = { ...model.timings, scene: Math.round(t1 - t0), layout: Math.round(t2 - t1), render: Math.round(performance.now() - t2) };
  viewport.setContent(state.layout.width, state.layout.height);
  if (!state.drawn) {
    viewport.fit();
    state.drawn = true;
  } else {
    viewport.apply();
  }
  const legend = [];
  if (state.index.hiddenLinks) legend.push(`${state.index.hiddenLinks} of ${peerings} peering connections hidden: select or open a VPC to see its own.`);
  if (model.large) legend.push(`${model.list('vpc').length} VPCs: open one (+), select it or find it by id to read its subnets, instances, tables and peerings.`);
  if (model.skipped.length) legend.push(`Not served by this server yet: ${model.skipped.map((k) => KINDS[k].label + 's').join(', ')}.`);
  $('#legend-note').textContent = legend.join(' ');
  highlightSelection();
  if (state.result) overlay();
}

async function toggleVpc(vpcId) {
  if (state.toggled.has(vpcId)) state.toggled.delete(vpcId);
  else state.toggled.add(vpcId);
  if (!isCollapsed(vpcId) && state.model.large) {
    setStatus(`Reading ${vpcId}…`);
    await loadVpcDetails(state.api, state.model, vpcId);
    setStatus('');
  }
  draw();
  const el = state.index.byKey.get(vpcId)?.querySelector('.toggle');
  el?.focus();
}

function setAll(collapsed) {
  const vpcs = state.model.list('vpc').map((v) => v.id);
  state.toggled = new Set(state.model.large !== collapsed ? vpcs : []);
  if (state.model.large && !collapsed && vpcs.length > 50) {
    notice('Opening more than 50 VPCs at once is slow: open them one by one, or find one by id or Name.', 'info');
    state.toggled = new Set();
  }
  draw();
}

function highlightSelection() {
  for (const el of svg.querySelectorAll('.selected')) el.classList.remove('selected');
  if (!state.selected || !state.index) return;
  for (const el of state.index.byId.get(state.selected) ?? []) el.classList.add('selected');
}

// --- Selection and details --------------------------------------------------------------------

const prefixListCache = new Map();

async function prefixLists(ids) {
  const missing = ids.filter((id) => !prefixListCache.has(id));
  if (missing.length) {
    const aws = await state.api.all('DescribePrefixLists', {}, (r) => r.prefixListSet).catch(() => []);
    for (const p of aws) prefixListCache.set(p.prefixListId, arr(p.cidrSet));
    for (const id of missing.filter((m) => !prefixListCache.has(m))) {
      const entries = await state.api.all('GetManagedPrefixListEntries', { PrefixListId: id }, (r) => r.entrySet).catch(() => []);
      prefixListCache.set(id, entries.map((e) => e.cidr));
    }
  }
  return new Map(ids.map((id) => [id, prefixListCache.get(id) ?? []]));
}

function traceButtons(id) {
  return h(
    'p',
    { class: 'actions' },
    h('button', { type: 'button', onclick: () => startTrace({ from: id }) }, 'Trace from here'),
    ' ',
    h('button', { type: 'button', onclick: () => startTrace({ to: id }) }, 'Trace to here'),
  );
}

function detailsContext() {
  return {
    model: state.model,
    pick: (id) => select(id, { center: true }),
    traceButtons,
    prefixLists,
    tgwTable: (id) => readTgwTable(state.api, id),
    describeService: async (name) => {
      const r = await state.api.call('DescribeVpcEndpointServices', { 'ServiceName.1': name });
      return arr(r.serviceDetailSet)[0] ?? null;
    },
  };
}

function detailsTarget() {
  if (state.view === 'topology') return side;
  let el = $('#picked');
  if (!el) return null;
  el.hidden = false;
  return el.querySelector('.picked-body');
}

async function showDetails(id) {
  const target = detailsTarget();
  if (!target) return;
  renderDetails(target, id, detailsContext());
  const item = state.model.get(id);
  const vpc = item?.vpc;
  if (vpc && !state.model.hasDetails(vpc)) {
    await loadVpcDetails(state.api, state.model, vpc);
    if (state.selected === id) renderDetails(target, id, detailsContext());
  }
}

/** Finds the node of an id, opening its VPC if it is drawn collapsed. */
async function reveal(id) {
  const item = state.model.get(id);
  const vpc = item?.kind !== 'vpc' ? item?.vpc : null;
  if (vpc && isCollapsed(vpc) && !state.scene.visible.has(id)) await toggleVpc(vpc);
  const key = state.scene.visible.get(id)?.[0];
  return key ? state.layout.nodes.get(key) : null;
}

async function select(id, { center = false } = {}) {
  state.selected = id;
  syncUrl();
  if (!id) {
    highlightSelection();
    if (state.view === 'topology') renderOverview();
    return;
  }
  if (!state.model.get(id) && !state.scene.visible.has(id)) await locate(state.api, state.model, id);
  const node = center ? await reveal(id) : null;
  if (state.model.large && state.index.hiddenLinks) draw();
  highlightSelection();
  if (node) viewport.show(node, 1);
  else if (center) {
    const link = state.layout.links.find((l) => l.id === id);
    if (link) viewport.show({ x: link.mid[0] - 150, y: link.mid[1] - 100, w: 300, h: 200 }, 1);
  }
  await showDetails(id);
}

function renderOverview() {
  const m = state.model;
  const count = (k) => m.list(k).length;
  side.replaceChildren(
    h('h2', {}, 'This account'),
    h(
      'p',
      {},
      `${state.mode === 'keys' ? `Key ${state.keys.accessKeyId}` : `Account ${state.account}`} in ${state.region}: ${count('vpc')} VPCs, ${m.large ? 'subnets and peering connections read per VPC' : `${count('subnet')} subnets, ${count('pcx')} peering connections`}, ${count('vpce')} endpoints.`,
    ),
    h('p', {}, 'Select anything on the drawing (or Tab to it and press Enter) to see its details. Drag to pan, scroll or + and − to zoom, 0 to fit.'),
    h(
      'ul',
      { class: 'legend-list' },
      [
        ['active', 'active: carries traffic'],
        ['pending-acceptance', 'pending acceptance, provisioning: not yet'],
        ['failed', 'failed, rejected, expired, deleted: never'],
      ].map(([s, text]) => h('li', {}, h('span', { class: `swatch state-${s}`, 'aria-hidden': 'true' }), text)),
    ),
  );
}

// --- Views ----------------------------------------------------------------------------------------

function showView(view, { initial = false } = {}) {
  if (!state.model) return;
  state.view = view;
  for (const b of document.querySelectorAll('[data-view]')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
  const matrix = view === 'matrix';
  $('#matrix-view').hidden = !matrix;
  svg.toggleAttribute('hidden', matrix);
  $('.tools').hidden = matrix;
  if (view !== 'trace' && state.result) {
    state.result = null;
    state.index.traceLayer.replaceChildren();
    for (const el of svg.querySelectorAll('.on-path')) el.classList.remove('on-path');
  }
  if (view === 'topology') {
    if (state.selected) select(state.selected, { center: initial });
    else renderOverview();
  } else if (view === 'trace') {
    renderTraceForm();
    if (state.flow?.from && state.flow?.to && (initial || !state.result)) runTrace(state.flow);
    if (state.selected) showDetails(state.selected);
  } else {
    renderMatrixForm();
  }
  syncUrl(!initial);
}

// --- Trace ----------------------------------------------------------------------------------------

function endpointsList() {
  const m = state.model;
  const opts = [
    ...m.list('instance').map((x) => [x.id, `${x.name || 'instance'} ${x.address ?? ''}`]),
    ...m.list('eni').filter((x) => x.place === 'subnet').map((x) => [x.id, `interface ${x.address ?? ''}`]),
    ...m.list('vpce').filter((x) => x.raw.vpcEndpointType === 'Interface').map((x) => [x.id, `interface endpoint ${x.name}`]),
    ...m.list('igw').map((x) => [x.id, 'internet gateway']),
  ];
  return h('datalist', { id: 'trace-endpoints' }, opts.map(([v, label]) => h('option', { value: v }, label)));
}

function renderTraceForm() {
  const f = state.flow ?? { from: '', to: '', protocol: 'tcp', port: '443' };
  const input = (id, label, value, extra = {}) =>
    h('label', { for: id }, label, h('input', { id, name: id, value: value ?? '', class: 'mono', autocomplete: 'off', ...extra }));
  const form = h(
    'form',
    { class: 'trace-form', 'aria-labelledby': 'trace-title' },
    h('h2', { id: 'trace-title' }, 'Trace a flow'),
    input('trace-from', 'From (instance, interface or endpoint id)', f.from, { list: 'trace-endpoints', required: true }),
    input('trace-to', 'To (an id, or an IP address)', f.to, { list: 'trace-endpoints', required: true }),
    h(
      'div',
      { class: 'row' },
      h('label', { for: 'trace-protocol' }, 'Protocol', h('select', { id: 'trace-protocol' }, PROTOCOLS.map((p) => h('option', { value: p, selected: p === f.protocol }, p)))),
      input('trace-port', 'Port', f.port, { inputmode: 'numeric', size: 6 }),
      h('button', { type: 'submit', class: 'primary' }, 'Trace'),
    ),
    endpointsList(),
    h('p', { class: 'muted' }, 'Runs a Network Insights analysis (the Reachability Analyzer API) of both directions.'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const protocol = $('#trace-protocol').value;
    const flow = { from: $('#trace-from').value.trim(), to: $('#trace-to').value.trim(), protocol, port: protocol === 'icmp' ? '' : $('#trace-port').value.trim() };
    state.flow = flow;
    syncUrl(true);
    runTrace(flow);
  });
  const picked = h(
    'section',
    { id: 'picked', class: 'picked', hidden: true, 'aria-label': 'Selected component' },
    h('button', { type: 'button', class: 'link close', onclick: () => ($('#picked').hidden = true) }, 'Close details'),
    h('div', { class: 'picked-body' }),
  );
  side.replaceChildren(form, h('div', { id: 'trace-result', class: 'trace-result' }), picked);
}

function startTrace(partial) {
  state.flow = { from: '', to: '', protocol: 'tcp', port: '443', ...(state.flow ?? {}), ...partial };
  state.view = 'trace';
  showView('trace');
  $(partial.from ? '#trace-to' : '#trace-from').focus();
}

function overlay() {
  if (!state.result || !state.index) return;
  for (const el of svg.querySelectorAll('.on-path')) el.classList.remove('on-path');
  const ids = drawTrace(state.index.traceLayer, state.result, { layout: state.layout, model: state.model, visible: state.scene.visible });
  for (const id of ids) for (const el of state.index.byId.get(id) ?? []) el.classList.add('on-path');
}

async function runTrace(flow, { quiet = false } = {}) {
  const out = $('#trace-result');
  if (!out) return;
  document.body.dataset.trace = 'running';
  if (!quiet) out.replaceChildren(h('p', { class: 'muted', 'aria-busy': 'true' }, `Analysing ${flowWords(flow)}…`));
  try {
    const previous = state.result;
    const result = await analyse(state.api, flow);
    if (state.flow !== flow && !quiet) return;
    state.result = result;
    // A re-run after a change replaces the page's previous analysis of the same flow.
    if (quiet && previous && previous.analysis.networkInsightsAnalysisId !== result.analysis.networkInsightsAnalysisId) {
      state.api.call('DeleteNetworkInsightsAnalysis', { NetworkInsightsAnalysisId: previous.analysis.networkInsightsAnalysisId }).catch(() => {});
    }
    // Open the VPCs the path goes through, so that its hops are drawn where they are.
    const vpcs = new Set();
    for (const hop of [...arr(result.analysis.forwardPathComponentSet), ...arr(result.analysis.returnPathComponentSet)]) {
      if (hop.vpc?.id && state.model.get(hop.vpc.id)) vpcs.add(hop.vpc.id);
    }
    let redraw = false;
    for (const v of vpcs) {
      if (isCollapsed(v) && state.model.large) {
        state.toggled.add(v);
        await loadVpcDetails(state.api, state.model, v);
        redraw = true;
      }
    }
    if (redraw) draw();
    renderResult(out, result, {
      onPick: (id) => select(id, { center: true }),
      link: traceLink(flow),
      label: (id) => state.model.get(id)?.label ?? kindWords(id),
    });
    overlay();
    if (!quiet) {
      const box = state.index.traceLayer.getBBox();
      if (box.width || box.height) viewport.show({ x: box.x, y: box.y, w: box.width, h: box.height }, 1);
    }
    document.body.dataset.trace = 'done';
  } catch (e) {
    out.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The analysis failed: ${e.message}`));
    document.body.dataset.trace = 'error';
  }
}

// --- Matrix ---------------------------------------------------------------------------------------

let matrixRun = 0;

function renderMatrixForm() {
  const m = state.model;
  const vpcs = m.list('vpc');
  const chosen = new Set(state.matrix.vpcs ?? (m.large ? [] : vpcs.map((v) => v.id)));
  const boxes = vpcs.slice(0, 400).map((v) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', value: v.id, checked: chosen.has(v.id) }), ` ${v.name || v.id} `, h('span', { class: 'mono muted' }, v.name ? v.id : '')),
  );
  const form = h(
    'form',
    { class: 'matrix-form', 'aria-labelledby': 'matrix-title' },
    h('h2', { id: 'matrix-title' }, 'Which subnets reach which'),
    h('fieldset', {}, h('legend', {}, 'VPCs'), h('div', { class: 'checks' }, boxes)),
    h(
      'div',
      { class: 'row' },
      h('label', { for: 'matrix-protocol' }, 'Protocol', h('select', { id: 'matrix-protocol' }, PROTOCOLS.map((p) => h('option', { value: p, selected: p === state.matrix.protocol }, p)))),
      h('label', { for: 'matrix-port' }, 'Port', h('input', { id: 'matrix-port', value: state.matrix.port, size: 6, inputmode: 'numeric' })),
      h('button', { type: 'submit', class: 'primary' }, 'Decide'),
    ),
    h('p', { class: 'muted' }, 'One Network Insights analysis per ordered pair of subnets; each subnet stands for itself by its lowest-id workload interface.'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    state.matrix = {
      vpcs: [...form.querySelectorAll('input[type=checkbox]:checked')].map((c) => c.value),
      protocol: $('#matrix-protocol').value,
      port: $('#matrix-port').value.trim(),
    };
    syncUrl();
    decideMatrix();
  });
  side.replaceChildren(form);
  $('#matrix-view').replaceChildren(h('p', { class: 'muted' }, 'Choose VPCs and a port, then Decide.'));
  if (state.matrix.vpcs || !m.large) decideMatrix();
}

async function decideMatrix() {
  const run = ++matrixRun;
  const { protocol, port } = state.matrix;
  const vpcs = state.matrix.vpcs ?? state.model.list('vpc').map((v) => v.id);
  const view = $('#matrix-view');
  document.body.dataset.matrix = 'running';
  for (const v of vpcs) await loadVpcDetails(state.api, state.model, v);
  const rows = representatives(state.model, vpcs);
  const decided = rows.filter((r) => r.eni);
  const skipped = rows.filter((r) => !r.eni);
  if (decided.length < 2) {
    view.replaceChildren(h('p', {}, 'Fewer than two of these subnets have a workload interface: nothing to decide.'));
    document.body.dataset.matrix = 'done';
    return;
  }
  const { grid, legend, set } = matrixTable(decided, { protocol, port, link: traceLink });
  const progress = h('p', { class: 'muted', role: 'status' }, 'Deciding…');
  fill(
    view,
    progress,
    grid,
    legend,
    skipped.length ? h('p', { class: 'muted' }, `Skipped (no workload interface): ${skipped.map((r) => r.subnet.id).join(', ')}`) : null,
  );
  let done = 0;
  const total = decided.length * (decided.length - 1);
  await runMatrix(state.api, decided, {
    protocol,
    port,
    stop: () => run !== matrixRun,
    onCell: (i, j, cell) => {
      if (run !== matrixRun) return;
      set(i, j, cell);
      done++;
      progress.textContent = `${done} of ${total} flows decided`;
    },
  });
  if (run === matrixRun) document.body.dataset.matrix = 'done';
}

// --- Search -----------------------------------------------------------------------------------------

function searchMatches(q) {
  const query = q.trim().toLowerCase();
  if (!query) return [];
  const out = [];
  for (const item of state.model.items.values()) {
    if (item.id.toLowerCase().includes(query) || (item.name && item.name.toLowerCase().includes(query))) {
      out.push(item);
      if (out.length >= 20) break;
    }
  }
  out.sort((a, b) => (b.id.toLowerCase().startsWith(query) ? 1 : 0) - (a.id.toLowerCase().startsWith(query) ? 1 : 0));
  return out;
}

function setupSearch() {
  const input = $('#search');
  const list = $('#search-results');
  let matches = [];
  let active = -1;
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };
  const choose = (item) => {
    close();
    input.value = item.id;
    if (state.view === 'matrix') showView('topology');
    select(item.id, { center: true });
  };
  const paint = () => {
    list.replaceChildren(
      ...matches.map((m, i) =>
        h(
          'li',
          { id: `search-${i}`, role: 'option', 'aria-selected': String(i === active), onmousedown: (e) => (e.preventDefault(), choose(m)) },
          h('span', { class: 'mono' }, m.id),
          ' ',
          h('span', { class: 'muted' }, `${m.label}${m.name ? ` · ${m.name}` : ''}`),
        ),
      ),
    );
    list.hidden = matches.length === 0;
    input.setAttribute('aria-expanded', String(matches.length > 0));
    if (active >= 0) input.setAttribute('aria-activedescendant', `search-${active}`);
  };
  input.addEventListener('input', () => {
    matches = state.model ? searchMatches(input.value) : [];
    active = matches.length ? 0 : -1;
    paint();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!matches.length) return;
      active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
      paint();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (matches[active]) choose(matches[active]);
      else if (state.model) {
        // An id this page has not read (a large account reads VPC details on demand).
        const id = input.value.trim();
        setStatus(`Looking for ${id}…`);
        locate(state.api, state.model, id).then((item) => {
          setStatus(item ? `found ${id}` : `${id}: not found in this account and Region`);
          if (item) choose(item);
        });
      }
    } else if (e.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', close);
}

// --- Live -----------------------------------------------------------------------------------------

async function onChange() {
  await reload();
  renderWho();
  if (state.view === 'trace' && state.flow && state.result) await runTrace(state.flow, { quiet: true });
  else if (state.view === 'topology' && state.selected) await showDetails(state.selected);
  else if (state.view === 'topology') renderOverview();
  if (state.view === 'matrix' && document.body.dataset.matrix === 'done') {
    const stale = $('#matrix-stale') ?? h('p', { id: 'matrix-stale', class: 'notice info', role: 'status' }, 'The network changed since this matrix was decided: Decide again to refresh it.');
    $('#matrix-view').prepend(stale);
  }
}

// --- Wiring -----------------------------------------------------------------------------------------

function wire() {
  for (const b of document.querySelectorAll('[data-view]')) b.addEventListener('click', () => showView(b.dataset.view));
  $('#region').addEventListener('change', (e) => {
    state.region = e.target.value;
    state.selected = null;
    state.toggled = new Set();
    connect();
  });
  $('#scope').addEventListener('submit', (e) => e.preventDefault());
  const act = {
    in: () => viewport.zoom(1.25),
    out: () => viewport.zoom(0.8),
    fit: () => viewport.fit(),
  };
  for (const b of document.querySelectorAll('[data-zoom]')) b.addEventListener('click', () => act[b.dataset.zoom]());
  $('[data-act=collapse-all]').addEventListener('click', () => setAll(true));
  $('[data-act=expand-all]').addEventListener('click', () => setAll(false));
  $('[data-act=export]').addEventListener('click', async () => download('openvpc-topology.svg', await exportPicture()));
  const activate = (e) => {
    const el = e.target.closest('[data-key]');
    if (!el || e.target.closest('[data-toggle]')) return;
    select(el.dataset.id);
  };
  svg.addEventListener('click', activate);
  svg.addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ' ') && e.target.closest('[data-key]') && e.target !== svg) {
      e.preventDefault();
      activate(e);
    } else if (['+', '=', '-', '0'].includes(e.key) && e.target !== svg) {
      viewport.key({ ...e, target: svg, preventDefault: () => e.preventDefault() });
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && !['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement?.tagName)) {
      e.preventDefault();
      $('#search').focus();
    } else if (e.key === 'Escape' && state.selected && document.activeElement?.tagName !== 'INPUT') {
      select(null);
    }
  });
  window.addEventListener('popstate', () => {
    readUrl();
    if (state.model) showView(state.view, { initial: true });
  });
  window.addEventListener('resize', () => viewport.apply());
  setupSearch();
}

/** The drawing as SVG text, captioned with the trace when one is shown. */
async function exportPicture({ box } = {}) {
  const caption = [];
  if (state.result) {
    const a = state.result.analysis;
    caption.push(`${flowWords(state.result.flow)}: ${verdictOf(state.result).word}`);
    for (const e of arr(a.explanationSet)) caption.push(`${e.explanationCode} at ${e.component?.id ?? ''}`);
  }
  return exportSvg(svg, { box, caption });
}

// For the browser test and the picture script: the state, and the drawing as SVG.
window.openvpcConsole = { state, exportPicture, stateWords, zoom: (f) => viewport.zoom(f) };

async function main() {
  wire();
  readUrl();
  const stored = sessionStorage.getItem(KEYS);
  try {
    if (stored) {
      state.mode = 'keys';
      state.keys = JSON.parse(stored);
    } else {
      state.mode = await probeMode();
    }
  } catch (e) {
    document.body.dataset.state = 'error';
    notice(`The server did not answer: ${e.message}`);
    return;
  }
  if (state.mode === 'keys' && !state.keys) showLogin();
  else await connect();
}

main();
