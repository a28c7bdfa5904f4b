/**
 * Refusals in the caller's language. Services throw English; the error handler asks for the
 * language the request prefers (Accept-Language) and, for Chinese, rewrites the message through
 * the catalogue in messages-zh.ts. The code and everything in details other than issue messages
 * and import problem reasons stay as thrown, so clients that branch on them are not affected.
 */
import type { DomainError, ErrorCode } from '@onegrid/domain/errors';
import { z } from 'zod';
import { VALUE_NAMES, ZH_FALLBACK, ZH_MESSAGES } from './messages-zh.ts';

export type Lang = 'zh-CN' | 'en-US';

/** zh* → zh-CN; anything else, or nothing, → en-US (the API's default for scripts and integrations). */
export function negotiate(acceptLanguage: string | string[] | undefined): Lang {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const lang: Lang | null = tag.startsWith('zh') ? 'zh-CN' : tag.startsWith('en') ? 'en-US' : null;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'en-US';
}

interface Entry {
  re: RegExp;
  slots: Array<{ name: string; table: string | undefined }>;
  zh: string;
  /** Length of the fixed text: the most specific match wins. */
  weight: number;
}

const SLOT = /\{\{(\w+)(?::(\w+))?\}\}/g;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compile([en, zh]: readonly [string, string]): Entry {
  const slots: Entry['slots'] = [];
  let pattern = '';
  let last = 0;
  for (const m of en.matchAll(SLOT)) {
    pattern += `${escapeRe(en.slice(last, m.index))}(.+?)`;
    slots.push({ name: m[1] as string, table: m[2] });
    last = m.index + m[0].length;
  }
  pattern += escapeRe(en.slice(last));
  return { re: new RegExp(`^${pattern}$`, 's'), slots, zh, weight: en.replace(SLOT, '').length };
}

const ENTRIES = ZH_MESSAGES.map(compile);
/** `body.reason: …`, `query.cursor: …`, `from/to: …`: a field path (no spaces) before the message. */
const PATH_PREFIX = /^([A-Za-z][\w.[\]/-]*): (.+)$/s;

/** The Chinese for one English message, or null when the catalogue has no entry for it. */
export function translateZh(en: string): string | null {
  let best: { entry: Entry; m: RegExpExecArray } | null = null;
  for (const entry of ENTRIES) {
    if (best && entry.weight <= best.entry.weight) continue;
    const m = entry.re.exec(en);
    if (m) best = { entry, m };
  }
  if (best) {
    const { entry, m } = best;
    const values = new Map(entry.slots.map((s, i) => [s.name, valueZh(m[i + 1] as string, s.table)]));
    return entry.zh.replace(SLOT, (_, name: string) => values.get(name) ?? '');
  }
  const p = PATH_PREFIX.exec(en);
  if (p) {
    const inner = translateZh(p[2] as string);
    if (inner !== null) return `${p[1]}: ${inner}`;
  }
  return null;
}

function valueZh(value: string, table: string | undefined): string {
  if (!table) return value;
  if (table === 'msg') return translateZh(value) ?? value;
  const names = VALUE_NAMES[table] ?? {};
  // A list of names ("open or escalated") reads as one Chinese list.
  return names[value] ?? value.split(' or ').map((v) => names[v] ?? v).join('或');
}

/** A message the catalogue lacks still reads as Chinese: the per-code sentence, with the English kept in brackets for the specifics. */
export function messageZh(code: ErrorCode, en: string): string {
  const zh = translateZh(en);
  if (zh !== null) return zh;
  const p = PATH_PREFIX.exec(en);
  return p ? `${p[1]}: ${ZH_FALLBACK[code]}（${p[2]}）` : `${ZH_FALLBACK[code]}（${en}）`;
}

// ---------------------------------------------------------------- zod

interface Issue {
  path: string;
  message: string;
}
const zhIssues = new WeakMap<DomainError, Issue[]>();

/** validate() records the Chinese issues beside the English ones; the error handler picks the language. */
export function rememberZhIssues(e: DomainError, issues: Issue[]): DomainError {
  zhIssues.set(e, issues);
  return e;
}

export function zhIssuesOf(e: unknown): Issue[] | undefined {
  return typeof e === 'object' && e !== null ? zhIssues.get(e as DomainError) : undefined;
}

