#!/usr/bin/env node
// Checks a deployment's category defaults against the category catalogue and the department list.
// Plain Node, no dependencies:
//   node data/taxonomy/check-defaults.mjs [defaults.json] [catalogue.csv] [departments.json]
// Prints "ok: N categories, M rules" and exits 0, or lists every problem and exits 1.
// The resolution (base rule of (kind, major), then the rule of (kind, code) on top) is described in README.md.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [defaultsPath = join(here, 'jiangbei-defaults.json'), cataloguePath = join(here, 'gbt47678-5-2026.csv'),
  departmentsPath = join(here, '..', 'demo', 'jiangbei', 'departments.json')] = process.argv.slice(2);

const STAGES = ['accept', 'register', 'dispatch', 'handle', 'check'];
const UNITS = { minute: 1, hour: 60, day: 8 * 60 }; // day = 8 working hours, used only to compare limits here
const URGENCIES = ['normal', 'urgent', 'emergency'];
const LIMIT_KEYS = { normal: 'limits', urgent: 'urgentLimits', emergency: 'emergencyLimits' };
const RULE_KEYS = ['match', 'name', 'note', 'responsible', 'urgency', 'limits', 'urgentLimits', 'emergencyLimits',
  'registerCondition', 'closeCondition', 'autoDispatch', 'dedupRadiusM'];
// every category must end up with all of these after resolution
const REQUIRED = ['responsible', 'urgency', 'registerCondition', 'closeCondition', 'autoDispatch', 'dedupRadiusM'];
const DEDUP_MIN = 50, DEDUP_MAX = 250;

const errors = [];
const fail = (msg) => errors.push(msg);

// ---- the catalogue (RFC 4180 enough for this file: quoted fields, CRLF or LF) ----
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

const [header, ...csvRows] = parseCsv(readFileSync(cataloguePath, 'utf8').replace(/^\uFEFF/, ''));
const want = ['kind', 'major_code', 'major_name', 'code', 'name'];
if (header.join(',') !== want.join(',')) fail(`catalogue header is "${header.join(',')}", expected "${want.join(',')}"`);
const categories = new Map(); // "kind:code" -> row
const majors = new Map(); // "kind:major" -> major_name
for (const [n, r] of csvRows.entries()) {
  const [kind, major, majorName, code, name] = r;
  const where = `catalogue line ${n + 2}`;
  if (r.length !== 5) { fail(`${where}: ${r.length} fields`); continue; }
  if (kind !== 'component' && kind !== 'matter') fail(`${where}: kind "${kind}"`);
  if (!/^\d{2}$/.test(major) || !/^\d{5}$/.test(code) || !code.startsWith(major)) fail(`${where}: code ${code} / major ${major}`);
  const key = `${kind}:${code}`;
  if (categories.has(key)) fail(`${where}: duplicate (${kind}, ${code})`);
  categories.set(key, { kind, major, majorName, code, name });
  const mk = `${kind}:${major}`;
  if (majors.has(mk) && majors.get(mk) !== majorName) fail(`${where}: major ${major} named "${majorName}" and "${majors.get(mk)}"`);
  majors.set(mk, majorName);
}
// names in the csv may carry a transcriber's note " (…)" (e.g. 05009); a rule's name may leave it out
const bareName = (s) => s.replace(/ \([^)]*\)/g, '');

// ---- departments ----
const deps = JSON.parse(readFileSync(departmentsPath, 'utf8'));
const depCodes = new Set((deps.departments ?? []).map((d) => d.code));
const responsibleOk = (v) => v === 'street' || depCodes.has(v);

// ---- defaults ----
const defs = JSON.parse(readFileSync(defaultsPath, 'utf8'));
for (const k of ['version', 'note', 'urgencies', 'stageLimits', 'rules']) if (defs[k] === undefined) fail(`defaults: missing "${k}"`);
const urgencyCodes = (defs.urgencies ?? []).map((u) => u.code);
if (urgencyCodes.join(',') !== URGENCIES.join(',')) fail(`urgencies must be ${URGENCIES.join(', ')} in that order, got ${urgencyCodes.join(', ')}`);
for (const u of defs.urgencies ?? []) if (!u.name || !u.nameEn) fail(`urgency ${u.code}: name and nameEn required`);

