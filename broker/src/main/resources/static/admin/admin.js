// Herald's dashboard: reads the admin API once a second (overview and the newest
// seconds of history) and every two seconds (tables). Plain ES module, uPlot from WebJars.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';

const API = '/api/v1/admin';
const KEEP_SECONDS = 300;
const PAGE_SIZE = 20;

const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? n : decimal.format(n)} ${units[i]}`;
}

function millis(ms) {
  if (ms == null) return '–';
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${decimal.format(ms)} ms`;
}

function ago(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return `${decimal.format(seconds / 3600)} h ago`;
}

async function get(path) {
  const response = await fetch(API + path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

// ---- charts ----

const palette = { a: '#1f5fbf', b: '#c2410c', c: '#7c3aed', bad: '#b42318' };

function chart(target, series, { bars = false } = {}) {
  const element = $(target);
  const plot = new uPlot({
    width: element.clientWidth || 480,
    height: 200,
    series: [{}, ...series.map((s) => ({
      label: s.label, stroke: s.color, width: 2, spanGaps: false,
      fill: bars ? s.color + '55' : undefined,
      paths: bars ? uPlot.paths.bars({ size: [0.8, 8] }) : undefined,
      value: (u, v) => (v == null ? '–' : decimal.format(v)),
    }))],
    axes: [{}, { size: 56, values: (u, ticks) => ticks.map((t) => compact.format(t)) }],
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    legend: { live: true },
  }, [[], ...series.map(() => [])], element);
  new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 200 })).observe(element);
  return plot;
}

const charts = {
  connections: chart('chart-connections', [{ label: 'sessions', color: palette.a }]),
  messages: chart('chart-messages', [{ label: 'in', color: palette.a }, { label: 'out', color: palette.b }]),
  latency: chart('chart-latency', [{ label: 'p50', color: palette.a }, { label: 'p99', color: palette.c }]),
  slow: chart('chart-slow', [{ label: 'slow consumers', color: palette.bad }], { bars: true }),
};

const timeline = { at: [], sessions: [], in: [], out: [], p50: [], p99: [], slow: [] };
let lastSecond = null;

function addSeconds(seconds) {
  for (const s of seconds) {
    timeline.at.push(Date.parse(s.at) / 1000);
    timeline.sessions.push(s.sessions);
    timeline.in.push(s.publishedPerSecond);
    timeline.out.push(s.deliveredPerSecond);
    timeline.p50.push(s.latencyP50Millis);
    timeline.p99.push(s.latencyP99Millis);
    timeline.slow.push(s.slowConsumers);
    lastSecond = s.at;
  }
  const extra = timeline.at.length - KEEP_SECONDS;
  if (extra > 0) for (const key of Object.keys(timeline)) timeline[key].splice(0, extra);
  charts.connections.setData([timeline.at, timeline.sessions]);
  charts.messages.setData([timeline.at, timeline.in, timeline.out]);
  charts.latency.setData([timeline.at, timeline.p50, timeline.p99]);
  charts.slow.setData([timeline.at, timeline.slow]);
}

// ---- tiles ----

function showOverview(o) {
  $('node').textContent = `node ${o.nodeId}`;
  $('build').textContent = `version ${o.version} · up ${ago(o.startedAt).replace(' ago', '')}`;
  $('tile-connections').textContent = number.format(o.sessions);
  $('tile-transports').textContent = Object.entries(o.connections).map(([k, v]) => `${k} ${number.format(v)}`).join(' · ') || 'none open';
  $('tile-in').textContent = number.format(o.rates.publishedPerSecond);
  $('tile-in-minute').textContent = `${number.format(o.rates.publishedPerSecondOverAMinute)} /s over a minute`;
  $('tile-out').textContent = number.format(o.rates.deliveredPerSecond);
  $('tile-out-minute').textContent = `${number.format(o.rates.deliveredPerSecondOverAMinute)} /s over a minute`;
  $('tile-p99').textContent = millis(o.rates.latencyP99Millis);
  $('tile-p50').textContent = `p50 ${millis(o.rates.latencyP50Millis)} · max ${millis(o.rates.latencyMaxMillis)}`;
  $('tile-slow').textContent = number.format(o.slowConsumers);
  $('tile-memory').textContent = `${decimal.format(100 * o.memory.usedBytes / Math.max(1, o.memory.maxBytes))} %`;
  $('tile-heap').textContent = `${bytes(o.memory.usedBytes)} of ${bytes(o.memory.maxBytes)}${o.memory.alarm ? ' · ALARM' : ''} · heap ${bytes(o.jvm.heapUsedBytes)}`;
  showCluster(o.cluster);
}

// the link to the other nodes: a node alone, linked through RabbitMQ, or cut off (and why)
function showCluster(c) {
  const alone = c.mode === 'none';
  $('tile-cluster').textContent = alone ? 'single node' : (c.connected ? 'linked' : 'DOWN');
  $('cluster').classList.toggle('down', !alone && !c.connected);
  const traffic = `${number.format(c.patterns)} bound · ${number.format(c.published)} up · ${number.format(c.received)} in · ${number.format(c.dropped)} dropped`;
  $('tile-cluster-detail').textContent = alone ? 'no backplane' : (c.connected ? traffic : `${c.detail} · ${traffic}`);
  $('tile-cluster-detail').title = c.detail;
}

