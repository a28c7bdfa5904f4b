/**
 * Suites that need a real broker (MQTT, NATS): in CI (CI=true) an unreachable broker fails the
 * suite at load; elsewhere it is skipped with a printed note.
 */
import net from 'node:net';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(2000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** True when the broker at `url` accepts connections; throws in CI when it does not. */
export async function brokerUp(name: string, url: string, defaultPort: number, envVar: string): Promise<boolean> {
  const u = new URL(url);
  const up = await reachable(u.hostname, Number(u.port || defaultPort));
  if (!up && process.env.CI === 'true') throw new Error(`CI requires the ${name} broker at ${url}: the ${name} suite must not be skipped`);
  if (!up) process.stdout.write(`note: no ${name} broker at ${url}; the ${name} suite is skipped (set ${envVar} or start it)\n`);
  return up;
}