function checkLimit(where, lim) {
  if (!lim || typeof lim !== 'object') return fail(`${where}: not an object`);
  const extra = Object.keys(lim).filter((k) => k !== 'amount' && k !== 'unit');
  if (extra.length) fail(`${where}: unknown keys ${extra.join(', ')}`);
  if (!Object.hasOwn(UNITS, lim.unit)) fail(`${where}: unit "${lim.unit}" (use minute | hour | day)`);
  if (!Number.isInteger(lim.amount) || lim.amount <= 0) fail(`${where}: amount ${lim.amount} must be a positive integer`);
}
function checkStages(where, obj) {
  if (obj === undefined) return;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return fail(`${where}: not an object`);
  for (const [stage, lim] of Object.entries(obj)) {
    if (!STAGES.includes(stage)) fail(`${where}: unknown stage "${stage}" (stages: ${STAGES.join(', ')})`);
    else checkLimit(`${where}.${stage}`, lim);
  }
}
const stageLimits = defs.stageLimits ?? {};
for (const k of Object.keys(stageLimits)) {
  if (k !== 'default' && !URGENCIES.includes(k)) fail(`stageLimits: unknown key "${k}"`);
  checkStages(`stageLimits.${k}`, stageLimits[k]);
}
if (!stageLimits.default) fail('stageLimits.default missing');
else for (const s of STAGES) if (!stageLimits.default[s]) fail(`stageLimits.default.${s} missing`);

const baseRules = new Map(); // "kind:major" -> rule
const codeRules = new Map(); // "kind:code" -> rule
for (const [i, rule] of (defs.rules ?? []).entries()) {
  const m = rule.match ?? {};
  const label = `rule #${i} ${JSON.stringify(m)}`;
  for (const k of Object.keys(rule)) if (!RULE_KEYS.includes(k)) fail(`${label}: unknown key "${k}"`);
  const mkeys = Object.keys(m).sort().join(',');
  if (mkeys !== 'code,kind' && mkeys !== 'kind,major') { fail(`${label}: match must be {kind, major} or {kind, code}`); continue; }
  if (m.kind !== 'component' && m.kind !== 'matter') { fail(`${label}: kind "${m.kind}"`); continue; }
  if (m.major !== undefined) {
    const key = `${m.kind}:${m.major}`;
    if (!majors.has(key)) fail(`${label}: no major class ${m.major} of kind ${m.kind} in the catalogue`);
    else if (rule.name !== undefined && rule.name !== majors.get(key)) fail(`${label}: name "${rule.name}", catalogue says "${majors.get(key)}"`);
    if (baseRules.has(key)) fail(`${label}: second rule for (${m.kind}, major ${m.major})`);
    baseRules.set(key, rule);
    // a base rule must be complete so that every code under it resolves fully
    for (const k of REQUIRED) if (rule[k] === undefined) fail(`${label}: base rule lacks "${k}"`);
    for (const u of URGENCIES) if (!rule[LIMIT_KEYS[u]]?.handle) fail(`${label}: base rule lacks ${LIMIT_KEYS[u]}.handle`);
  } else {
    const key = `${m.kind}:${m.code}`;
    const cat = categories.get(key);
    if (!cat) fail(`${label}: no code ${m.code} of kind ${m.kind} in the catalogue`);
    else if (rule.name !== undefined && rule.name !== cat.name && rule.name !== bareName(cat.name)) fail(`${label}: name "${rule.name}", catalogue says "${cat.name}"`);
    if (codeRules.has(key)) fail(`${label}: second rule for (${m.kind}, ${m.code})`);
    codeRules.set(key, rule);
    if (Object.keys(rule).every((k) => k === 'match' || k === 'name' || k === 'note')) fail(`${label}: overrides nothing`);
  }
  if (rule.responsible !== undefined && !responsibleOk(rule.responsible)) fail(`${label}: responsible "${rule.responsible}" is neither a department code nor "street"`);
  if (rule.urgency !== undefined && !urgencyCodes.includes(rule.urgency)) fail(`${label}: urgency "${rule.urgency}"`);
  for (const k of Object.values(LIMIT_KEYS)) checkStages(`${label}.${k}`, rule[k]);
  for (const k of ['registerCondition', 'closeCondition']) if (rule[k] !== undefined && (typeof rule[k] !== 'string' || !rule[k].trim())) fail(`${label}: ${k} must be non-empty text`);
  if (rule.autoDispatch !== undefined && typeof rule.autoDispatch !== 'boolean') fail(`${label}: autoDispatch must be true or false`);
  if (rule.dedupRadiusM !== undefined && (!Number.isInteger(rule.dedupRadiusM) || rule.dedupRadiusM < DEDUP_MIN || rule.dedupRadiusM > DEDUP_MAX)) fail(`${label}: dedupRadiusM ${rule.dedupRadiusM} outside ${DEDUP_MIN}–${DEDUP_MAX}`);
}

