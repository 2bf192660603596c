// The relevance page: a judged query set (uploaded files, or an index that holds one), two to four settings of the
// `multimodal` query, and for each setting nDCG@10, Recall@k and MRR@10 from OpenSearch's _rank_eval (one call per
// setting and metric), per-query wins and losses between two settings, and latency. The page's ES module: it imports
// the modules it uses; Chart.js is a classic script loaded before it.
import {ApiError, callApi, colorAt, el, encode, formatMillis, showError} from './ui-common.js';
import {describeIndex, listIndices} from './index-schema.js';
import {combineJudgments, listJudgmentIndices, parseQrels, parseQueries, readFileText, readJudgmentIndex} from './judgments.js';
import {BOOTSTRAP_RESAMPLES, bootstrapInterval, latencyPercentiles, mean, pairedComparison} from './relevance-stats.js';
import {createCard, instantiate, preset, templateOf} from './relevance-settings.js';

const UPLOAD = '__upload__';
const MAX_SETTINGS = 4;
const LATENCY_QUERIES = 100;

const METRICS = {
  ndcg: {label: () => 'nDCG@10', body: () => ({dcg: {k: 10, normalize: true}})},
  recall: {label: () => `Recall@${recallK()}`, body: () => ({recall: {k: recallK(), relevant_rating_threshold: 1}})},
  mrr: {label: () => 'MRR@10', body: () => ({mean_reciprocal_rank: {k: 10, relevant_rating_threshold: 1}})},
};

const rel = {
  sets: [], // indices that hold judged query sets
  schema: null, // what the evaluated index offers (describeIndex)
  judgments: null, // {label, queries: [{id, text, ratings}], withoutText}
  files: {qrels: null, queries: null}, // the uploaded files, parsed
  cards: [],
  result: null, // the last evaluation, as shown
  charts: {},
  evaluations: 0,
  running: false,
};

const byId = (id) => document.getElementById(id);

function recallK() {
  return Math.max(1, Math.min(1000, parseInt(byId('recall-k').value, 10) || 20));
}

function addCard(settings) {
  const card = createCard(rel.schema, settings, byId('settings'), markStale, (removed) => {
    rel.cards = rel.cards.filter((c) => c !== removed);
    refreshButtons();
  });
  rel.cards.push(card);
  refreshButtons();
  return card;
}

function refreshButtons() {
  byId('add-setting').disabled = rel.cards.length >= MAX_SETTINGS || !rel.schema;
  for (const card of rel.cards) card.root.querySelector('.remove').disabled = rel.cards.length <= 1;
  byId('evaluate').disabled = rel.running || !rel.schema || !rel.judgments || rel.cards.length === 0;
}

function markStale() {
  if (rel.result) byId('results-note').textContent = 'The judgments or the settings changed since these results: Evaluate again to update them.';
}

// ---------------------------------------------------------------- judgments and index

function judgmentsSummary(judgments) {
  const ratings = judgments.queries.reduce((n, q) => n + q.ratings.length, 0);
  const parts = [`${judgments.queries.length} queries, ${ratings} judgments`, judgments.label];
  if (judgments.withoutText.length > 0) parts.push(`${judgments.withoutText.length} judged queries have no text and are left out`);
  if (judgments.truncated) parts.push('only the first 10,000 queries are read');
  return parts.join(' · ');
}

async function setJudgments(judgments) {
  rel.judgments = judgments;
  markStale();
  byId('judgments-summary').textContent = judgments ? judgmentsSummary(judgments) : '';
  refreshButtons();
  await checkJudgedDocuments();
}

