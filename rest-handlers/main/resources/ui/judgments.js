// Judged query sets for the relevance page: from files the person gives (qrels in the TREC or BEIR format, queries as
// BEIR's queries.jsonl or a TSV), or from an index that holds them. A file that cannot be read says which line and why.
// A judged set is {label, queries: [{id, text, ratings: [{doc, rating}]}]}.
import {callApi, encode} from './ui-common.js';

class JudgmentsError extends Error {
}

function fileLine(fileName, line, reason) {
  return new JudgmentsError(`${fileName} line ${line}: ${reason}`);
}

function contentLines(text) {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).map((content, i) => ({number: i + 1, content}))
    .filter((line) => line.content.trim() !== '' && !line.content.startsWith('#'));
}

const WHOLE_NUMBER = /^-?\d+$/;

// qrels, in either format:
//   TREC: "query-id iteration doc-id relevance", four fields separated by spaces or tabs (the iteration is ignored);
//   BEIR: "query-id<TAB>corpus-id<TAB>score", with or without the header line "query-id corpus-id score".
// Returns {format, ratings: Map(query id -> Map(doc id -> rating)), count}.
export function parseQrels(text, fileName) {
  const lines = contentLines(text);
  if (lines.length === 0) throw new JudgmentsError(`${fileName} holds no judgments`);
  const first = lines[0].content;
  const beir = first.includes('\t') && first.split('\t').length === 3;
  let start = 0;
  if (beir && !WHOLE_NUMBER.test(first.split('\t')[2].trim())) start = 1; // the header
  const format = beir ? 'BEIR' : 'TREC';
  const ratings = new Map();
  const seenAt = new Map();
  let count = 0;
  for (const {number, content} of lines.slice(start)) {
    const fields = beir ? content.split('\t').map((f) => f.trim()) : content.trim().split(/\s+/);
    const expected = beir ? 3 : 4;
    if (fields.length !== expected) {
      const shape = beir ? 'query-id<TAB>corpus-id<TAB>score (BEIR)' : '"query-id iteration doc-id relevance" (TREC)';
      throw fileLine(fileName, number, `expected ${expected} fields, ${shape}, but found ${fields.length}: "${abbreviate(content)}"`);
    }
    const [query, doc, value] = beir ? fields : [fields[0], fields[2], fields[3]];
    if (query === '' || doc === '') throw fileLine(fileName, number, 'a query id and a document id are needed');
    if (!WHOLE_NUMBER.test(value)) throw fileLine(fileName, number, `the relevance "${abbreviate(value)}" is not a whole number`);
    const rating = Number(value);
    if (rating < 0) throw fileLine(fileName, number, `the relevance ${rating} is negative: use 0 for not relevant`);
    const key = `${query}\u0000${doc}`;
    if (seenAt.has(key)) {
      throw fileLine(fileName, number, `document "${doc}" of query "${query}" is judged twice (first on line ${seenAt.get(key)})`);
    }
    seenAt.set(key, number);
    if (!ratings.has(query)) ratings.set(query, new Map());
    ratings.get(query).set(doc, rating);
    count++;
  }
  if (count === 0) throw new JudgmentsError(`${fileName} has a header but no judgments`);
  return {format, ratings, count};
}

