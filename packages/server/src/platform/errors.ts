/**
 * One Fastify error handler for the whole API: DomainError codes map to HTTP statuses through
 * ERROR_STATUS; framework errors (bad JSON, body too large, wrong content type) get stable codes
 * too; anything else is a 500 whose internals stay in the log. Messages are thrown in English and
 * answered in the request's language (localize.ts).
 */
import { DomainError, ERROR_STATUS, type ErrorCode } from '@onegrid/domain/errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { localizeBody, negotiate } from './localize.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

const FRAMEWORK: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['INVALID_JSON', 'the request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['INVALID_JSON', 'the request body is empty; send a JSON object'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'the request body is larger than the server accepts'],
  FST_REQ_FILE_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'the uploaded file is larger than the server accepts'],
  FST_PARTS_LIMIT: ['PAYLOAD_TOO_LARGE', 'too many parts in the upload'],
  FST_FILES_LIMIT: ['PAYLOAD_TOO_LARGE', 'upload one file per request'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA', 'unsupported Content-Type; send application/json'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: ['UNSUPPORTED_MEDIA', 'send the file as multipart/form-data'],
};

export function toErrorBody(e: unknown): { status: number; body: ErrorBody } | null {
  if (e instanceof DomainError) {
    return {
      status: ERROR_STATUS[e.code],
      body: { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } },
    };
  }
  const fe = e as FastifyError;
  const known = fe?.code ? FRAMEWORK[fe.code] : undefined;
  if (known) return { status: ERROR_STATUS[known[0]], body: { error: { code: known[0], message: known[1] } } };
  if (typeof fe?.message === 'string' && fe.message.startsWith('Multipart:')) {
    return { status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA', message: `malformed multipart/form-data body (${fe.message})` } } };
  }
  if (fe instanceof SyntaxError && fe.statusCode === 400) {
    return { status: 400, body: { error: { code: 'INVALID_JSON', message: 'the request body is not valid JSON' } } };
  }
  return null;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const mapped = toErrorBody(err);
    if (mapped) {
      if (mapped.status >= 500) req.log.error({ err }, 'request failed');
      return sendError(req, reply, mapped.status, mapped.body, err);
    }
    req.log.error({ err }, 'unexpected error');
    const body: ErrorBody = {
      error: { code: 'INTERNAL', message: `internal error; the server log has the details (request id ${req.id})` },
    };
    return sendError(req, reply, 500, body);
  });
  app.setNotFoundHandler((req, reply) => {
    const body: ErrorBody = { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } };
    return sendError(req, reply, 404, body);
  });
}

/** Every refusal leaves here, in the language the request prefers (the code never changes). */
function sendError(req: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody, err?: unknown): FastifyReply {
  const lang = negotiate(req.headers['accept-language']);
  const vary = reply.getHeader('vary');
  reply.header('vary', vary ? `${String(vary)}, Accept-Language` : 'Accept-Language');
  return reply.status(status).header('content-language', lang).send(localizeBody(body, lang, err));
}

export function notFound(what: string): DomainError {
  return new DomainError('NOT_FOUND', `${what} not found (or not visible to you)`);
}
