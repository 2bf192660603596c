// What an index offers to search: its text, keyword, dense_vector and multi_vector fields, and which model wrote each
// vector field (from the index's ingest pipelines and the cluster's models). Shared by the search and relevance pages;
// everything is read through the public REST API.
import {callApi, encode} from './ui-common.js';

const TITLE_KEYS = ['title', 'name', 'product_name', 'headline'];

export async function listIndices() {
  const {json} = await callApi('GET', '/_cat/indices?format=json&h=index,docs.count&s=index&expand_wildcards=open');
  return json.filter((row) => !row.index.startsWith('.'));
}

function flattenMapping(properties, prefix, into) {
  for (const [name, definition] of Object.entries(properties || {})) {
    const path = prefix + name;
    if (definition.properties) {
      flattenMapping(definition.properties, path + '.', into);
      continue;
    }
    const type = definition.type || 'object';
    if (type === 'text' || type === 'match_only_text') into.text.push(path);
    else if (type === 'keyword') into.keyword.push(path);
    else if (type === 'dense_vector') {
      into.dense.push({name: path, dims: definition.dims, similarity: definition.similarity, model: definition.model, chunked: definition.chunked === true});
    }
    else if (type === 'multi_vector') into.multi.push({name: path, dims: definition.dims, model: definition.model});
  }
  return into;
}

// Which model wrote which field, read from the index's ingest pipelines (embed_text, embed_image, embed_product).
function fieldProducers(pipelines) {
  const producers = {};
  const textModels = [];
  for (const pipeline of pipelines) {
    for (const processor of pipeline.processors || []) {
      const [type, config] = Object.entries(processor)[0] || [];
      if (type === 'embed_text') {
        textModels.push(config.model);
        for (const target of Object.values(config.field_map || {})) producers[target] = {text: config.model};
        for (const target of Object.values(config.token_field_map || {})) producers[target] = {text: config.model};
      } else if (type === 'embed_image') {
        for (const target of Object.values(config.field_map || {})) producers[target] = {image: config.model};
      } else if (type === 'embed_product') {
        textModels.push(config.text_model);
        producers[config.target_field || 'product_vector'] = {text: config.text_model, image: config.image_model};
      }
    }
  }
  return {producers, textModels};
}

async function pipelinesOf(index) {
  let settings;
  try {
    const {json} = await callApi('GET', `/${encode(index)}/_settings?flat_settings=true`);
    settings = Object.values(json)[0].settings;
  } catch (e) {
    return []; // settings we may not read (security): models are then chosen by the fields' dims
  }
  const ids = ['index.default_pipeline', 'index.final_pipeline'].map((key) => settings[key]).filter((id) => id && id !== '_none');
  const pipelines = [];
  for (const id of ids) {
    try {
      const {json: found} = await callApi('GET', `/_ingest/pipeline/${encode(id)}`);
      pipelines.push(...Object.values(found));
    } catch (e) {
      // a pipeline we may not read (security) or that is gone: its fields fall back to models by dims
    }
  }
  return pipelines;
}

async function clusterModels() {
  const models = {};
  try {
    const {json} = await callApi('GET', '/_plugins/_multimodal/models');
    for (const node of Object.values(json.nodes || {})) {
      for (const model of node.models || []) models[model.id] = {kind: String(model.kind).toLowerCase(), dims: model.dims, space: model.space || model.id};
    }
  } catch (e) {
    // without the models API (permissions) only pipeline-named models are used
  }
  return models;
}

