// A setting of the relevance page, as a card: the retrievers the index offers, k, the fusion and its parameters, the
// late-interaction rerank and its token vectors, and the request all that builds (editable by hand), with QUERY_TEXT
// where each judged query's text goes. An ES module the relevance page imports.
import {el} from './ui-common.js';
import {retrieverOffers} from './index-schema.js';

const QUERY_TEXT = '{{query_text}}';
const LETTERS = 'ABCDEFGH';

// The retrievers a card offers: every one the index supports for a text query, the judged query's text in its place.
function retrieverChoices(schema) {
  return retrieverOffers(schema, {text: QUERY_TEXT});
}

// The settings a new card starts from, by position: BM25 alone, then fused with the first dense retriever by RRF, GQR,
// and RRF with the late-interaction rerank.
export function preset(position, schema) {
  // a field of text vectors first: one an image model wrote is searched by words too, but that is text -> image
  const denseFields = retrieverChoices(schema).filter((r) => r.kind === 'dense');
  const dense = denseFields.find((r) => !r.photos) || denseFields[0];
  const hybrid = ['bm25', ...(dense ? [dense.name] : [])];
  const letter = LETTERS[position] || String(position + 1);
  const with2 = dense ? `BM25 + ${dense.name}` : 'BM25';
  return [
    {name: `${letter} · BM25`, on: ['bm25'], fusion: 'rrf'},
    {name: `${letter} · ${with2}, RRF`, on: hybrid, fusion: 'rrf'},
    {name: `${letter} · ${with2}, GQR`, on: hybrid, fusion: 'gqr'},
    {name: `${letter} · ${with2}, RRF + rerank`, on: hybrid, fusion: 'rrf', rerank: schema.multi.length > 0},
  ][Math.min(position, 3)];
}

function numberField(label, cls, placeholder, value) {
  const input = el('input', {type: 'number', class: cls, step: 'any', placeholder: placeholder || ''});
  if (value !== undefined) input.value = String(value);
  return el('label', {}, `${label} `, input);
}

