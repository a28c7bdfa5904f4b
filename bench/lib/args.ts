/**
 * Command-line options of the benches: `--name value`, `--name=value` and bare `--flag`.
 * Every bench reads its options through one Args and calls `done()`, so a misspelt option
 * stops the run instead of silently benchmarking the defaults.
 */
export class Args {
  private readonly values = new Map<string, string | true>();
  private readonly used = new Set<string>();

  constructor(argv: string[]) {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i] as string;
      if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}": options look like --name value or --name=value`);
      const eq = a.indexOf('=');
      if (eq > 0) {
        this.values.set(a.slice(2, eq), a.slice(eq + 1));
        continue;
      }
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        this.values.set(a.slice(2), next);
        i++;
      } else {
        this.values.set(a.slice(2), true);
      }
    }
  }

  flag(name: string): boolean {
    this.used.add(name);
    const v = this.values.get(name);
    if (v === undefined) return false;
    if (v === true || v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw new Error(`--${name} is a flag; give it alone or as --${name}=true|false`);
  }

  string(name: string, fallback: string): string {
    this.used.add(name);
    const v = this.values.get(name);
    if (v === undefined) return fallback;
    if (v === true) throw new Error(`--${name} needs a value`);
    return v;
  }

  optionalString(name: string): string | undefined {
    this.used.add(name);
    const v = this.values.get(name);
    if (v === true) throw new Error(`--${name} needs a value`);
    return v;
  }

  choice<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const v = this.string(name, fallback);
    if (!(values as readonly string[]).includes(v)) throw new Error(`--${name} must be one of ${values.join(', ')}, got "${v}"`);
    return v as T;
  }

  int(name: string, fallback: number, min = 1): number {
    const text = this.string(name, String(fallback));
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
    return n;
  }

  number(name: string, fallback: number): number {
    const text = this.string(name, String(fallback));
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${text}"`);
    return n;
  }

  /** Throws on any option no reader asked for. */
  done(): void {
    const unknown = [...this.values.keys()].filter((k) => !this.used.has(k));
    if (unknown.length) throw new Error(`unknown option(s): ${unknown.map((k) => `--${k}`).join(', ')}`);
  }
}
