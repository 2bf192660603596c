// The multimodal search page. It reads the index's mapping, default pipeline and the cluster's models to work out
// which retrievers the index supports, builds `multimodal` queries from what the person types or drops, and sends
// them through the public _search API (so the cluster's security applies). No framework, no network beyond this node.
// It imports the REST call and the DOM helpers (ui-common.js) and what an index offers (index-schema.js).
import {ApiError, callApi, el, encode, showError} from './ui-common.js';
import {describeIndex, listIndices, retrieverOffers} from './index-schema.js';

const PHOTO_KEYS = ['thumbnail', 'image', 'photo', 'picture', 'image_url', 'thumbnail_url'];
const RERANK_WINDOW = 50;

const state = {
  schema: null,      // what the chosen index offers (describeIndex)
  photo: null,       // {dataUri, name} of the dropped photo
  switched: new Set(), // retriever names the person switched away from their default (on, or off for MaxSim ones)
  searched: false,
  loading: Promise.resolve(), // the index being described
  completed: 0,      // searches finished (finishRound)
  panes: [],
};

// ---------------------------------------------------------------- queries

function queryInputs() {
  return {text: document.getElementById('query-text').value.trim(), photo: state.photo};
}

// Every retriever the index supports for these inputs; the person may switch any off.
function plannedRetrievers(schema, inputs) {
  const k = Math.max(1, Math.min(10000, parseInt(document.getElementById('k').value, 10) || 50));
  return retrieverOffers(schema, inputs).map((r) => ({...r, spec: r.spec(k)}));
}

function isOn(retriever) {
  return state.switched.has(retriever.name) === Boolean(retriever.offByDefault);
}

function activeRetrievers(schema, inputs) {
  return plannedRetrievers(schema, inputs).filter(isOn);
}

function buildRequest(schema, inputs, settings) {
  const retrievers = activeRetrievers(schema, inputs);
  if (retrievers.length === 0) {
    throw new ApiError(0, inputs.text || inputs.photo
      ? `No retriever of index [${schema.index}] can use this input: switch one on, or type text / drop a photo`
      : 'Type a query or drop a photo first');
  }
  const query = {retrievers: Object.fromEntries(retrievers.map((r) => [r.name, r.spec]))};
  if (inputs.text) query.query_text = inputs.text;
  if (inputs.photo) query.query_image = inputs.photo.dataUri;
  if (retrievers.length > 1) {
    if (settings.fusion === 'linear') query.fusion = {linear: {normalization: 'min_max'}};
    else if (settings.fusion === 'gqr') query.fusion = {gqr: {primary: settings.primary || retrievers.find((r) => r.kind !== 'lexical').name}};
    else query.fusion = {rrf: {}};
  }
  const size = Math.max(1, Math.min(100, parseInt(document.getElementById('size').value, 10) || 20));
  // a fused query's hits carry their scores as data; only a lone retriever's raw score needs explain
  const body = {size, explain: !query.fusion, query: {multimodal: query}};
  if (schema.vectorFields.length > 0) body._source = {excludes: schema.vectorFields};
  // a long document's best passage (the passage highlighter): for each chunked field a dense retriever searches, and,
  // in an index with chunked fields (whose values count each passage's token rows), for each token field MaxSim compares
  const passageFields = retrievers
    .map((r) => r.spec.dense && r.spec.dense.field)
    .filter((field) => field && schema.dense.some((d) => d.name === field && d.chunked));
  const tokens = schema.multi[0];
  const reranked = settings.rerank && tokens && inputs.text;
  const tokenFields = retrievers.map((r) => r.spec.multi_vector && r.spec.multi_vector.field).filter(Boolean);
  if (reranked) tokenFields.push(tokens.name);
  if (schema.dense.some((d) => d.chunked)) passageFields.push(...new Set(tokenFields));
  if (passageFields.length > 0) {
    body.highlight = {fields: Object.fromEntries(passageFields.map((field) => [field, {type: 'passage', number_of_fragments: 1}]))};
  }
  if (reranked) {
    body.rescore = {
      window_size: Math.max(RERANK_WINDOW, size),
      late_interaction: {field: tokens.name, model: tokens.textModel, query_text: inputs.text},
    };
  }
  return body;
}

// ---------------------------------------------------------------- explain -> per-retriever scores

function walk(explanation, visit) {
  if (!explanation) return;
  visit(explanation);
  for (const detail of explanation.details || []) walk(detail, visit);
}

