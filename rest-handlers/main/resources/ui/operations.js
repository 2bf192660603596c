// The operations page: what each node's ingest, models, inference pools, queries and breakers did over time. On open it
// reads the history every node keeps (GET /_plugins/_multimodal/stats?history=true), then asks every sampling interval
// for the samples taken since (&history_after=). Samples hold cumulative counters and gauges; rates are taken here
// between consecutive samples. Chart.js (chart.umd.min.js) draws; ui-common.js has the REST call and DOM helpers.
import {callApi, colorAt, el, showError} from './ui-common.js';

const STATS_PATH = '/_plugins/_multimodal/stats';
const CLUSTER = '_cluster';

const ops = {
  nodes: new Map(), // node id -> {name, samples (oldest first), keeps: false when the node keeps no history}
  interval: 10000, // the nodes' sampling interval, ms
  size: 360, // samples a node keeps
  memory: 0, // bytes the largest node's history holds
  cards: [], // {spec, card, chart}
  timer: null,
  updates: 0,
};

// ---------------------------------------------------------------- reading samples

function at(tree, path) {
  let value = tree;
  for (const key of path) {
    if (value === null || value === undefined) return undefined;
    value = value[key];
  }
  return value;
}

const numberOrNull = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

// Every key of the map at `path` in any sample (models, processors, fusions ... appear when first used).
function keysOf(samples, path) {
  const keys = new Set();
  for (const sample of samples) for (const key of Object.keys(at(sample, path) || {})) keys.add(key);
  return [...keys].sort();
}

// A counter's increase per second between consecutive samples; a counter not there yet (a model, a processor or a
// failure reason not seen so far) counts as 0, one that went down (the node restarted) leaves a gap.
function rate(samples, path) {
  const points = [];
  for (let i = 1; i < samples.length; i++) {
    const now = numberOrNull(at(samples[i], path)) ?? 0;
    const before = numberOrNull(at(samples[i - 1], path)) ?? 0;
    const seconds = (samples[i].timestamp - samples[i - 1].timestamp) / 1000;
    const y = seconds > 0 && now >= before ? (now - before) / seconds : null;
    points.push({x: samples[i].timestamp, y});
  }
  return points;
}

function gauge(samples, path) {
  return samples.map((sample) => ({x: sample.timestamp, y: numberOrNull(at(sample, path))}));
}

// A percentile of the interval that ends at each sample, where the counter at `countPath` moved (else a gap: nothing
// was timed, which is not a latency of zero).
function latency(samples, countPath, percentilePath) {
  const points = [];
  for (let i = 1; i < samples.length; i++) {
    const timed = (numberOrNull(at(samples[i], countPath)) || 0) - (numberOrNull(at(samples[i - 1], countPath)) || 0);
    points.push({x: samples[i].timestamp, y: timed > 0 ? numberOrNull(at(samples[i], percentilePath)) : null});
  }
  return points;
}

// p50 (solid) and p99 (dashed) of one timed thing, in one colour.
function percentiles(samples, name, countPath, latencyPath) {
  return ['p50', 'p99'].map((p) => ({
    label: `${name} ${p}`, color: name, dashed: p === 'p99', points: latency(samples, countPath, [...latencyPath, p]),
  }));
}

function breakerUse(samples, name) {
  return samples.map((sample) => {
    const breaker = at(sample, ['breakers', name]) || {};
    const limit = numberOrNull(breaker.limit_size_in_bytes);
    const used = numberOrNull(breaker.estimated_size_in_bytes);
    return {x: sample.timestamp, y: limit !== null && limit > 0 && used !== null ? (100 * used) / limit : null};
  });
}

// ---------------------------------------------------------------- what is charted

