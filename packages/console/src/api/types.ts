/**
 * Names for the API's bodies, read from the generated paths so they follow the server's response
 * schemas: `Of<'/api/v1/cases/{id}', 'get'>` is a case as GET /api/v1/cases/{id} answers it.
 */
import type { paths } from './schema';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type SuccessOf<R> = R extends { 200: infer S } ? JsonOf<S> : R extends { 201: infer S } ? JsonOf<S> : never;

/** The JSON success body of a route: path as in the OpenAPI document, method in lower case. */
export type Of<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = paths[P][M] extends { responses: infer R } ? SuccessOf<R> : never;

/** One element of a `{ items: [...] }` body. */
export type ItemOf<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = Of<P, M> extends { items: Array<infer I> } ? I : never;

export type CaseView = Of<'/api/v1/cases/{id}', 'get'>;
export type Me = Of<'/api/v1/me', 'get'>;