const TYPE_ZH: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  date: '日期',
  null: '空值',
  undefined: '空',
  nan: 'NaN',
};
const FORMAT_ZH: Record<string, string> = {
  email: '有效的电子邮件地址',
  url: '有效的网址',
  uuid: '有效的 UUID',
  datetime: 'ISO 8601 日期时间，例如 2024-03-05T08:00:00Z',
  date: 'ISO 日期，例如 2024-03-05',
  time: 'ISO 时间，例如 08:00:00',
  ipv4: 'IPv4 地址',
  ipv6: 'IPv6 地址',
};
const zhCN = z.locales.zhCN().localeError;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isNaN(v)) return 'nan';
  return typeof v;
}

const list = (xs: readonly unknown[]) => xs.map((x) => (typeof x === 'string' ? `"${x}"` : String(x))).join('、');

/** Zod's default messages in Chinese, phrased for a form user (zod's own zh-CN locale covers the rare rest). */
export const zodZh: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return '必填';
      return `应为${TYPE_ZH[iss.expected] ?? iss.expected}，实际为${TYPE_ZH[typeOf(iss.input)] ?? typeOf(iss.input)}`;
    case 'too_small': {
      const n = Number(iss.minimum);
      if (iss.origin === 'string') return n === 1 ? '不能为空' : `至少 ${n} 个字符`;
      if (iss.origin === 'array' || iss.origin === 'set') return n === 1 ? '至少需要 1 项' : `至少需要 ${n} 项`;
      return iss.inclusive ? `不能小于 ${n}` : `必须大于 ${n}`;
    }
    case 'too_big': {
      const n = Number(iss.maximum);
      if (iss.origin === 'string') return `不能超过 ${n} 个字符`;
      if (iss.origin === 'array' || iss.origin === 'set') return `最多 ${n} 项`;
      if (iss.origin === 'file') return `文件不能超过 ${n} 字节`;
      return iss.inclusive ? `不能大于 ${n}` : `必须小于 ${n}`;
    }
    case 'invalid_value':
      return iss.values.length === 1 ? `应为 ${list(iss.values)}` : `应为以下之一：${list(iss.values)}`;
    case 'invalid_format':
      if (iss.format === 'regex') return '格式不符合要求';
      return FORMAT_ZH[iss.format] ? `应为${FORMAT_ZH[iss.format]}` : zhCN(iss);
    case 'unrecognized_keys':
      return `不允许的字段：${list(iss.keys)}`;
    case 'not_multiple_of':
      return `必须是 ${String(iss.divisor)} 的倍数`;
    case 'invalid_union':
      return '不符合任何一种允许的格式';
    default:
      return zhCN(iss);
  }
};

// ---------------------------------------------------------------- the response body

interface Body {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** The body in `lang`: for zh-CN the message and any issue messages in Chinese; en-US as thrown. */
export function localizeBody<B extends Body>(body: B, lang: Lang, err?: unknown): B {
  if (lang === 'en-US') return body;
  const { code, message, details } = body.error;
  const zod = zhIssuesOf(err);
  const issues = zod ?? (Array.isArray(details?.issues) ? (details.issues as Issue[]) : undefined);
  const zhList = issues?.map((i) => ({ ...i, message: typeof i.message === 'string' ? (translateZh(i.message) ?? i.message) : i.message }));
  const first = zod ? zhList?.[0] : undefined;
  const problems = Array.isArray(details?.problems) ? (details.problems as Array<{ reason?: unknown }>).map((x) => (typeof x?.reason === 'string' ? { ...x, reason: reasonZh(x.reason) } : x)) : undefined;
  return {
    ...body,
    error: {
      ...body.error,
      message: first ? `${first.path}: ${first.message}` : messageZh(code, message),
      ...(details && (zhList || problems) ? { details: { ...details, ...(zhList ? { issues: zhList } : {}), ...(problems ? { problems } : {}) } } : {}),
    },
  };
}

/** An import problem's reason: one message, or several joined with '; ' (each kept in English when unknown). */
function reasonZh(reason: string): string {
  return translateZh(reason) ?? reason.split('; ').map((r) => translateZh(r) ?? r).join('；');
}