// combine: how the cluster view joins the nodes' series of one label: 'sum' (rates, gauges) or 'max' (latencies, %).
const CHARTS = [
  {
    group: 'Ingest', id: 'ingest-embedded', title: 'Documents embedded / s', note: 'by ingest processor', unit: 'docs/s', combine: 'sum',
    series: (s) => keysOf(s, ['ingest', 'documents_embedded']).map((p) => ({label: p, points: rate(s, ['ingest', 'documents_embedded', p])})),
  },
  {
    group: 'Ingest', id: 'ingest-failed', title: 'Documents failed / s', note: 'by processor and reason (status, exception)', unit: 'docs/s', combine: 'sum',
    series: (s) => keysOf(s, ['ingest', 'documents_failed']).map((r) => ({label: r, points: rate(s, ['ingest', 'documents_failed', r])})),
  },
  {
    group: 'Models', id: 'model-calls', title: 'Inference calls / s', note: 'forward passes, by model', unit: 'calls/s', combine: 'sum',
    series: (s) => keysOf(s, ['models']).map((m) => ({label: m, points: rate(s, ['models', m, 'inference_calls'])})),
  },
  {
    group: 'Models', id: 'model-items', title: 'Items encoded / s', note: 'texts or images, by model', unit: 'items/s', combine: 'sum',
    series: (s) => keysOf(s, ['models']).map((m) => ({label: m, points: rate(s, ['models', m, 'items'])})),
  },
  {
    group: 'Models', id: 'model-latency', title: 'Inference latency (ms)', note: 'p50 (solid) and p99 (dashed) of each interval\'s forward passes',
    unit: 'ms', combine: 'max',
    series: (s) => keysOf(s, ['models']).flatMap((m) => percentiles(s, m, ['models', m, 'inference_calls'], ['models', m, 'latency_ms'])),
  },
  {
    group: 'Inference pools', id: 'pool-queue', title: 'Queued and active tasks', note: 'waiting in each pool\'s queue (solid), running (dashed)',
    unit: 'tasks', combine: 'sum',
    series: (s) => keysOf(s, ['inference_pools']).flatMap((p) => [
      {label: `${p} queue`, color: p, points: gauge(s, ['inference_pools', p, 'queue'])},
      {label: `${p} active`, color: p, dashed: true, points: gauge(s, ['inference_pools', p, 'active'])},
    ]),
  },
  {
    group: 'Inference pools', id: 'pool-rejected', title: 'Rejections / s', note: 'tasks refused by a full queue (the caller gets a 429)',
    unit: 'tasks/s', combine: 'sum',
    series: (s) => keysOf(s, ['inference_pools']).map((p) => ({label: p, color: p, points: rate(s, ['inference_pools', p, 'rejected'])})),
  },
  {
    group: 'Inference pools', id: 'pool-wait', title: 'Queue wait (ms)', note: 'p50 (solid) and p99 (dashed) of how long each interval\'s tasks waited',
    unit: 'ms', combine: 'max',
    series: (s) => keysOf(s, ['inference_pools'])
      .flatMap((p) => percentiles(s, p, ['inference_pools', p, 'wait', 'count'], ['inference_pools', p, 'wait', 'latency_ms'])),
  },
  {
    group: 'Queries', id: 'queries', title: 'Fused queries / s', note: 'by fusion, counted per shard (each shard fuses its own pool)',
    unit: 'shard queries/s', combine: 'sum',
    series: (s) => keysOf(s, ['queries', 'by_fusion']).map((f) => ({label: f, color: f, points: rate(s, ['queries', 'by_fusion', f])})),
  },
  {
    group: 'Queries', id: 'query-latency', title: 'Retrieval and fusion latency (ms)',
    note: 'per shard: the retrievers\' top k, scoring the pool, fusing; p50 (solid), p99 (dashed)', unit: 'ms', combine: 'max',
    series: (s) => keysOf(s, ['queries', 'latency_by_fusion'])
      .flatMap((f) => percentiles(s, f, ['queries', 'latency_by_fusion', f, 'count'], ['queries', 'latency_by_fusion', f, 'latency_ms'])),
  },
  {
    group: 'GQR', id: 'gqr-rate', title: 'GQR runs and steps / s', note: 'query refinements per shard, and their gradient steps', unit: 'per s',
    combine: 'sum',
    series: (s) => [
      {label: 'runs', points: rate(s, ['queries', 'gqr', 'count'])},
      {label: 'steps', points: rate(s, ['queries', 'gqr', 'steps'])},
    ],
  },
  {
    group: 'GQR', id: 'gqr-latency', title: 'GQR time (ms)', note: 'p50 (solid) and p99 (dashed) of each refinement', unit: 'ms', combine: 'max',
    series: (s) => percentiles(s, 'gqr', ['queries', 'gqr', 'count'], ['queries', 'gqr', 'latency_ms']),
  },
  {
    group: 'Rescorer', id: 'rescore-rate', title: 'Late-interaction rescores / s', note: 'shard windows rescored, and the documents in them',
    unit: 'per s', combine: 'sum',
    series: (s) => [
      {label: 'windows', points: rate(s, ['queries', 'late_interaction_rescore', 'count'])},
      {label: 'documents', points: rate(s, ['queries', 'late_interaction_rescore', 'documents_rescored'])},
    ],
  },
  {
    group: 'Rescorer', id: 'rescore-latency', title: 'Rescore time (ms)', note: 'p50 (solid) and p99 (dashed) of each window\'s MaxSim',
    unit: 'ms', combine: 'max',
    series: (s) => percentiles(s, 'rescore', ['queries', 'late_interaction_rescore', 'count'], ['queries', 'late_interaction_rescore', 'latency_ms']),
  },
  {
    group: 'Breakers', id: 'breaker-use', title: 'Circuit breakers: % of limit', note: 'OpenSearch\'s own breakers on the node: estimated / limit',
    unit: '%', combine: 'max',
    series: (s) => keysOf(s, ['breakers']).map((b) => ({label: b, color: b, points: breakerUse(s, b)})),
  },
  {
    group: 'Breakers', id: 'breaker-trips', title: 'Breaker trips / s', note: 'requests a breaker refused', unit: 'trips/s', combine: 'sum',
    series: (s) => keysOf(s, ['breakers']).map((b) => ({label: b, color: b, points: rate(s, ['breakers', b, 'tripped'])})),
  },
];