// The explain wording the plugin guarantees (org.opensearch.multimodal.query.common.ExplainLabels; ExplainLabelsTests holds the
// two together): %s is a name or a number, %d a count.
const EXPLAIN = {
  rawScore: 'retriever [%s] raw score',
  primaryBefore: 'primary [%s] score before refinement',
  primaryRefined: 'primary [%s] score with the refined query',
  maxSim: 'MaxSim of %d query tokens over %d document tokens in [%s] = %s',
};

// A template as a regular expression whose groups are its %s parts.
function explainPattern(template, anchored) {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%s/g, '(.+?)').replace(/%d/g, '\\d+');
  return new RegExp((anchored ? '^' : '') + escaped);
}

const RAW_SCORE = explainPattern(EXPLAIN.rawScore, false);
const PRIMARY_BEFORE = explainPattern(EXPLAIN.primaryBefore, true);
const PRIMARY_REFINED = explainPattern(EXPLAIN.primaryRefined, false);
const MAX_SIM = explainPattern(EXPLAIN.maxSim + ',', true);

// A hit carries its scores as data (the hit field _multimodal, org.opensearch.multimodal.query.fusion.HitScores): a fused
// query's each retriever's raw score, rank and share and GQR's primary before and after refinement, and the rescorer's
// MaxSim. Explain is read only for what the field does not hold: a lone retriever's score.
function structuredScores(hit, scores) {
  const field = hit.fields && hit.fields._multimodal && hit.fields._multimodal[0];
  if (!field) return false;
  for (const [name, part] of Object.entries(field.retrievers || {})) scores.retrievers[name] = part.score;
  if (field.gqr && field.gqr.candidate) {
    scores.refinedFrom = field.gqr.before;
    scores.refinedTo = field.gqr.after;
  }
  if (field.late_interaction && field.late_interaction.max_sim !== null) scores.maxSim = field.late_interaction.max_sim;
  return field.retrievers !== undefined;
}

function scoresOf(hit, retrieverNames) {
  const scores = {retrievers: {}, refinedFrom: null, refinedTo: null, maxSim: null};
  const structured = structuredScores(hit, scores);
  walk(hit._explanation, (e) => {
    if (structured) {
      const m = MAX_SIM.exec(e.description || '');
      if (m) scores.maxSim = parseFloat(m[2]);
      return;
    }
    const description = e.description || '';
    let m = RAW_SCORE.exec(description);
    if (m && (m.index === 0 || description.startsWith('complementary ')) && !(m[1] in scores.retrievers)) scores.retrievers[m[1]] = e.value;
    if (PRIMARY_BEFORE.test(description)) scores.refinedFrom = e.value;
    if (PRIMARY_REFINED.test(description)) scores.refinedTo = e.value;
    m = MAX_SIM.exec(description);
    if (m) scores.maxSim = parseFloat(m[2]);
    // one retriever and no fusion: the dense (kNN) query's own explanation carries its score
    if (retrieverNames.length === 1 && /^within top/.test(description) && !(retrieverNames[0] in scores.retrievers)) {
      scores.retrievers[retrieverNames[0]] = e.value;
    }
  });
  return scores;
}

// ---------------------------------------------------------------- rendering

function photoOf(source) {
  const candidates = [...PHOTO_KEYS.filter((key) => key in source), ...Object.keys(source)];
  for (const key of candidates) {
    const value = source[key];
    if (typeof value !== 'string') continue;
    if (/^data:image\/[a-z0-9.+-]+;base64,/i.test(value)) return value;
    if (/^https?:\/\/\S+\.(?:jpe?g|png|gif|webp)(?:\?\S*)?$/i.test(value)) return value;
  }
  return null;
}

const formatScore = (value) => (value === null || value === undefined ? '–' : Number(value).toFixed(4));

// The passage to show under a hit: the token field's (MaxSim ranks last when it is highlighted), else a dense field's.
function bestPassage(hit, schema) {
  const shown = Object.entries(hit.highlight || {})
    .filter(([, fragments]) => typeof fragments[0] === 'string')
    .map(([field, fragments]) => ({field, text: fragments[0]}));
  return shown.find((passage) => schema.multi.some((m) => m.name === passage.field)) || shown[0] || null;
}

