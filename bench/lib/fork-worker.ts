/**
 * Runs a data-set generator in a child process: it gets `spec` as its first message and answers
 * `{ meta }` or `{ error }`, so the measuring process's RSS holds none of the generator's garbage.
 */
import { fork, type Serializable } from 'node:child_process';

export function runWorker<S extends Serializable, M>(workerFile: string, spec: S, label: string): Promise<M> {
  return new Promise((resolve, reject) => {
    const execArgv = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'];
    const child = fork(workerFile, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.once('message', (m: { meta?: M; error?: string }) => {
      settled = true;
      if (m.meta) resolve(m.meta);
      else reject(new Error(`${label}: ${m.error ?? 'no result'}`));
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`${label} exited with code ${code}`));
      settled = true;
    });
    child.send(spec);
  });
}

/** The child's side: generates from the first message and answers `{ meta }` or `{ error }`. */
export function serveWorker<S, M extends Serializable>(generate: (spec: S) => Promise<M>): void {
  process.once('message', (spec: S) => {
    generate(spec).then(
      (meta) => process.send?.({ meta }, () => process.exit(0)),
      (e: unknown) => process.send?.({ error: e instanceof Error ? e.stack : String(e) }, () => process.exit(1)),
    );
  });
}
