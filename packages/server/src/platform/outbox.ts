/**
 * Side effects leave a transaction only as outbox rows written in that same transaction; the
 * worker turns them into notifications, webhook deliveries and bus messages afterwards, so a
 * crash can delay a side effect but never lose or invent one.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { newId } from './ids.ts';

export interface OutboxMessage {
  districtId: string;
  topic: string;
  payload: Record<string, unknown>;
}

export async function enqueue(trx: Transaction<DB>, messages: OutboxMessage[], now: number): Promise<void> {
  if (messages.length === 0) return;
  await trx
    .insertInto('outbox')
    .values(
      messages.map((m) => ({
        id: newId(now),
        district_id: m.districtId,
        topic: m.topic,
        payload: JSON.stringify(m.payload),
        created_at: now,
        processed_at: null,
      })),
    )
    .execute();
}
