import type { RouteDef, RouteParsed, RouteResponse } from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AuthContext, Authenticator } from '../accounts/authenticator.js';
import { ApiError, validationError } from '../lib/errors.js';
import type { RateLimits } from './rate-limit.js';

export type RequestContext<R extends RouteDef> = RouteParsed<R> & {
  auth: R['auth'] extends true ? AuthContext : null;
  ip: string;
  userAgent: string | null;
  /** Answer with the route's other success status (e.g. 200 for an existing DM). */
  useAlternateStatus(): void;
};

export type Handler<R extends RouteDef> = (ctx: RequestContext<R>) => Promise<RouteResponse<R>>;

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error.issues, where);
  return result.data;
}

/**
 * Registers protocol routes on Fastify: rate limits, authentication, validation of params, query
 * and body against the protocol schemas, then the handler. With `validateResponses` (tests), every
 * response is checked against the route's schema, so the contract cannot drift.
 */
export class Api {
  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticator: Authenticator,
    private readonly limits: RateLimits,
    private readonly validateResponses: boolean,
  ) {}

  handle<R extends RouteDef>(def: R, handler: Handler<R>): void {
    this.app.route({
      method: def.method,
      url: '/api/v1' + def.path,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const ip = request.ip;
        this.limits.requests.enforce(ip, 'requests');
        if (def.authRateLimited) this.limits.auth.enforce(ip, 'login attempts');
        const auth = def.auth ? await this.authenticator.fromRequest(request) : null;
        let status: number = def.status;
        const ctx = {
          params: parse(def.params, request.params, 'params'),
          query: parse(def.query, request.query, 'query'),
          body: parse(def.body, request.body, 'body'),
          auth,
          ip,
          userAgent: request.headers['user-agent']?.slice(0, 256) ?? null,
          useAlternateStatus: () => {
            status = def.alsoStatus ?? def.status;
          },
        } as RequestContext<R>;
        const result = await handler(ctx);
        if (this.validateResponses) {
          const check = def.response.safeParse(result);
          if (!check.success) {
            throw new ApiError('internal', `response of ${def.method} ${def.path} breaks its schema: ${check.error.message}`);
          }
        }
        reply.code(status);
        return result;
      },
    });
  }
}
