/** Shared CLI plumbing: load config, open services, pick the district, report errors plainly. */
import fs from 'node:fs';
import cliProgress from 'cli-progress';
import { isDomainError } from '@onegrid/domain/errors';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createServices, type Services } from '../services.ts';
import type { FileProblem } from '../platform/data-file.ts';

export async function withServices<T>(fn: (s: Services) => Promise<T>, overrides: Partial<Config> = {}): Promise<T> {
  const s = await createServices(loadConfig(process.env, overrides));
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export async function districtId(s: Services, code?: string): Promise<string> {
  if (code) {
    const d = await s.org.districtByCode(code);
    if (!d) throw new CliError(`no district with code ${code}; run "onegrid districts" to list them`);
    return d.id;
  }
  const all = await s.org.listDistricts();
  if (all.length === 1 && all[0]) return all[0].id;
  if (all.length === 0) throw new CliError('no district yet: run "onegrid init" or "onegrid start --demo" first');
  throw new CliError(`several districts (${all.map((d) => d.code).join(', ')}): pass --district CODE`);
}

export class CliError extends Error {}

export function fail(e: unknown): never {
  if (e instanceof ConfigError || e instanceof CliError) {
    process.stderr.write(`error: ${e.message}\n`);
  } else if (isDomainError(e)) {
    process.stderr.write(`error ${e.code}: ${e.message}\n`);
    // Import files name each bad row by CSV line or GeoJSON feature index.
    const problems = (e.details?.problems as FileProblem[] | undefined) ?? [];
    for (const p of problems.slice(0, 200)) process.stderr.write(`  ${p.line !== undefined ? `line ${p.line}` : `feature ${p.index}`}: ${p.reason}\n`);
    if (problems.length > 200) process.stderr.write(`  … and ${problems.length - 200} more\n`);
  } else {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  process.exit(1);
}

export function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`${file}: not readable (${(e as Error).message})`);
  }
}

/** Runs an import behind a progress bar that appears once the importer knows the total. */
export async function withProgress<T>(what: string, run: (onProgress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const bar = new cliProgress.SingleBar({ format: `importing ${what} [{bar}] {value}/{total}`, clearOnComplete: false }, cliProgress.Presets.shades_classic);
  let started = false;
  try {
    return await run((done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}
