/**
 * Finds every refusal text written in the source, as a sample English text (each `${…}` replaced by
 * a sample value), so a test can check the Chinese catalogue covers it: the messages of
 * `new DomainError(code, msg)`, `invalid(path, msg)` and `notFound(what)`, zod schemas' own
 * messages, and the problems and decision reasons that end up inside a refusal.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface Refusal {
  /** file:line, for the failure message. */
  at: string;
  code: string;
  /** The English message as thrown, with sample values in place of `${…}`. */
  sample: string;
}

/** Sample values by expression text, so a sample reads like a real refusal; anything else becomes `x1`, `x2`… */
const SAMPLES: Record<string, string> = {
  'c.state': 'CLOSED',
  'master.state': 'MERGED',
  action: 'reject',
  cadence: 'monthly',
  'spec.permission': 'case:dispatch',
};

/** A message that only passes on one built elsewhere (`body.${problem}`, `${path}: ${message}`): nothing literal to translate here. */
function isWrapper(sample: string): boolean {
  return /^(?:(?:body|query|params)\.)?x\d+$/.test(sample.replace(/^[A-Za-z][\w.[\]/-]*: /, ''));
}

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) yield p;
  }
}

function sampleOf(node: ts.Expression, n: { i: number }): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    let out = node.head.text;
    for (const span of node.templateSpans) {
      const text = span.expression.getText();
      out += SAMPLES[text] ?? `x${++n.i}`;
      out += span.literal.text;
    }
    return out;
  }
  return null; // a message computed elsewhere (e.g. a zod message re-thrown): not a literal to check
}

/** `skip`: files whose messages never reach an API client (e.g. the CLI's environment checks). */
export function scanRefusals(roots: string[], base: string, skip?: RegExp): Refusal[] {
  const out: Refusal[] = [];
  for (const root of roots) {
    for (const file of sourceFiles(root)) {
      if (skip?.test(relative(base, file))) continue;
      const text = readFileSync(file, 'utf8');
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        // The helpers' own bodies only wrap their callers' messages, which are scanned at the call.
        if (ts.isFunctionDeclaration(node) && (node.name?.text === 'invalid' || node.name?.text === 'notFound')) return;
        let code: string | null = null;
        let msg: ts.Expression | undefined;
        if (ts.isNewExpression(node) && node.expression.getText(sf) === 'DomainError' && node.arguments && node.arguments.length >= 2) {
          const c = node.arguments[0];
          if (c && ts.isStringLiteral(c)) code = c.text;
          msg = node.arguments[1];
        } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments.length >= 1) {
          const name = node.expression.text;
          if (name === 'invalid' && node.arguments.length === 2) {
            code = 'VALIDATION_FAILED';
            const p = node.arguments[0];
            const m = node.arguments[1];
            const n = { i: 0 };
            const path = p ? sampleOf(p, n) : null;
            const sample = m ? sampleOf(m, n) : null;
            if (path !== null && sample !== null) out.push({ at: where(sf, node, base), code, sample: `${path}: ${sample}` });
            return;
          }
          if (name === 'notFound' && node.arguments.length === 1) {
            const w = node.arguments[0];
            const what = w ? sampleOf(w, { i: 0 }) : null;
            if (what !== null) out.push({ at: where(sf, node, base), code: 'NOT_FOUND', sample: `${what} not found (or not visible to you)` });
            return;
          }
        }
        const problem = problemMessage(node);
        if (problem !== null && !isWrapper(problem)) out.push({ at: where(sf, node, base), code: 'VALIDATION_FAILED', sample: problem });
        const schemaMessage = zodMessage(node);
        if (schemaMessage !== null) out.push({ at: where(sf, node, base), code: 'VALIDATION_FAILED', sample: schemaMessage });
        if (code && msg) {
          const sample = sampleOf(msg, { i: 0 });
          if (sample !== null && !isWrapper(sample)) out.push({ at: where(sf, node, base), code, sample });
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
  }
  return out;
}

/**
 * A problem that ends up in a refusal's message or details: `out.push('…')`, `{ reason: '…' }` and
 * `bad('…')` in the checkers (scheme, rules, cards, targets, imports), and the texts of FormulaError
 * and of geometry's `fail(at, '…')`.
 */
function problemMessage(node: ts.Node): string | null {
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'FormulaError') {
    const a = node.arguments?.[0];
    return a ? sampleOf(a, { i: 0 }) : null;
  }
  // `reason` of an import problem ({ index | line, reason }) or of a refused decision ({ ok: false, code, reason }); not audit reasons
  if (ts.isPropertyAssignment(node) && node.name.getText() === 'reason' && ts.isObjectLiteralExpression(node.parent)) {
    const siblings = node.parent.properties.map((p) => p.name?.getText() ?? '');
    if (siblings.some((n) => n === 'index' || n === 'line' || n === 'ok')) return sampleOf(node.initializer, { i: 0 });
    return null;
  }
  if (!ts.isCallExpression(node)) return null;
  const callee = node.expression;
  if (ts.isIdentifier(callee) && callee.text === 'bad' && node.arguments.length === 1) {
    const a = node.arguments[0];
    return a ? sampleOf(a, { i: 0 }) : null;
  }
  if (ts.isIdentifier(callee) && callee.text === 'fail' && node.arguments.length === 2) {
    const a = node.arguments[1];
    return a ? sampleOf(a, { i: 0 }) : null;
  }
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'push' || !ts.isIdentifier(callee.expression)) return null;
  if (callee.expression.text !== 'out' && callee.expression.text !== 'problems') return null;
  const a = node.arguments[0];
  if (!a) return null;
  if (ts.isObjectLiteralExpression(a)) {
    for (const p of a.properties) {
      if (ts.isPropertyAssignment(p) && p.name.getText() === 'message') return sampleOf(p.initializer, { i: 0 });
    }
    return null;
  }
  return sampleOf(a, { i: 0 });
}

/** A zod schema's own message: `.min(1, 'describe the problem')`, `.regex(re, '…')`, `.refine(f, { message: '…' })`. */
const ZOD_CHECKS = new Set(['min', 'max', 'length', 'regex', 'refine', 'nonempty', 'startsWith', 'endsWith']);
function zodMessage(node: ts.Node): string | null {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || !ZOD_CHECKS.has(node.expression.name.text)) return null;
  if (node.arguments.length < 2) return null; // kysely's eb.fn.max('col') and friends take one argument
  const last = node.arguments[node.arguments.length - 1];
  if (last && ts.isStringLiteral(last)) return last.text;
  if (last && ts.isObjectLiteralExpression(last)) {
    for (const p of last.properties) {
      if (ts.isPropertyAssignment(p) && p.name.getText() === 'message' && ts.isStringLiteral(p.initializer)) return p.initializer.text;
    }
  }
  return null;
}

function where(sf: ts.SourceFile, node: ts.Node, base: string): string {
  return `${relative(base, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
}
