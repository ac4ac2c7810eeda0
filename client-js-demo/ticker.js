// Live prices from /topic/prices.*: one wildcard subscription, or one per chosen symbol.
import uPlot from '/webjars/uplot/dist/uPlot.esm.js';
import { connect, showState } from './stomp-connection.js';

const $ = (id) => document.getElementById(id);
const POINTS = 60;
const rows = new Map(); // symbol -> { row, cells, prices, times, plot, ticks }
let subscriptions = [];
let received = 0;
let latencies = [];

const client = connect({
  onConnect: subscribe,
  onState: showState($('status')),
  // the refusal stays on screen across the reconnect, until the user acts again
  onRefusal: (message) => { $('alert').textContent = `The broker refused: ${message}`; },
});

function subscribe() {
  // after a reconnect the old subscriptions are gone with the old connection
  subscriptions = [];
  const mode = new FormData($('choose')).get('mode');
  const destinations = mode === 'all' ? ['/topic/prices.*']
    : $('symbols').value.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean).map((s) => `/topic/prices.${s}`);
  for (const destination of destinations) subscriptions.push(client.subscribe(destination, onTick));
}

$('choose').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!client.connected) return;
  subscriptions.forEach((subscription) => subscription.unsubscribe());
  rows.clear();
  $('prices').tBodies[0].replaceChildren();
  subscribe();
});

$('publish').addEventListener('submit', (event) => {
  event.preventDefault();
  $('alert').textContent = '';
  const symbol = $('publish-symbol').value.trim().toUpperCase();
  const price = Number($('publish-price').value);
  client.publish({ destination: `/topic/prices.${symbol}`, headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ symbol, price, change: 0, timestamp: Date.now() }) });
});

function onTick(message) {
  const tick = JSON.parse(message.body);
  received++;
  latencies.push(Date.now() - tick.timestamp);
  const entry = rows.get(tick.symbol) ?? addRow(tick.symbol);
  const previous = entry.prices.at(-1);
  entry.prices.push(tick.price);
  entry.times.push(tick.timestamp / 1000);
  if (entry.prices.length > POINTS) { entry.prices.shift(); entry.times.shift(); }
  entry.ticks++;
  // a retained value (x-herald-retained, where the broker retains prices) is the last known
  // price, shown at once when the page subscribes: no flash for it
  const live = message.headers['x-herald-retained'] !== 'true';
  entry.cells.price.textContent = tick.price.toFixed(2);
  entry.cells.change.textContent = `${tick.change >= 0 ? '+' : ''}${tick.change.toFixed(2)}`;
  entry.cells.change.className = `num ${tick.change >= 0 ? 'up' : 'down'}`;
  entry.cells.ticks.textContent = entry.ticks;
  if (live && previous !== undefined && previous !== tick.price) {
    entry.row.classList.remove('flash-up', 'flash-down');
    void entry.row.offsetWidth; // restart the animation
    entry.row.classList.add(tick.price > previous ? 'flash-up' : 'flash-down');
  }
  entry.dirty = true;
}

function addRow(symbol) {
  const body = $('prices').tBodies[0];
  const row = document.createElement('tr');
  row.dataset.symbol = symbol;
  const cell = (className) => { const td = row.insertCell(); if (className) td.className = className; return td; };
  cell().textContent = symbol;
  const cells = { price: cell('num price'), change: cell('num'), spark: cell(), ticks: cell('num') };
  const sorted = [...body.rows].find((other) => other.dataset.symbol > symbol);
  body.insertBefore(row, sorted ?? null);
  const entry = { row, cells, prices: [], times: [], ticks: 0, dirty: false };
  entry.plot = new uPlot({
    width: 140, height: 32, legend: { show: false }, cursor: { show: false },
    axes: [{ show: false }, { show: false }], scales: { x: { time: false } },
    series: [{}, { stroke: '#1d5bbf', width: 1.5, points: { show: false } }],
  }, [[], []], cells.spark);
  cells.spark.firstChild.setAttribute('aria-hidden', 'true');
  rows.set(symbol, entry);
  $('count').textContent = rows.size;
  return entry;
}

// redraw the sparklines a few times a second, not on every tick
setInterval(() => {
  for (const entry of rows.values()) {
    if (entry.dirty) { entry.plot.setData([entry.times, entry.prices]); entry.dirty = false; }
  }
}, 250);

setInterval(() => {
  $('rate').textContent = received;
  received = 0;
  if (latencies.length) {
    latencies.sort((a, b) => a - b);
    $('latency').textContent = `${latencies[Math.floor(latencies.length / 2)]} ms median`;
  }
  latencies = [];
}, 1000);