function hitCard(hit, schema, retrieverNames, rank) {
  const source = hit._source || {};
  const scores = scoresOf(hit, retrieverNames);
  const photo = photoOf(source);
  const title = (schema.title && source[schema.title]) || hit._id;
  const card = el('article', {class: 'hit', 'data-id': hit._id, 'data-rank': String(rank)});
  card.append(el('div', {class: 'rank', text: `#${rank}`}));
  if (photo) card.append(el('img', {class: 'hit-photo', src: photo, alt: String(title), loading: 'lazy'}));
  card.append(el('h3', {class: 'hit-title', text: String(title)}));
  const passage = bestPassage(hit, schema);
  if (passage) {
    const text = passage.text.length > 480 ? passage.text.slice(0, 480) + '…' : passage.text;
    card.append(el('p', {class: 'passage', 'data-field': passage.field, title: `best passage of [${passage.field}]`, text}));
  } else if (!photo && schema.snippet && typeof source[schema.snippet] === 'string') {
    const text = source[schema.snippet];
    card.append(el('p', {class: 'snippet', text: text.length > 240 ? text.slice(0, 240) + '…' : text}));
  }
  const facets = schema.keyword.filter((key) => typeof source[key] === 'string' && source[key].length < 40 && !photoOf({[key]: source[key]}));
  if (facets.length > 0) card.append(el('p', {class: 'facets', text: facets.slice(0, 3).map((key) => source[key]).join(' · ')}));
  const list = el('dl', {class: 'scores'});
  list.append(el('dt', {text: 'score'}), el('dd', {class: 'final-score', text: formatScore(hit._score)}));
  for (const name of retrieverNames) {
    list.append(el('dt', {text: name}), el('dd', {'data-retriever': name, text: formatScore(scores.retrievers[name])}));
  }
  if (scores.refinedFrom !== null) {
    list.append(el('dt', {text: 'GQR primary'}), el('dd', {class: 'gqr-score', text: `${formatScore(scores.refinedFrom)} → ${formatScore(scores.refinedTo)}`}));
  }
  if (scores.maxSim !== null) list.append(el('dt', {text: 'MaxSim'}), el('dd', {class: 'maxsim-score', text: formatScore(scores.maxSim)}));
  card.append(list);
  return card;
}

function describeSettings(body) {
  const query = body.query.multimodal;
  const names = Object.keys(query.retrievers);
  let fusion = 'one retriever, no fusion';
  if (query.fusion) {
    const [method, config] = Object.entries(query.fusion)[0];
    fusion = method === 'gqr' ? `GQR, primary ${config.primary}` : method === 'rrf' ? 'RRF' : 'linear (min-max)';
  }
  return `${names.length} retriever${names.length > 1 ? 's' : ''}: ${fusion}${body.rescore ? ', late-interaction rerank' : ''}`;
}

// ---------------------------------------------------------------- panes

function createPane(label, defaults) {
  const fragment = document.getElementById('pane-template').content.cloneNode(true);
  const root = fragment.querySelector('.pane');
  root.id = `pane-${label.toLowerCase()}`;
  root.querySelector('.pane-label').textContent = label;
  const pane = {
    root,
    fusion: root.querySelector('.fusion'),
    primary: root.querySelector('.primary'),
    primaryChoice: root.querySelector('.primary-choice'),
    rerank: root.querySelector('.rerank'),
    rerankNote: root.querySelector('.rerank-note'),
    latency: root.querySelector('.latency'),
    summary: root.querySelector('.summary'),
    error: root.querySelector('.error'),
    results: root.querySelector('.results'),
    requestBody: root.querySelector('.request-body'),
    hits: [],
  };
  pane.fusion.value = defaults.fusion;
  pane.fusion.addEventListener('change', () => { refreshControls(); rerun(pane); });
  pane.primary.addEventListener('change', () => rerun(pane));
  pane.rerank.addEventListener('change', () => rerun(pane));
  root.querySelector('.run-edited').addEventListener('click', () => runEdited(pane));
  document.getElementById('panes').append(root);
  return pane;
}

function settingsOf(pane) {
  return {fusion: pane.fusion.value, primary: pane.primary.value, rerank: pane.rerank.checked};
}

async function runPane(pane, body) {
  showError(pane.error, '');
  pane.requestBody.value = JSON.stringify(body, abbreviateImages, 2);
  pane.root.classList.add('busy');
  try {
    const {json, elapsed} = await callApi('POST', `/${encode(state.schema.index)}/_search`, body);
    const names = Object.keys(((body.query || {}).multimodal || {}).retrievers || {});
    pane.hits = json.hits.hits;
    pane.results.replaceChildren(...pane.hits.map((hit, i) => hitCard(hit, state.schema, names, i + 1)));
    pane.latency.textContent = `${json.took} ms in the cluster · ${Math.round(elapsed)} ms round trip`;
    const total = json.hits.total ? json.hits.total.value : pane.hits.length;
    pane.summary.textContent = body.query && body.query.multimodal ? `${total} hits · ${describeSettings(body)}` : `${total} hits`;
    if (pane.hits.length === 0) pane.results.replaceChildren(el('p', {class: 'note', text: 'No hits.'}));
  } catch (e) {
    pane.hits = [];
    pane.results.replaceChildren();
    pane.latency.textContent = '';
    pane.summary.textContent = '';
    showError(pane.error, e.message);
  } finally {
    pane.root.classList.remove('busy');
  }
}

