import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError } from '@onegrid/domain/errors';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';

export function fileRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'POST',
    url: '/api/v1/files',
    permission: 'file.upload',
    summary: 'Upload one photo or document (multipart/form-data, field "file"); JPEG, PNG, WebP or PDF',
    tags: ['files'],
    successStatus: 201,
    response: z.object({ id: z.string(), mime: z.enum(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']), size: z.number().int(), sha256: z.string() }),
    handler: async ({ principal, req }) => {
      if (!req.isMultipart()) throw new DomainError('UNSUPPORTED_MEDIA', 'send the file as multipart/form-data with a field named "file"');
      // Read every part: a second file is refused rather than silently dropped.
      let content: Buffer | null = null;
      for await (const part of req.parts({ limits: { fileSize: s.config.maxUploadBytes, files: 2 } })) {
        if (part.type !== 'file') continue;
        if (content) throw new DomainError('VALIDATION_FAILED', 'one file per upload: send each photo or document in its own request');
        content = await part.toBuffer();
      }
      if (!content) throw new DomainError('VALIDATION_FAILED', 'no file in the upload; use a field named "file"');
      return s.files.save(principal, content);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/files/:id',
    permission: 'case.read',
    summary: 'Download an uploaded file',
    tags: ['files'],
    params: z.object({ id: z.string() }),
    produces: ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'],
    handler: async ({ principal, params, reply }) => {
      const f = await s.files.open(principal.districtId, params.id);
      return reply.header('content-type', f.mime).header('content-length', f.size).header('x-content-type-options', 'nosniff').send(f.stream);
    },
  });
}