// Judged documents the evaluated index does not have usually mean the judgments were made for another index.
async function checkJudgedDocuments() {
  const warning = byId('judgments-warning');
  warning.hidden = true;
  if (!rel.judgments || !rel.schema) return;
  const ids = [...new Set(rel.judgments.queries.flatMap((q) => q.ratings.map((r) => r.doc)))];
  let missing = [];
  try {
    for (let from = 0; from < ids.length; from += 1000) {
      const {json} = await callApi('POST', `/${encode(rel.schema.index)}/_mget?_source=false`, {ids: ids.slice(from, from + 1000)});
      missing = missing.concat(json.docs.filter((doc) => !doc.found).map((doc) => doc._id));
    }
  } catch (e) {
    return; // the judgments can still be evaluated; only this check is lost
  }
  if (missing.length > 0) {
    warning.textContent = `${missing.length} of ${ids.length} judged documents are not in [${rel.schema.index}] (e.g. "${missing[0]}"): `
      + (missing.length === ids.length ? 'were these judgments made for another index?' : 'they count as not found.');
    warning.hidden = false;
  }
}

async function chooseIndex(index) {
  const pageError = byId('page-error');
  showError(pageError, '');
  rel.schema = null;
  for (const card of rel.cards) card.root.remove();
  rel.cards = [];
  markStale();
  try {
    rel.schema = await describeIndex(index);
  } catch (e) {
    showError(pageError, `Cannot read index [${index}]: ${e.message}`);
  }
  if (rel.schema) {
    addCard(preset(0, rel.schema));
    addCard(preset(1, rel.schema));
  }
  refreshButtons();
  await checkJudgedDocuments();
}

async function chooseJudgments(value) {
  const error = byId('judgments-error');
  showError(error, '');
  byId('upload').hidden = value !== UPLOAD;
  if (value === UPLOAD) {
    await setJudgments(null);
    await readUploads();
    return false;
  }
  const set = rel.sets.find((s) => s.name === value);
  try {
    const label = set && set.description ? set.description : `judgments from index [${value}]`;
    const judgments = await readJudgmentIndex(value, label);
    const select = byId('index');
    if (set && set.index && [...select.options].some((o) => o.value === set.index) && select.value !== set.index) {
      select.value = set.index;
      rel.schema = null;
      await chooseIndex(set.index);
    }
    await setJudgments(judgments);
    return Boolean(set && set.index && rel.schema && rel.schema.index === set.index);
  } catch (e) {
    await setJudgments(null);
    showError(error, `Cannot use the judgments in [${value}]: ${e.message}`);
    return false;
  }
}

// Both files are read again whenever either changes; a malformed one says which line and why, and nothing is evaluated.
async function readUploads() {
  const error = byId('judgments-error');
  showError(error, '');
  const qrelsFile = byId('qrels-file').files[0];
  const queriesFile = byId('queries-file').files[0];
  try {
    rel.files.qrels = qrelsFile ? parseQrels(await readFileText(qrelsFile), qrelsFile.name) : null;
    rel.files.queries = queriesFile ? parseQueries(await readFileText(queriesFile), queriesFile.name) : null;
  } catch (e) {
    rel.files = {qrels: null, queries: null};
    await setJudgments(null);
    showError(error, e.message);
    return;
  }
  if (!rel.files.qrels || !rel.files.queries) {
    await setJudgments(null);
    byId('judgments-summary').textContent = `Choose ${!rel.files.qrels ? 'a judgments (qrels) file' : ''}${!rel.files.qrels && !rel.files.queries ? ' and ' : ''}${!rel.files.queries ? 'a queries file' : ''}.`;
    return;
  }
  try {
    const label = `uploaded: ${qrelsFile.name} (${rel.files.qrels.format} qrels) and ${queriesFile.name}`;
    await setJudgments(combineJudgments(rel.files.qrels, rel.files.queries, label));
  } catch (e) {
    await setJudgments(null);
    showError(error, e.message);
  }
}

// ---------------------------------------------------------------- evaluation

function rankEvalBody(template, queries, index, metric) {
  return {
    requests: queries.map((q) => ({
      id: q.id,
      request: instantiate(template, q.text),
      ratings: q.ratings.map((r) => ({_index: index, _id: r.doc, rating: r.rating})),
    })),
    metric: METRICS[metric].body(),
  };
}

function failureReason(failure) {
  const error = (failure && failure.error) || failure || {};
  const root = Array.isArray(error.root_cause) && error.root_cause.length > 0 ? error.root_cause[0] : null;
  return (root && root.reason) || error.reason || JSON.stringify(failure);
}

