/** Classifier routes: suggest categories for a description, list and retrain the district's models. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { route } from '../../platform/http.ts';
import type { Services } from '../../services.ts';

export function intakeRoutes(app: FastifyInstance, s: Services): void {
  route(app, {
    method: 'POST',
    url: '/api/v1/intake/classify',
    permission: 'case.create',
    summary: "Top-3 categories for a description, with calibrated probabilities and the model version that made them",
    tags: ['intake'],
    body: z.object({ text: z.string().max(5000) }),
    handler: async ({ principal, body }) => s.classifier.suggest(principal.districtId, body.text),
  });
  route(app, {
    method: 'GET',
    url: '/api/v1/intake/models',
    permission: 'taxonomy.read',
    summary: "The district's classifier models (newest first) with held-out metrics, the base model and the active version",
    tags: ['intake'],
    handler: async ({ principal }) => s.classifier.models(principal.districtId),
  });
  route(app, {
    method: 'POST',
    url: '/api/v1/intake/models/retrain',
    permission: 'taxonomy.write',
    summary: 'Retrain from the shipped corpus plus cases whose category a person confirmed; the new model becomes active',
    tags: ['intake'],
    successStatus: 201,
    handler: async ({ principal }) => s.classifier.retrain(principal.districtId),
  });
}
