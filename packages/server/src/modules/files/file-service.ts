/**
 * Photos and attachments. Uploads are checked by content (magic bytes), not by the name or the
 * declared type, stored under the data directory by content hash, and referenced by id.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '@onegrid/domain/errors';
import type { Store } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { Principal } from '../../platform/principal.ts';

const SIGNATURES: Array<{ mime: string; test: (b: Buffer) => boolean }> = [
  { mime: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { mime: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
];

export function sniffMime(b: Buffer): string | null {
  return SIGNATURES.find((s) => s.test(b))?.mime ?? null;
}

export class FileService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly dir: string,
  ) {}

  async save(p: Principal, content: Buffer): Promise<{ id: string; mime: string; size: number; sha256: string }> {
    const mime = sniffMime(content);
    if (!mime) throw new DomainError('UNSUPPORTED_MEDIA', 'only JPEG, PNG, WebP images and PDF documents are accepted');
    const sha256 = createHash('sha256').update(content).digest('hex');
    const file = path.join(this.dir, sha256.slice(0, 2), sha256);
    if (!fs.existsSync(file)) {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, content);
      await fs.promises.rename(tmp, file);
    }
    const id = newId();
    await this.store.db
      .insertInto('files')
      .values({ id, district_id: p.districtId, sha256, mime, size: content.length, uploaded_by: p.userId, created_at: this.clock.now() })
      .execute();
    return { id, mime, size: content.length, sha256 };
  }

  /** The ids, if every one names a file of this district; otherwise a 400 naming the first bad one. */
  async requireOwned(districtId: string, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const rows = await this.store.db.selectFrom('files').select('id').where('district_id', '=', districtId).where('id', 'in', unique).execute();
    const found = new Set(rows.map((r) => r.id));
    const missing = unique.find((id) => !found.has(id));
    if (missing) throw new DomainError('VALIDATION_FAILED', `photos: file ${missing} does not exist; upload it first with POST /api/v1/files`);
    return unique;
  }

  async open(districtId: string, id: string): Promise<{ mime: string; size: number; stream: fs.ReadStream }> {
    const row = await this.store.db.selectFrom('files').selectAll().where('district_id', '=', districtId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new DomainError('NOT_FOUND', `file ${id} not found`);
    return { mime: row.mime, size: row.size, stream: fs.createReadStream(path.join(this.dir, row.sha256.slice(0, 2), row.sha256)) };
  }
}