async function evaluateSetting(entry, index, queries, progress) {
  for (const metric of Object.keys(METRICS)) {
    progress(`${entry.name}: ${METRICS[metric].label()}`);
    const body = rankEvalBody(entry.template, queries, index, metric);
    entry.requests[metric] = body;
    const {json} = await callApi('POST', `/${encode(index)}/_rank_eval`, body);
    const failures = Object.entries(json.failures || {});
    const details = json.details || {};
    const evaluated = queries.filter((q) => q.id in details);
    if (evaluated.length === 0 && failures.length > 0) {
      throw new ApiError(0, `every query failed on ${METRICS[metric].label()}: ${failureReason(failures[0][1])}`);
    }
    const values = evaluated.map((q) => details[q.id].metric_score);
    entry.metrics[metric] = {
      score: json.metric_score,
      perQuery: new Map(evaluated.map((q) => [q.id, details[q.id].metric_score])),
      interval: bootstrapInterval(values),
      failed: failures.map(([id, failure]) => ({id, reason: failureReason(failure)})),
    };
    if (failures.length > 0) {
      entry.warnings.push(`${failures.length} of ${queries.length} queries failed on ${METRICS[metric].label()} (e.g. query "${failures[0][0]}": ${failureReason(failures[0][1])}); the mean is over the others`);
    }
  }
}

// Each query through _search once per setting, the settings taking turns, so they share the node's warm-up and load.
async function measureLatency(entries, index, queries, progress) {
  const sample = queries.slice(0, LATENCY_QUERIES);
  const tooks = entries.map(() => []);
  for (let i = 0; i < sample.length; i++) {
    progress(`latency: query ${i + 1} of ${sample.length}`);
    for (let s = 0; s < entries.length; s++) {
      if (entries[s].latencyError) continue;
      try {
        const {json} = await callApi('POST', `/${encode(index)}/_search`, {...instantiate(entries[s].template, sample[i].text), size: 10, _source: false});
        tooks[s].push(json.took);
      } catch (e) {
        entries[s].latencyError = e.message;
      }
    }
  }
  entries.forEach((entry, s) => {
    entry.latency = latencyPercentiles(tooks[s]);
    if (entry.latencyError) entry.warnings.push(`latency not measured: ${entry.latencyError}`);
  });
}

async function evaluate() {
  if (rel.running || !rel.schema || !rel.judgments) return;
  rel.running = true;
  document.body.dataset.state = 'running';
  refreshButtons();
  showError(byId('page-error'), '');
  const started = performance.now();
  const index = rel.schema.index;
  const queries = rel.judgments.queries;
  const result = {index, judgments: rel.judgments.label, queries, recallK: recallK(), settings: []};
  const calls = rel.cards.length * Object.keys(METRICS).length;
  let done = 0;
  const progress = (what) => { byId('progress').textContent = `Evaluating ${what} (${Math.min(++done, calls)} of ${calls} _rank_eval calls) ...`; };
  for (const card of rel.cards) {
    const entry = {name: card.name.value.trim() || '(unnamed)', template: null, metrics: {}, requests: {}, warnings: [], error: null, latency: null, card};
    showError(card.error, '');
    try {
      entry.template = templateOf(card);
      await evaluateSetting(entry, index, queries, progress);
    } catch (e) {
      entry.error = e.message;
      showError(card.error, e.message);
    }
    result.settings.push(entry);
  }
  const measurable = result.settings.filter((entry) => !entry.error);
  await measureLatency(measurable, index, queries, (what) => { byId('progress').textContent = `Measuring ${what} ...`; });
  result.seconds = (performance.now() - started) / 1000;
  rel.result = result;
  render(result);
  byId('progress').textContent = `Done in ${result.seconds.toFixed(1)} s: ${calls} _rank_eval calls and ${Math.min(queries.length, LATENCY_QUERIES) * measurable.length} searches.`;
  rel.running = false;
  rel.evaluations++;
  document.body.dataset.state = 'done';
  document.body.dataset.evaluations = String(rel.evaluations);
  refreshButtons();
}

// ---------------------------------------------------------------- results

const fixed = (value) => (value === undefined || value === null || Number.isNaN(value) ? '–' : Number(value).toFixed(4));