// Queries: BEIR's queries.jsonl ({"_id": ..., "text": ...} a line) or a TSV "query-id<TAB>text" (a header line
// "query-id<TAB>text" or "qid<TAB>query" is skipped). Returns Map(query id -> text).
export function parseQueries(text, fileName) {
  const lines = contentLines(text);
  if (lines.length === 0) throw new JudgmentsError(`${fileName} holds no queries`);
  const queries = new Map();
  const jsonLines = lines[0].content.trim().startsWith('{');
  lines.forEach(({number, content}, i) => {
    let id;
    let query;
    if (jsonLines) {
      let parsed;
      try {
        parsed = JSON.parse(content);
      } catch (e) {
        throw fileLine(fileName, number, `not a JSON object (${e.message})`);
      }
      id = parsed === null ? undefined : parsed._id ?? parsed.id ?? parsed.query_id;
      query = parsed === null ? undefined : parsed.text ?? parsed.query ?? parsed.query_text;
      if ((typeof id !== 'string' && typeof id !== 'number') || typeof query !== 'string') {
        throw fileLine(fileName, number, 'each line needs "_id" and "text" (BEIR queries.jsonl)');
      }
    } else {
      const tab = content.indexOf('\t');
      if (tab <= 0) throw fileLine(fileName, number, `expected "query-id<TAB>text", found "${abbreviate(content)}"`);
      id = content.slice(0, tab).trim();
      query = content.slice(tab + 1).trim();
      if (i === 0 && /^(_?id|qid|query[-_]?id)$/i.test(id) && /^(text|query|query[-_]?text)$/i.test(query)) return; // header
    }
    if (String(query).trim() === '') throw fileLine(fileName, number, `query "${id}" has no text`);
    queries.set(String(id), query);
  });
  if (queries.size === 0) throw new JudgmentsError(`${fileName} has a header but no queries`);
  return queries;
}

// The judged queries that have a text; those without one are reported, not evaluated.
export function combineJudgments(qrels, queries, label) {
  const judged = [];
  const withoutText = [];
  for (const [id, docs] of qrels.ratings) {
    if (!queries.has(id)) {
      withoutText.push(id);
      continue;
    }
    judged.push({id, text: queries.get(id), ratings: [...docs.entries()].map(([doc, rating]) => ({doc, rating}))});
  }
  if (judged.length === 0) {
    throw new JudgmentsError(`none of the ${qrels.ratings.size} judged queries has a text in the queries file (ids such as "${[...qrels.ratings.keys()][0]}")`);
  }
  return {label, queries: judged, withoutText};
}

function abbreviate(text) {
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

export function readFileText(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new JudgmentsError(`cannot read ${file.name}: ${reader.error}`));
    reader.readAsText(file);
  });
}

// ---------------------------------------------------------------- judged sets kept in an index

// Indices whose mapping says what they judge: "_meta": {"multimodal_judgments": {"index": ..., "description": ...}}.
export async function listJudgmentIndices() {
  const {json} = await callApi('GET', '/_mapping?filter_path=*.mappings._meta.multimodal_judgments');
  return Object.entries(json || {})
    .map(([index, body]) => ({name: index, ...((body.mappings || {})._meta || {}).multimodal_judgments}))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// One document a query: {"query_id", "query_text", "judgments": [{"doc", "rating"}]} (at most 10,000 queries).
export async function readJudgmentIndex(name, label) {
  const {json} = await callApi('POST', `/${encode(name)}/_search`, {size: 10000, sort: [{query_id: 'asc'}]});
  const queries = [];
  for (const hit of json.hits.hits) {
    const source = hit._source || {};
    const where = `document [${hit._id}] of [${name}]`;
    if ((typeof source.query_id !== 'string' && typeof source.query_id !== 'number') || typeof source.query_text !== 'string') {
      throw new JudgmentsError(`${where} needs "query_id" and "query_text"`);
    }
    if (!Array.isArray(source.judgments)) throw new JudgmentsError(`${where} needs "judgments": [{"doc", "rating"}]`);
    const ratings = source.judgments.map((judgment, i) => {
      if (!judgment || (typeof judgment.doc !== 'string' && typeof judgment.doc !== 'number') || !Number.isInteger(judgment.rating) || judgment.rating < 0) {
        throw new JudgmentsError(`${where}: judgments[${i}] needs "doc" and a whole-number "rating" of 0 or more`);
      }
      return {doc: String(judgment.doc), rating: judgment.rating};
    });
    queries.push({id: String(source.query_id), text: source.query_text, ratings});
  }
  if (queries.length === 0) throw new JudgmentsError(`[${name}] holds no judged queries`);
  const total = json.hits.total ? json.hits.total.value : queries.length;
  return {label, queries, withoutText: [], truncated: total > queries.length};
}
