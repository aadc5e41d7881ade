import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import { VERSION } from '../version.js';
import type { Metrics } from './metrics.js';

export function registerHealthRoutes(
  http: FastifyInstance,
  deps: { database: Database; metrics: Metrics; enabled: boolean; ready: () => boolean },
): void {
  /** Alive: the process answers. */
  http.get('/healthz', async () => ({ status: 'ok', version: VERSION }));
  /** Ready: accepting connections and the database answers. */
  http.get('/readyz', async (_request, reply) => {
    let database = 'ok';
    try {
      await deps.database.ping();
    } catch {
      database = 'unreachable';
    }
    const ready = deps.ready() && database === 'ok';
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', database, accepting: deps.ready() };
  });
  if (deps.enabled) {
    http.get('/metrics', async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    });
  }
}
