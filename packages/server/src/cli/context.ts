/** Shared CLI plumbing: load config, open services, pick the district, report errors plainly. */
import { isDomainError } from '@onegrid/domain/errors';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createServices, type Services } from '../services.ts';

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
    const problems = (e.details?.problems as Array<{ index: number; reason: string }> | undefined) ?? [];
    for (const p of problems.slice(0, 50)) process.stderr.write(`  feature ${p.index}: ${p.reason}\n`);
    if (problems.length > 50) process.stderr.write(`  … and ${problems.length - 50} more\n`);
  } else {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
  process.exit(1);
}