// The cluster's series: each label's points of every node, joined per sampling interval.
function combineNodes(perNode, how) {
  const byLabel = new Map();
  for (const series of perNode.flat()) {
    const joined = byLabel.get(series.label) || {...series, buckets: new Map()};
    for (const point of series.points) {
      if (point.y === null) continue;
      const bucket = Math.round(point.x / ops.interval) * ops.interval;
      const before = joined.buckets.get(bucket);
      joined.buckets.set(bucket, before === undefined ? point.y : how === 'max' ? Math.max(before, point.y) : before + point.y);
    }
    byLabel.set(series.label, joined);
  }
  return [...byLabel.values()].map(({buckets, ...series}) => ({
    ...series,
    points: [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([x, y]) => ({x, y})),
  }));
}

// ---------------------------------------------------------------- charts

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false});
}

function chartConfig(spec) {
  return {
    type: 'line',
    data: {datasets: []},
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: {mode: 'nearest', axis: 'x', intersect: false},
      elements: {line: {borderWidth: 1.6, tension: 0}, point: {radius: 0, hitRadius: 6}},
      scales: {
        x: {type: 'linear', ticks: {callback: clock, maxTicksLimit: 6, maxRotation: 0}, grid: {display: false}},
        y: {beginAtZero: true, suggestedMax: spec.unit === '%' ? 100 : undefined, title: {display: true, text: spec.unit}, ticks: {maxTicksLimit: 5}},
      },
      plugins: {
        legend: {position: 'bottom', labels: {boxWidth: 12, font: {size: 11}}},
        tooltip: {callbacks: {title: (items) => (items.length > 0 ? clock(items[0].parsed.x) : '')}},
      },
    },
  };
}

function buildCards() {
  const main = document.getElementById('groups');
  const groups = new Map();
  for (const spec of CHARTS) {
    if (!groups.has(spec.group)) {
      const grid = el('div', {class: 'charts'});
      main.append(el('section', {class: 'group'}, el('h2', {text: spec.group}), grid));
      groups.set(spec.group, grid);
    }
    const canvas = el('canvas', {role: 'img', 'aria-label': spec.title});
    const empty = el('p', {class: 'empty', text: 'Nothing recorded in this window.'});
    const card = el('section', {class: 'chart-card', 'data-chart': spec.id},
      el('h3', {text: spec.title}), el('p', {class: 'note', text: spec.note}), el('div', {class: 'chart-box'}, canvas), empty);
    groups.get(spec.group).append(card);
    ops.cards.push({spec, card, empty, chart: new Chart(canvas, chartConfig(spec))});
  }
}

function shownNodes() {
  const scope = document.getElementById('scope').value;
  return scope === CLUSTER ? [...ops.nodes.values()] : [ops.nodes.get(scope)].filter(Boolean);
}

function refresh() {
  const nodes = shownNodes();
  const newest = Math.max(0, ...nodes.map((node) => (node.samples.length > 0 ? node.samples[node.samples.length - 1].timestamp : 0)));
  const span = Number(document.getElementById('window').value);
  const oldest = Math.min(newest, ...nodes.map((node) => (node.samples[0] || {timestamp: newest}).timestamp));
  const start = span > 0 ? Math.max(newest - span, oldest) : oldest; // no empty stretch before the nodes' first sample
  for (const {spec, card, empty, chart} of ops.cards) {
    const perNode = nodes.map((node) => spec.series(node.samples));
    const series = perNode.length === 1 ? perNode[0] : combineNodes(perNode, spec.combine);
    const colors = [...new Set(series.map((s) => s.color || s.label))];
    let points = 0;
    let highest = 0;
    chart.data.datasets = series.map((s) => {
      const data = s.points.filter((point) => point.x >= start);
      const shown = data.filter((point) => point.y !== null);
      points += shown.length;
      highest = Math.max(highest, ...shown.map((point) => point.y));
      const color = colorAt(colors.indexOf(s.color || s.label));
      return {
        label: s.label, data, borderColor: color, backgroundColor: color, borderDash: s.dashed ? [5, 4] : [],
        pointRadius: shown.length < 3 ? 2 : 0, spanGaps: false,
      };
    });
    chart.options.scales.x.min = start;
    chart.options.scales.x.max = newest;
    chart.update('none');
    card.dataset.points = String(points);
    card.dataset.series = String(series.length);
    card.dataset.max = String(highest);
    empty.hidden = points > 0;
  }
  const samples = nodes.reduce((n, node) => n + node.samples.length, 0);
  document.body.dataset.samples = String(samples);
  document.body.dataset.updates = String(++ops.updates);
  describeStatus(nodes, newest);
}