export async function describeIndex(index) {
  const {json} = await callApi('GET', `/${encode(index)}/_mapping`);
  const mapping = Object.values(json)[0].mappings || {};
  const fields = flattenMapping(mapping.properties, '', {text: [], keyword: [], dense: [], multi: []});
  const [pipelines, models] = await Promise.all([pipelinesOf(index), clusterModels()]);
  const {producers, textModels} = fieldProducers(pipelines);
  const withDims = (dims, kinds) => Object.entries(models).filter(([, m]) => m.dims === dims && kinds.includes(m.kind)).map(([id]) => id);
  const kindOf = (id) => (models[id] ? models[id].kind : null);

  const spaceOf = (id) => (models[id] ? models[id].space : id);
  const encodes = (id, input) => ['clip', input].includes(kindOf(id));

  // The model that encodes a query of this input for the field. First the mapping's: the field names the model that
  // filled it ("model"); it, or for words on a photo field, a text model of the same embedding space (a photo field
  // whose image model lives in a text model's space is searched by words through that text model). A field of text
  // vectors is not offered for photos.
  function modelFromMapping(field, input) {
    if (!field.model) return undefined;
    if (encodes(field.model, input)) return field.model;
    if (input === 'image') return null;
    return Object.keys(models).find((id) => spaceOf(id) === spaceOf(field.model) && encodes(id, input)) || null;
  }

  // Then, for fields whose mapping names no model: the one a pipeline writes it with, or any model of the field's dims.
  function modelFor(field, input) {
    const mapped = modelFromMapping(field, input);
    if (mapped !== undefined) return mapped;
    const producer = producers[field.name] || {};
    if (input === 'image') {
      if (producer.image) return producer.image;
      if (producer.text && kindOf(producer.text) === 'clip') return producer.text;
      return producer.text ? null : withDims(field.dims, ['image', 'clip'])[0] || null;
    }
    if (producer.text) return producer.text;
    if (producer.image && kindOf(producer.image) === 'clip') return producer.image;
    const sameSpace = textModels.find((id) => !models[id] || models[id].dims === field.dims);
    return sameSpace || withDims(field.dims, ['text', 'clip'])[0] || null;
  }

  const dense = fields.dense.map((field) => ({...field, textModel: modelFor(field, 'text'), imageModel: modelFor(field, 'image')}));
  const multi = fields.multi.map((field) => ({...field, textModel: modelFor(field, 'text')})).filter((field) => field.textModel);
  const title = TITLE_KEYS.find((key) => fields.text.includes(key) || fields.keyword.includes(key)) || fields.text[0] || null;
  return {
    index,
    text: fields.text,
    keyword: fields.keyword,
    dense,
    multi,
    title,
    snippet: fields.text.find((name) => name !== title) || null,
    vectorFields: [...fields.dense, ...fields.multi].map((field) => field.name),
  };
}

// The retriever kinds of the multimodal query the pages offer, one entry each: the retrievers of that kind an index
// supports for a query's inputs ({text, photo}: the text, or the relevance page's placeholder for each judged query's,
// and whether a photo is given), as the pages label them; spec(k) is the retriever as the request sends it.
const RETRIEVER_KINDS = {
  lexical: (schema, inputs) => (inputs.text && schema.text.length > 0 ? [{
    name: 'bm25', label: `BM25 over ${schema.text.join(', ')}`,
    spec: (k) => ({lexical: {query: {multi_match: {query: inputs.text, fields: schema.text}}, k}}),
  }] : []),
  dense: (schema, inputs) => schema.dense.flatMap((field) => [
    ...(inputs.text && field.textModel ? [{
      name: field.name, label: `${field.name} ← text, ${field.textModel}`, photos: Boolean(field.imageModel),
      spec: (k) => ({dense: {field: field.name, model: field.textModel, k, input: 'text'}}),
    }] : []),
    ...(inputs.photo && field.imageModel ? [{
      name: `${field.name}:photo`, label: `${field.name} ← photo, ${field.imageModel}`,
      spec: (k) => ({dense: {field: field.name, model: field.imageModel, k, input: 'image'}}),
    }] : []),
  ]),
  // MaxSim over the pool costs a token matrix per candidate: offered, off until the person switches it on
  multi_vector: (schema, inputs) => (inputs.text ? schema.multi.map((field) => ({
    name: field.name, offByDefault: true, label: `${field.name} MaxSim ← text, ${field.textModel}`,
    spec: () => ({multi_vector: {field: field.name, model: field.textModel}}),
  })) : []),
};

// Every retriever an index supports for these inputs, each with its kind.
export function retrieverOffers(schema, inputs) {
  return Object.entries(RETRIEVER_KINDS).flatMap(([kind, offers]) => offers(schema, inputs).map((r) => ({...r, kind})));
}