// The request view shows a data URI photo abbreviated; the full one is sent.
function abbreviateImages(key, value) {
  return key === 'query_image' && typeof value === 'string' && value.length > 80 ? value.slice(0, 60) + `…(${value.length} chars)` : value;
}

async function runEdited(pane) {
  let body;
  try {
    body = JSON.parse(pane.requestBody.value);
  } catch (e) {
    showError(pane.error, `The request is not valid JSON: ${e.message}`);
    return;
  }
  const photo = body.query && body.query.multimodal && body.query.multimodal.query_image;
  if (typeof photo === 'string' && photo.includes('…(') && state.photo) body.query.multimodal.query_image = state.photo.dataUri;
  await runPane(pane, body);
  finishRound();
}

// After any search: compare the panes, and count it on <body data-completed> for tests and scripts.
function finishRound() {
  markDifferences();
  document.body.dataset.completed = String(++state.completed);
}

async function rerun(pane) {
  if (state.searched) {
    await runSettings(pane);
    finishRound();
  }
}

async function runSettings(pane) {
  let body;
  try {
    body = buildRequest(state.schema, queryInputs(), settingsOf(pane));
  } catch (e) {
    showError(pane.error, e.message);
    pane.results.replaceChildren();
    return;
  }
  await runPane(pane, body);
}

async function search() {
  await state.loading;
  if (!state.schema) return;
  state.searched = true;
  for (const pane of visiblePanes()) await runSettings(pane); // one after the other: latencies stay comparable
  finishRound();
}

function visiblePanes() {
  return state.panes.filter((pane) => !pane.root.hidden);
}

// Side by side: each hit says where the other setting ranked it.
function markDifferences() {
  for (const card of document.querySelectorAll('.hit .moved')) card.remove();
  const panes = visiblePanes();
  if (panes.length !== 2) return;
  const ranks = panes.map((pane) => new Map(pane.hits.map((hit, i) => [hit._id, i + 1])));
  panes.forEach((pane, p) => {
    const other = ranks[1 - p];
    const otherLabel = panes[1 - p].root.querySelector('.pane-label').textContent;
    let shared = 0;
    for (const card of pane.results.querySelectorAll('.hit')) {
      const rank = Number(card.dataset.rank);
      const otherRank = other.get(card.dataset.id);
      let text;
      let kind;
      if (otherRank === undefined) {
        text = `not in ${otherLabel}`;
        kind = 'new';
      } else {
        shared++;
        const delta = otherRank - rank;
        text = delta === 0 ? `same as ${otherLabel}` : `${delta > 0 ? '▲' : '▼'}${Math.abs(delta)} vs ${otherLabel} #${otherRank}`;
        kind = delta > 0 ? 'up' : delta < 0 ? 'down' : 'same';
      }
      card.querySelector('.rank').append(el('span', {class: `moved ${kind}`, text: ` ${text}`}));
    }
    if (pane.hits.length > 0) pane.summary.textContent = pane.summary.textContent.replace(/ · \d+ shared with .*$/, '') + ` · ${shared} shared with ${otherLabel}`;
  });
}

// ---------------------------------------------------------------- controls

function refreshControls() {
  const schema = state.schema;
  const container = document.getElementById('retrievers');
  if (!schema) {
    container.replaceChildren();
    return;
  }
  const inputs = queryInputs();
  const planned = plannedRetrievers(schema, inputs);
  const chips = planned.map((retriever) => {
    const box = el('input', {type: 'checkbox', 'data-retriever': retriever.name});
    box.checked = isOn(retriever);
    box.addEventListener('change', () => {
      if (state.switched.has(retriever.name)) state.switched.delete(retriever.name); else state.switched.add(retriever.name);
      refreshControls();
      if (state.searched) search();
    });
    return el('label', {class: 'chip', title: JSON.stringify(retriever.spec)}, box, el('span', {text: ` ${retriever.name}`}), el('small', {text: ` ${retriever.label}`}));
  });
  const lead = el('span', {class: 'note', text: planned.length > 0 ? 'Retrievers:' : describeEmptyPlan(schema, inputs)});
  container.replaceChildren(lead, ...chips);

  const primaries = planned.filter((r) => r.kind !== 'lexical' && isOn(r));
  for (const pane of state.panes) {
    const chosen = pane.primary.value;
    pane.primary.replaceChildren(...primaries.map((r) => el('option', {value: r.name, text: r.name})));
    if (primaries.some((r) => r.name === chosen)) pane.primary.value = chosen;
    pane.primaryChoice.hidden = pane.fusion.value !== 'gqr';
    const tokens = schema.multi[0];
    pane.rerank.disabled = !tokens || !inputs.text;
    pane.rerankNote.textContent = !tokens
      ? `(no multi_vector field in ${schema.index})`
      : !inputs.text ? '(needs query text)' : `(${tokens.name}, top ${RERANK_WINDOW})`;
  }
}