function metricCell(entry, metric) {
  const m = entry.metrics[metric];
  if (!m) return el('td', {text: '–'});
  return el('td', {'data-metric': metric, 'data-value': String(m.score)},
    fixed(m.score), el('br'), el('span', {class: 'ci', text: `[${fixed(m.interval.low)}, ${fixed(m.interval.high)}]`}));
}

function renderSummary(result) {
  const table = byId('summary');
  const head = el('tr', {}, ...['Setting', 'nDCG@10', `Recall@${result.recallK}`, 'MRR@10', 'p50 ms', 'p99 ms', 'Queries'].map((h) => el('th', {text: h})));
  const rows = result.settings.map((entry, i) => {
    const row = el('tr', {'data-setting-row': String(i)});
    row.append(el('td', {text: entry.name}));
    if (entry.error) {
      row.append(el('td', {class: 'failed', colspan: '6', text: entry.error}));
      return row;
    }
    row.append(metricCell(entry, 'ndcg'), metricCell(entry, 'recall'), metricCell(entry, 'mrr'));
    row.append(el('td', {'data-latency': 'p50', text: formatMillis(entry.latency && entry.latency.p50)}));
    row.append(el('td', {'data-latency': 'p99', text: formatMillis(entry.latency && entry.latency.p99)}));
    const evaluated = entry.metrics.ndcg ? entry.metrics.ndcg.perQuery.size : 0;
    row.append(el('td', {text: `${evaluated} of ${result.queries.length}`}));
    return row;
  });
  const warnings = result.settings.flatMap((entry) => entry.warnings.map((w) => el('tr', {}, el('td', {class: 'failed', colspan: '7', text: `${entry.name}: ${w}`}))));
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows, ...warnings));
}

// A setting's name on a chart's axis, in lines of about 16 characters (Chart.js draws an array as lines).
function axisLabel(name) {
  const lines = [];
  for (const word of name.split(' ')) {
    if (lines.length > 0 && (lines[lines.length - 1] + ' ' + word).length <= 16) lines[lines.length - 1] += ' ' + word;
    else lines.push(word);
  }
  return lines;
}

function replaceChart(id, config) {
  if (rel.charts[id]) rel.charts[id].destroy();
  rel.charts[id] = new Chart(byId(id), config);
}

function barOptions(yMax, yTitle) {
  return {
    animation: false, responsive: true, maintainAspectRatio: false,
    scales: {y: {beginAtZero: true, max: yMax, title: {display: Boolean(yTitle), text: yTitle || ''}}, x: {ticks: {maxRotation: 0, autoSkip: false}}},
    plugins: {legend: {position: 'bottom', labels: {boxWidth: 12, font: {size: 11}}}},
  };
}

// A bar per setting for the mean, and a thin dark bar over it from the interval's low to its high end.
function renderMetricChart(result, metric) {
  const entries = result.settings.filter((entry) => entry.metrics[metric]);
  const labels = entries.map((entry) => axisLabel(entry.name));
  replaceChart(`chart-${metric}`, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {label: METRICS[metric].label(), data: entries.map((e) => e.metrics[metric].score), backgroundColor: entries.map((e) => colorAt(result.settings.indexOf(e))), barPercentage: 0.6, order: 2},
        {label: '95% interval', data: entries.map((e) => [e.metrics[metric].interval.low, e.metrics[metric].interval.high]), backgroundColor: '#1d2733', barPercentage: 0.05, grouped: false, order: 1},
      ],
    },
    options: barOptions(1),
  });
}

function renderLatencyChart(result) {
  const entries = result.settings.filter((entry) => entry.latency && entry.latency.count > 0);
  replaceChart('chart-latency', {
    type: 'bar',
    data: {
      labels: entries.map((entry) => axisLabel(entry.name)),
      datasets: [
        {label: 'p50', data: entries.map((e) => e.latency.p50), backgroundColor: '#577590'},
        {label: 'p99', data: entries.map((e) => e.latency.p99), backgroundColor: '#e9a23b'},
      ],
    },
    options: barOptions(undefined, 'ms'),
  });
}

