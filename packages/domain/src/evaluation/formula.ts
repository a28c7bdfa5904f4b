/**
 * Indicator formulas as data: arithmetic (+ − × ÷, parentheses, numbers) over named counts, e.g.
 * `closed_on_time / due_to_close` or `(registered - voided) / registered`. A formula is parsed
 * once into a tree; evaluating it with a zero denominator gives null ("no data"), never
 * Infinity, so an object with nothing due is shown as "—" rather than ranked as 0 or 100 %.
 */
export type Expr =
  | { op: 'num'; value: number }
  | { op: 'ref'; name: string }
  | { op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  | { op: 'neg'; arg: Expr };

export class FormulaError extends Error {}

type Token = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'sym'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (/[0-9.]/.test(ch)) {
      const m = src.slice(i).match(/^\d+(\.\d+)?|^\.\d+/);
      if (!m) throw new FormulaError(`bad number at ${i + 1}`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = src.slice(i).match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if ('+-*/()'.includes(ch)) {
      out.push({ t: 'sym', v: ch });
      i++;
    } else {
      throw new FormulaError(`unexpected "${ch}" at ${i + 1}`);
    }
  }
  return out;
}

/** Parses a formula; throws FormulaError saying where it is wrong. */
export function parseFormula(src: string): Expr {
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos];
  const sym = (v: string) => {
    const k = peek();
    if (k?.t === 'sym' && k.v === v) {
      pos++;
      return true;
    }
    return false;
  };
  const primary = (): Expr => {
    const k = toks[pos++];
    if (!k) throw new FormulaError('the formula ends too early');
    if (k.t === 'num') return { op: 'num', value: k.v };
    if (k.t === 'id') return { op: 'ref', name: k.v };
    if (k.v === '(') {
      const e = sum();
      if (!sym(')')) throw new FormulaError('a ")" is missing');
      return e;
    }
    if (k.v === '-') return { op: 'neg', arg: primary() };
    throw new FormulaError(`unexpected "${k.v}"`);
  };
  const product = (): Expr => {
    let e = primary();
    for (;;) {
      if (sym('*')) e = { op: '*', left: e, right: primary() };
      else if (sym('/')) e = { op: '/', left: e, right: primary() };
      else return e;
    }
  };
  const sum = (): Expr => {
    let e = product();
    for (;;) {
      if (sym('+')) e = { op: '+', left: e, right: product() };
      else if (sym('-')) e = { op: '-', left: e, right: product() };
      else return e;
    }
  };
  if (!toks.length) throw new FormulaError('the formula is empty');
  const e = sum();
  if (pos < toks.length) throw new FormulaError(`unexpected "${String(toks[pos]?.v)}" after a complete formula`);
  return e;
}

/** The names a formula refers to. */
export function refsOf(e: Expr, into = new Set<string>()): Set<string> {
  if (e.op === 'ref') into.add(e.name);
  else if (e.op === 'neg') refsOf(e.arg, into);
  else if (e.op !== 'num') {
    refsOf(e.left, into);
    refsOf(e.right, into);
  }
  return into;
}

/** Evaluates with the given values; a missing name or a zero denominator gives null. */
export function evaluate(e: Expr, get: (name: string) => number | null | undefined): number | null {
  switch (e.op) {
    case 'num':
      return e.value;
    case 'ref':
      return get(e.name) ?? null;
    case 'neg': {
      const v = evaluate(e.arg, get);
      return v === null ? null : -v;
    }
    default: {
      const l = evaluate(e.left, get);
      const r = evaluate(e.right, get);
      if (l === null || r === null) return null;
      if (e.op === '+') return l + r;
      if (e.op === '-') return l - r;
      if (e.op === '*') return l * r;
      return r === 0 ? null : l / r;
    }
  }
}