function describeEmptyPlan(schema, inputs) {
  if (schema.dense.length === 0 && schema.text.length === 0) return `Index [${schema.index}] has no text or dense_vector fields to search.`;
  if (!inputs.text && !inputs.photo) return 'Type a query or drop a photo.';
  if (inputs.photo && !inputs.text) return `No dense_vector field of [${schema.index}] was embedded by an image model: photos cannot search it.`;
  return `No retriever of [${schema.index}] can use this input.`;
}

async function chooseIndex(index) {
  const pageError = document.getElementById('page-error');
  showError(pageError, '');
  state.schema = null;
  state.switched.clear();
  try {
    state.schema = await describeIndex(index);
  } catch (e) {
    showError(pageError, `Cannot read index [${index}]: ${e.message}`);
  }
  refreshControls();
  for (const pane of state.panes) {
    pane.hits = [];
    pane.results.replaceChildren();
    pane.latency.textContent = '';
    pane.summary.textContent = '';
    showError(pane.error, '');
  }
  state.searched = false;
}

function readPhoto(file) {
  const pageError = document.getElementById('page-error');
  showError(pageError, '');
  if (!file) return;
  if (file.type && !file.type.startsWith('image/')) {
    showError(pageError, `${file.name} is not an image (${file.type}): drop a JPEG, PNG or WebP photo`);
    return;
  }
  const reader = new FileReader();
  reader.onload = () => {
    state.photo = {dataUri: reader.result, name: file.name};
    document.getElementById('photo-preview').src = reader.result;
    document.getElementById('photo-name').textContent = file.name;
    document.getElementById('photo-chosen').hidden = false;
    document.getElementById('drop-hint').hidden = true;
    refreshControls();
    search();
  };
  reader.onerror = () => showError(pageError, `Cannot read ${file.name}: ${reader.error}`);
  reader.readAsDataURL(file);
}

function clearPhoto() {
  state.photo = null;
  document.getElementById('photo-chosen').hidden = true;
  document.getElementById('drop-hint').hidden = false;
  document.getElementById('photo-input').value = '';
  refreshControls();
}

function wireDropZone() {
  const zone = document.getElementById('drop-zone');
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => { event.preventDefault(); zone.classList.add('dragging'); });
  }
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    readPhoto(event.dataTransfer.files[0]);
  });
  document.getElementById('photo-input').addEventListener('change', (event) => readPhoto(event.target.files[0]));
  document.getElementById('photo-clear').addEventListener('click', clearPhoto);
}

async function start() {
  state.panes = [createPane('A', {fusion: 'rrf'}), createPane('B', {fusion: 'gqr'})];
  state.panes[1].root.hidden = true;
  wireDropZone();
  const params = new URLSearchParams(window.location.search);
  const select = document.getElementById('index');
  const queryText = document.getElementById('query-text');
  queryText.value = params.get('q') || '';
  let debounce = null;
  queryText.addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(refreshControls, 150); });
  document.getElementById('k').addEventListener('change', refreshControls);
  document.getElementById('compare').addEventListener('change', (event) => {
    document.body.classList.toggle('comparing', event.target.checked);
    state.panes[1].root.hidden = !event.target.checked;
    if (state.searched) search();
    else markDifferences();
  });
  document.getElementById('search-form').addEventListener('submit', (event) => { event.preventDefault(); refreshControls(); search(); });
  select.addEventListener('change', () => { state.loading = chooseIndex(select.value); });
  try {
    const indices = await listIndices();
    select.replaceChildren(...indices.map((row) => el('option', {value: row.index, text: `${row.index} (${row['docs.count']} docs)`})));
    if (indices.length === 0) {
      showError(document.getElementById('page-error'), 'This cluster has no open indices to search.');
      return;
    }
    const wanted = params.get('index');
    select.value = indices.some((row) => row.index === wanted) ? wanted : indices[0].index;
    state.loading = chooseIndex(select.value);
    await state.loading;
    if (queryText.value) search();
  } catch (e) {
    showError(document.getElementById('page-error'), `Cannot list indices: ${e.message}`);
  }
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', start);
