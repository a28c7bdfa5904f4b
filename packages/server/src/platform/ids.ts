import { randomFillSync } from 'node:crypto';

// Random bytes drawn from the CSPRNG in blocks: one syscall per 256 ids instead of two per id.
const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;
function random(n: number): Buffer {
  if (poolAt + n > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const out = Buffer.from(POOL.subarray(poolAt, poolAt + n));
  poolAt += n;
  return out;
}

/**
 * UUIDv7: time-ordered, so new rows land at the end of primary-key indexes on both stores and
 * ids sort by creation time (cursor pagination relies on that).
 */
let lastMs = 0;
let seq = 0;
export function newId(now = Date.now()): string {
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    seq = random(2).readUInt16BE(0) & 0x7ff;
  }
  const b = random(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