function describeStatus(nodes, newest) {
  const keeping = nodes.filter((node) => node.keeps);
  const parts = [`${nodes.length} node${nodes.length === 1 ? '' : 's'}`];
  if (keeping.length > 0) {
    const each = Math.max(...keeping.map((node) => node.samples.length));
    parts.push(`${each} samples each, one every ${ops.interval / 1000} s (up to ${ops.size}, ${Math.round(ops.memory / 1024)} KB a node)`);
  }
  if (newest > 0) parts.push(`newest ${clock(newest)}`);
  const silent = nodes.filter((node) => !node.keeps).map((node) => node.name);
  if (silent.length > 0) parts.push(`keeping no history: ${silent.join(', ')} (plugins.multimodal.stats.history.size: 0)`);
  document.getElementById('status').textContent = parts.join(' · ');
}

// ---------------------------------------------------------------- fetching

async function load(after) {
  const path = after === undefined ? `${STATS_PATH}?history=true` : `${STATS_PATH}?history=true&history_after=${after}`;
  const {json} = await callApi('GET', path);
  for (const [id, node] of Object.entries(json.nodes || {})) {
    const entry = ops.nodes.get(id) || {name: node.name, samples: [], keeps: true};
    const history = node.history;
    entry.keeps = Boolean(history && history.size > 0);
    if (history) {
      ops.interval = history.interval_in_millis || ops.interval;
      ops.size = history.size;
      ops.memory = Math.max(ops.memory, history.memory_in_bytes || 0);
      const last = entry.samples.length > 0 ? entry.samples[entry.samples.length - 1].timestamp : -Infinity;
      entry.samples.push(...(history.samples || []).filter((sample) => sample.timestamp > last));
      if (entry.samples.length > history.size) entry.samples.splice(0, entry.samples.length - history.size);
    }
    ops.nodes.set(id, entry);
  }
  const failures = (json._nodes && json._nodes.failures) || [];
  showError(document.getElementById('page-error'), failures.length === 0 ? ''
    : `${failures.length} node(s) did not answer: ${failures.map((f) => (f.caused_by && f.caused_by.reason) || f.reason || JSON.stringify(f)).join('; ')}`);
}

function newestCommon() {
  const lasts = [...ops.nodes.values()].filter((node) => node.samples.length > 0).map((node) => node.samples[node.samples.length - 1].timestamp);
  return lasts.length === 0 ? undefined : Math.min(...lasts);
}

function fillScope() {
  const select = document.getElementById('scope');
  const chosen = select.value;
  const wanted = new URLSearchParams(window.location.search).get('node');
  const options = [el('option', {value: CLUSTER, text: `The cluster (${ops.nodes.size} node${ops.nodes.size === 1 ? '' : 's'})`})];
  for (const [id, node] of ops.nodes) options.push(el('option', {value: id, text: `Node ${node.name}`}));
  select.replaceChildren(...options);
  const match = [...ops.nodes.entries()].find(([id, node]) => wanted && (id === wanted || node.name === wanted));
  select.value = ops.nodes.has(chosen) ? chosen : match ? match[0] : CLUSTER;
}

async function poll() {
  clearTimeout(ops.timer);
  try {
    await load(newestCommon());
    if (document.getElementById('scope').options.length !== ops.nodes.size + 1) fillScope();
    refresh();
  } catch (e) {
    showError(document.getElementById('page-error'), `Cannot read the stats history: ${e.message}`);
  }
  schedule();
}

function schedule() {
  clearTimeout(ops.timer);
  if (document.getElementById('live').checked) ops.timer = setTimeout(poll, ops.interval);
}

async function start() {
  buildCards();
  document.getElementById('scope').addEventListener('change', refresh);
  document.getElementById('window').addEventListener('change', refresh);
  document.getElementById('live').addEventListener('change', (event) => (event.target.checked ? poll() : clearTimeout(ops.timer)));
  try {
    await load(undefined);
    fillScope();
    refresh();
  } catch (e) {
    showError(document.getElementById('page-error'), `Cannot read the stats history: ${e.message}`);
  }
  document.body.dataset.ready = 'true';
  schedule();
}

document.addEventListener('DOMContentLoaded', start);