// ---- tables ----

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function fill(row, fraction) {
  const td = row.insertCell();
  const bar = document.createElement('span');
  bar.className = fraction > 0.5 ? 'fill high' : 'fill';
  bar.setAttribute('role', 'meter');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
  bar.setAttribute('aria-label', 'outbound buffer fill');
  bar.title = `${decimal.format(fraction * 100)} % of the outbound buffer`;
  const inner = document.createElement('span');
  inner.style.width = `${Math.max(2, fraction * 100)}%`;
  bar.append(inner);
  td.append(bar);
}

function replaceRows(table, rows) {
  const body = $(table).tBodies[0];
  body.replaceChildren();
  for (const add of rows) add(body.insertRow());
}

async function refreshDestinations() {
  const page = await get(`/destinations?sort=deliveredPerSecond&order=desc&size=10`);
  replaceRows('destinations', page.items.map((d) => (row) => {
    cell(row, d.name);
    cell(row, d.kind.toLowerCase());
    cell(row, number.format(d.subscribers), 'num');
    cell(row, number.format(d.publishedPerSecond), 'num');
    cell(row, number.format(d.deliveredPerSecond), 'num');
    cell(row, d.kind === 'QUEUE' ? number.format(d.depth) : '–', 'num');
    cell(row, d.kind === 'QUEUE' ? number.format(d.unacked) : '–', 'num');
  }));
}

const sessionsView = { q: '', page: 0, total: 0, asked: 0 };

async function refreshSessions() {
  const q = sessionsView.q ? `&q=${encodeURIComponent(sessionsView.q)}` : '';
  const asked = ++sessionsView.asked;
  const page = await get(`/sessions?sort=openedAt&order=desc&size=${PAGE_SIZE}&page=${sessionsView.page}${q}`);
  if (asked !== sessionsView.asked) return; // a newer search or page was asked for meanwhile
  sessionsView.total = page.total;
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  $('sessions-count').textContent = `${number.format(page.total)} ${sessionsView.q ? 'matching' : 'open'}`;
  $('sessions-page').textContent = `page ${page.page + 1} of ${pages}`;
  $('sessions-prev').disabled = page.page === 0;
  $('sessions-next').disabled = page.page + 1 >= pages;
  replaceRows('sessions', page.items.map((s) => (row) => {
    row.dataset.session = s.id;
    cell(row, s.id);
    cell(row, s.user ?? '(connecting)');
    cell(row, s.remoteAddress);
    cell(row, `${s.transport}${s.version ? ' · ' + s.version : ''}`);
    cell(row, ago(s.openedAt));
    cell(row, number.format(s.subscriptions), 'num');
    cell(row, bytes(s.traffic.bytesIn), 'num');
    cell(row, bytes(s.traffic.bytesOut), 'num');
    fill(row, s.outboundFill);
    cell(row, ago(s.lastReceivedAt));
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'danger';
    button.textContent = 'Disconnect';
    button.setAttribute('aria-label', `Disconnect session ${s.id} of ${s.user ?? 'an unconnected client'}`);
    button.addEventListener('click', () => disconnect(s, button));
    row.insertCell().append(button);
  }));
}

async function disconnect(session, button) {
  if (!confirm(`Disconnect ${session.user ?? session.id} (${session.remoteAddress})? The client gets an ERROR frame.`)) return;
  button.disabled = true;
  const reason = encodeURIComponent('ended from the dashboard');
  // the header proves the call comes from this page, not from another site's form
  const response = await fetch(`${API}/sessions/${encodeURIComponent(session.id)}?reason=${reason}`,
    { method: 'DELETE', headers: { 'X-Requested-With': 'herald-dashboard' } });
  if (!response.ok && response.status !== 404) {
    button.disabled = false;
    alert(`Could not disconnect: HTTP ${response.status}`);
    return;
  }
  await Promise.all([refreshSessions(), refreshCloses()]);
}

async function refreshCloses() {
  const closes = await get('/closes?limit=15');
  replaceRows('closes', closes.map((c) => (row) => {
    cell(row, new Date(c.at).toLocaleTimeString());
    cell(row, c.id);
    cell(row, c.user ?? '–');
    cell(row, c.remoteAddress);
    cell(row, c.reason, 'reason');
    cell(row, c.message ?? '', 'wrap');
  }));
}

$('sessions-search').addEventListener('submit', (event) => event.preventDefault());
$('search').addEventListener('input', (event) => {
  sessionsView.q = event.target.value.trim();
  sessionsView.page = 0;
  refreshSessions().catch(stale);
});
$('sessions-prev').addEventListener('click', () => { sessionsView.page--; refreshSessions().catch(stale); });
$('sessions-next').addEventListener('click', () => { sessionsView.page++; refreshSessions().catch(stale); });

// ---- polling ----

function live() {
  $('state').textContent = 'live';
  $('state').className = 'state live';
}

function stale(error) {
  $('state').textContent = `not updating: ${error.message}`;
  $('state').className = 'state stale';
}

async function everySecond() {
  const since = lastSecond ? `?since=${encodeURIComponent(lastSecond)}` : '';
  const [overview, seconds] = await Promise.all([get('/overview'), get(`/history${since}`)]);
  showOverview(overview);
  addSeconds(seconds);
  live();
}

async function everyTwoSeconds() {
  await Promise.all([refreshDestinations(), refreshSessions(), refreshCloses()]);
}

function loop(task, millis) {
  const run = () => task().catch(stale).finally(() => setTimeout(run, millis));
  run();
}

loop(everySecond, 1000);
loop(everyTwoSeconds, 2000);