function fillCompareSelects(result) {
  const usable = result.settings.map((entry, i) => ({entry, i})).filter(({entry}) => !entry.error);
  for (const [id, fallback] of [['compare-b', 1], ['compare-a', 0]]) {
    const select = byId(id);
    const chosen = select.value;
    select.replaceChildren(...usable.map(({entry, i}) => el('option', {value: String(i), text: entry.name})));
    if (usable.some(({i}) => String(i) === chosen)) select.value = chosen;
    else if (usable.length > fallback) select.value = String(usable[fallback].i);
  }
}

function renderComparison() {
  const result = rel.result;
  if (!result) return;
  const a = result.settings[Number(byId('compare-a').value)];
  const b = result.settings[Number(byId('compare-b').value)];
  const metric = byId('compare-metric').value;
  const summary = byId('wins-summary');
  const table = byId('per-query');
  const comparable = Boolean(a && b && a !== b && a.metrics[metric] && b.metrics[metric]);
  byId('wins-card').hidden = !comparable;
  if (!comparable) {
    summary.textContent = 'Choose two different settings that were evaluated.';
    table.replaceChildren();
    replaceChart('chart-wins', {type: 'bar', data: {labels: [], datasets: []}, options: barOptions()});
    rel.comparison = null;
    return;
  }
  const texts = new Map(result.queries.map((q) => [q.id, q.text]));
  const pairs = result.queries
    .filter((q) => a.metrics[metric].perQuery.has(q.id) && b.metrics[metric].perQuery.has(q.id))
    .map((q) => ({id: q.id, a: a.metrics[metric].perQuery.get(q.id), b: b.metrics[metric].perQuery.get(q.id)}));
  const compared = pairedComparison(pairs);
  const label = METRICS[metric].label();
  const sign = (x) => (x >= 0 ? '+' : '') + x.toFixed(4);
  summary.textContent = `${b.name} against ${a.name} on ${label}: ${compared.wins} wins, ${compared.losses} losses, ${compared.ties} ties over ${pairs.length} queries; `
    + `mean difference ${sign(compared.mean)} (95% interval ${sign(compared.interval.low)} to ${sign(compared.interval.high)}).`;
  const sorted = pairs.map((p) => ({...p, delta: p.b - p.a})).sort((x, y) => y.delta - x.delta || x.id.localeCompare(y.id));
  replaceChart('chart-wins', {
    type: 'bar',
    data: {
      labels: sorted.map((p) => p.id),
      datasets: [{
        label: `${label}: ${b.name} minus ${a.name}, per query`,
        data: sorted.map((p) => p.delta),
        backgroundColor: sorted.map((p) => (p.delta > 1e-9 ? '#1a7f37' : p.delta < -1e-9 ? '#b35900' : '#9aa5b1')),
      }],
    },
    options: {
      ...barOptions(undefined, `${label} difference`),
      scales: {y: {title: {display: true, text: `${label} difference`}}, x: {ticks: {display: sorted.length <= 40, maxRotation: 90, autoSkip: false}}},
    },
  });
  const changed = sorted.filter((p) => Math.abs(p.delta) > 1e-9);
  const head = el('tr', {}, ...['Query', 'Text', a.name, b.name, 'Difference'].map((h, i) => el('th', {text: h, class: i === 1 ? 'text' : ''})));
  const rows = changed.map((p) => el('tr', {'data-query': p.id, class: p.delta > 0 ? 'win' : 'loss'},
    el('td', {text: p.id}), el('td', {class: 'text', text: texts.get(p.id), title: texts.get(p.id)}),
    el('td', {text: fixed(p.a)}), el('td', {text: fixed(p.b)}), el('td', {class: p.delta > 0 ? 'win' : 'loss', text: sign(p.delta)})));
  const ties = el('tr', {}, el('td', {colspan: '5', class: 'text', text: `${compared.ties} queries score the same with both settings.`}));
  table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows, ties));
  rel.comparison = {a: a.name, b: b.name, metric, ...compared, queries: changed.map((p) => ({id: p.id, delta: p.delta}))};
}