// ---- resolution: stage-wise merge for limits, plain replacement for everything else ----
const mergeStages = (...layers) => Object.assign({}, ...layers.filter(Boolean));
function resolve(kind, code) {
  const cat = categories.get(`${kind}:${code}`);
  const base = cat && baseRules.get(`${kind}:${cat.major}`);
  const spec = codeRules.get(`${kind}:${code}`);
  if (!base) return null;
  const r = { ...base, ...spec };
  for (const k of Object.values(LIMIT_KEYS)) r[k] = mergeStages(base[k], spec?.[k]);
  // effective limits per urgency: global default, the rule's limits, then the urgency's global and rule layers
  r.effective = {};
  for (const u of URGENCIES) {
    r.effective[u] = u === 'normal'
      ? mergeStages(stageLimits.default, r.limits)
      : mergeStages(stageLimits.default, r.limits, stageLimits[u], r[LIMIT_KEYS[u]]);
  }
  return r;
}
const minutes = (l) => l.amount * UNITS[l.unit];

const resolved = new Map();
for (const [key, cat] of categories) {
  const r = resolve(cat.kind, cat.code);
  const label = `(${cat.kind}, ${cat.code} ${cat.name})`;
  if (!r) { fail(`${label}: no rule — add a base rule for (${cat.kind}, major ${cat.major}) or a rule for the code`); continue; }
  resolved.set(key, r);
  for (const k of REQUIRED) if (r[k] === undefined) fail(`${label}: resolves without "${k}"`);
  // the handle limit must come from a rule, never only from the global safety net
  for (const u of URGENCIES) if (!r[LIMIT_KEYS[u]].handle) fail(`${label}: no ${LIMIT_KEYS[u]}.handle from its rules`);
  for (const s of STAGES) {
    const [n, ur, em] = URGENCIES.map((u) => r.effective[u][s]);
    if (!n || !ur || !em) { fail(`${label}: stage ${s} has no limit for every urgency`); continue; }
    if (minutes(ur) > minutes(n) || minutes(em) > minutes(ur)) fail(`${label}: ${s} limits must not grow with urgency (normal ${n.amount} ${n.unit}, urgent ${ur.amount} ${ur.unit}, emergency ${em.amount} ${em.unit})`);
  }
}
// matters 01–05 are "<component>异常": they go to whoever owns the component
for (const [key, r] of resolved) {
  const [kind, code] = key.split(':');
  if (kind !== 'matter' || code.slice(0, 2) > '05') continue;
  const c = resolved.get(`component:${code}`);
  if (c && responsibleOk(c.responsible) && c.responsible !== r.responsible) fail(`(matter, ${code}): responsible "${r.responsible}" differs from its component's owner "${c.responsible}"`);
}

if (errors.length) {
  for (const e of errors) console.error('error: ' + e);
  console.error(`${errors.length} problem(s)`);
  process.exit(1);
}
console.log(`ok: ${categories.size} categories, ${(defs.rules ?? []).length} rules`);