// A card in `container` for `schema`'s index, starting from `settings` (a preset); `onChange` is called when the person
// changes it, `onRemove` when they remove it. Returns the card: its inputs, `root`, `schema` and `custom` (the request
// was edited by hand).
export function createCard(schema, settings, container, onChange, onRemove) {
  const choices = retrieverChoices(schema);
  const root = el('section', {class: 'setting-card'});
  const name = el('input', {class: 'setting-name', 'aria-label': 'name of this setting'});
  name.value = settings.name;
  const remove = el('button', {type: 'button', class: 'remove', text: 'remove'});
  root.append(el('header', {}, name, remove));

  const form = el('div', {class: 'form-part'});
  const rows = choices.map((choice) => {
    const box = el('input', {type: 'checkbox', 'data-retriever': choice.name});
    box.checked = settings.on.includes(choice.name);
    const weight = el('input', {type: 'number', class: 'weight', step: 'any', min: '0', value: '1', title: `weight of ${choice.name} in the fusion`});
    const weightLabel = el('label', {class: 'weight'}, el('small', {class: 'note', text: 'weight '}), weight);
    return {choice, box, weight: weightLabel, input: weight, row: el('div', {class: 'retriever-row'}, el('label', {class: 'label'}, box, ` ${choice.label}`), weightLabel)};
  });
  if (rows.length === 0) form.append(el('p', {class: 'note', text: `Index [${schema.index}] has no text or dense_vector field to search.`}));
  form.append(...rows.map((r) => r.row));

  const k = el('input', {type: 'number', class: 'k', min: '1', max: '10000', value: '100'});
  const fusion = el('select', {class: 'fusion'},
    el('option', {value: 'rrf', text: 'RRF'}), el('option', {value: 'linear', text: 'Linear'}), el('option', {value: 'gqr', text: 'GQR'}));
  fusion.value = settings.fusion;
  form.append(el('div', {class: 'params'}, el('label', {}, 'k per retriever ', k), el('label', {}, 'Fusion ', fusion)));

  const rrf = el('div', {class: 'params', 'data-fusion': 'rrf'}, numberField('rank constant', 'rank-constant', '60'));
  const normalization = el('select', {class: 'normalization'},
    ...['min_max', 'z_score', 'l2', 'none'].map((n) => el('option', {value: n, text: n})));
  const linear = el('div', {class: 'params', 'data-fusion': 'linear'}, el('label', {}, 'normalization ', normalization));
  const primary = el('select', {class: 'primary'});
  const gqr = el('div', {class: 'params', 'data-fusion': 'gqr'},
    el('label', {}, 'primary ', primary),
    numberField('steps', 'steps', 'default'),
    numberField('learning rate', 'learning-rate', 'default'),
    numberField('pool k', 'pool-k', '10'),
    numberField('alpha', 'alpha', '0.5'),
    numberField('temperature', 'temperature', '1'));
  form.append(rrf, linear, gqr);

  const rerank = el('input', {type: 'checkbox', class: 'rerank'});
  rerank.checked = Boolean(settings.rerank);
  const tokens = el('select', {class: 'token-field', title: 'the multi_vector field whose token vectors the rerank reads'},
    ...schema.multi.map((f) => el('option', {value: f.name, text: f.name})));
  const windowSize = el('input', {type: 'number', class: 'window', min: '1', max: '10000', value: '50'});
  rerank.disabled = schema.multi.length === 0;
  form.append(el('div', {class: 'params'},
    el('label', {}, rerank, ' late-interaction rerank on token vectors '), tokens, el('label', {}, ' window ', windowSize),
    schema.multi.length === 0 ? el('span', {class: 'note', text: '(no multi_vector field in this index)'}) : null));
  root.append(form);

  const request = el('textarea', {class: 'request-body', rows: '12', spellcheck: 'false', 'aria-label': 'the request this setting sends'});
  const back = el('button', {type: 'button', class: 'back-to-form', text: 'Back to the form'});
  root.append(el('details', {class: 'request'},
    el('summary', {text: 'Request'}),
    el('p', {class: 'note', text: `${QUERY_TEXT} stands for each query's text. Edit the JSON to try any parameter; the form is then set aside.`}),
    request, back));
  const error = el('div', {class: 'error', role: 'alert'});
  error.hidden = true;
  root.append(error);

  const card = {root, schema, name, rows, k, fusion, rrf, linear, gqr, normalization, primary, rerank, tokens, windowSize, request, error, custom: false};
  const changed = () => {
    refreshCard(card);
    onChange();
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  name.addEventListener('input', onChange);
  request.addEventListener('input', () => {
    card.custom = true;
    root.classList.add('custom');
    onChange();
  });
  back.addEventListener('click', () => {
    card.custom = false;
    root.classList.remove('custom');
    refreshCard(card);
  });
  remove.addEventListener('click', () => {
    root.remove();
    onRemove(card);
  });
  container.append(root);
  refreshCard(card);
  const firstPrimary = [...primary.options].find((o) => o.value === settings.on.find((n) => n !== 'bm25'));
  if (firstPrimary) primary.value = firstPrimary.value;
  refreshCard(card);
  return card;
}

function refreshCard(card) {
  const on = card.rows.filter((r) => r.box.checked);
  for (const section of [card.rrf, card.linear, card.gqr]) section.hidden = section.dataset.fusion !== card.fusion.value || on.length < 2;
  for (const r of card.rows) r.weight.hidden = card.fusion.value === 'gqr' || on.length < 2;
  const chosen = card.primary.value;
  const primaries = on.filter((r) => r.choice.kind !== 'lexical');
  card.primary.replaceChildren(...primaries.map((r) => el('option', {value: r.choice.name, text: r.choice.name, 'data-kind': r.choice.kind})));
  if (primaries.some((r) => r.choice.name === chosen)) card.primary.value = chosen;
  if (!card.custom) {
    try {
      card.request.value = JSON.stringify(templateFromForm(card), null, 2);
    } catch (e) {
      card.request.value = `// ${e.message}`;
    }
  }
}

const numberIn = (input) => (input.value.trim() === '' ? undefined : Number(input.value));

function withDefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

// The setting's request, with QUERY_TEXT where each query's text goes.
function templateFromForm(card) {
  const on = card.rows.filter((r) => r.box.checked);
  if (on.length === 0) throw new Error('switch at least one retriever on');
  const k = numberIn(card.k);
  const query = {query_text: QUERY_TEXT, retrievers: Object.fromEntries(on.map((r) => [r.choice.name, r.choice.spec(k)]))};
  if (on.length > 1) {
    const weights = on.some((r) => numberIn(r.input) !== 1) ? Object.fromEntries(on.map((r) => [r.choice.name, numberIn(r.input)])) : undefined;
    const find = (section, cls) => numberIn(section.querySelector(`.${cls}`));
    if (card.fusion.value === 'linear') {
      query.fusion = {linear: withDefined({normalization: card.normalization.value, weights})};
    } else if (card.fusion.value === 'gqr') {
      query.fusion = {gqr: withDefined({
        primary: card.primary.value || undefined,
        steps: find(card.gqr, 'steps'),
        learning_rate: find(card.gqr, 'learning-rate'),
        pool_k: find(card.gqr, 'pool-k'),
        alpha: find(card.gqr, 'alpha'),
        temperature: find(card.gqr, 'temperature'),
      })};
    } else {
      query.fusion = {rrf: withDefined({rank_constant: find(card.rrf, 'rank-constant'), weights})};
    }
  }
  const body = {query: {multimodal: query}};
  const field = card.schema.multi.find((f) => f.name === card.tokens.value);
  if (card.rerank.checked && field) {
    body.rescore = {window_size: numberIn(card.windowSize), late_interaction: {field: field.name, model: field.textModel, query_text: QUERY_TEXT}};
  }
  return body;
}

export function templateOf(card) {
  if (!card.custom) return templateFromForm(card);
  try {
    return JSON.parse(card.request.value);
  } catch (e) {
    throw new Error(`the edited request is not valid JSON: ${e.message}`);
  }
}

// A copy of `template` with QUERY_TEXT replaced by `text` in every string.
export function instantiate(template, text) {
  if (typeof template === 'string') return template.split(QUERY_TEXT).join(text);
  if (Array.isArray(template)) return template.map((item) => instantiate(item, text));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, instantiate(value, text)]));
  }
  return template;
}