function render(result) {
  byId('results').hidden = false;
  byId('recall-title').textContent = `Recall@${result.recallK}`;
  byId('compare-metric').options[1].textContent = `Recall@${result.recallK}`;
  byId('results-note').textContent = `${result.queries.length} queries of ${result.judgments}, on [${result.index}]; `
    + `intervals: 95% bootstrap over the queries (${BOOTSTRAP_RESAMPLES} resamples); latency over the first ${Math.min(result.queries.length, LATENCY_QUERIES)} queries.`;
  renderSummary(result);
  for (const metric of Object.keys(METRICS)) renderMetricChart(result, metric);
  renderLatencyChart(result);
  fillCompareSelects(result);
  renderComparison();
}

// What the page shows, as plain data (the browser test reads it).
// the page's state as data, for its browser test (a module's functions are not globals)
window.relevanceModel = relevanceModel;

function relevanceModel() {
  const result = rel.result;
  if (!result) return null;
  return {
    index: result.index,
    queries: result.queries.length,
    settings: result.settings.map((entry) => ({
      name: entry.name,
      error: entry.error,
      warnings: entry.warnings,
      metrics: Object.fromEntries(Object.entries(entry.metrics).map(([m, v]) => [m, {score: v.score, low: v.interval.low, high: v.interval.high, queries: v.perQuery.size}])),
      requests: entry.requests,
      latency: entry.latency,
    })),
    comparison: rel.comparison,
  };
}

// ---------------------------------------------------------------- start

async function start() {
  const params = new URLSearchParams(window.location.search);
  byId('add-setting').addEventListener('click', () => {
    if (rel.schema && rel.cards.length < MAX_SETTINGS) addCard(preset(rel.cards.length, rel.schema));
  });
  byId('evaluate').addEventListener('click', evaluate);
  byId('index').addEventListener('change', (event) => chooseIndex(event.target.value));
  byId('judgments').addEventListener('change', (event) => chooseJudgments(event.target.value));
  byId('qrels-file').addEventListener('change', readUploads);
  byId('queries-file').addEventListener('change', readUploads);
  for (const id of ['compare-a', 'compare-b', 'compare-metric']) byId(id).addEventListener('change', renderComparison);
  byId('recall-k').addEventListener('change', markStale);
  let evaluateNow = false;
  try {
    const [indices, sets] = await Promise.all([listIndices(), listJudgmentIndices().catch(() => [])]);
    rel.sets = sets;
    const judged = new Set(sets.map((s) => s.name));
    const searchable = indices.filter((row) => !judged.has(row.index));
    byId('index').replaceChildren(...searchable.map((row) => el('option', {value: row.index, text: `${row.index} (${row['docs.count']} docs)`})));
    const sizes = new Map(indices.map((row) => [row.index, Number(row['docs.count']) || 0]));
    const ordered = [...sets].sort((x, y) => (sizes.get(y.name) || 0) - (sizes.get(x.name) || 0) || x.name.localeCompare(y.name));
    byId('judgments').replaceChildren(
      ...ordered.map((s) => el('option', {value: s.name, text: `${s.name}${s.index ? ` (for ${s.index})` : ''}`})),
      el('option', {value: UPLOAD, text: 'Upload a qrels file and a queries file ...'}));
    if (searchable.length === 0) {
      showError(byId('page-error'), 'This cluster has no open index to evaluate.');
    } else {
      const wantedIndex = params.get('index');
      byId('index').value = searchable.some((row) => row.index === wantedIndex) ? wantedIndex : searchable[0].index;
      await chooseIndex(byId('index').value);
    }
    const wanted = params.get('judgments');
    byId('judgments').value = sets.some((s) => s.name === wanted) ? wanted : ordered.length > 0 ? ordered[0].name : UPLOAD;
    // a judged set that names its index is evaluated at once, so the page shows something real when it opens
    evaluateNow = await chooseJudgments(byId('judgments').value);
  } catch (e) {
    showError(byId('page-error'), `Cannot list indices: ${e.message}`);
  }
  document.body.dataset.ready = 'true';
  if (evaluateNow) await evaluate();
}

document.addEventListener('DOMContentLoaded', start);
