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
  /** Adds a response header (e.g. the Set-Cookie of a browser session). */
  setHeader(name: string, value: string | string[]): void;
};

/**
 * A response body that is already JSON text of the route's response (e.g. a history page spliced
 * from stored message JSON): sent as it is, still checked against the schema under test.
 */
export class JsonText<T> {
  declare private readonly shape: T;
  constructor(readonly text: string) {}
}

export type Handler<R extends RouteDef> = (ctx: RequestContext<R>) => Promise<RouteResponse<R> | JsonText<RouteResponse<R>>>;

/**
 * For file routes: the handler reads the raw request (uploads) or writes the reply itself
 * (downloads); also for JSON routes that answer conditional requests (ETag, 304).
 */
export type RawHandler<R extends RouteDef> = (ctx: RequestContext<R>, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

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
  ) {
    // Upload routes live in a scope whose only body parser leaves the stream unread. Fastify runs
    // this plugin when the server starts, after every route was declared.
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      for (const register of this.uploadRoutes) register(scope);
    });
  }

  private readonly uploadRoutes: ((scope: FastifyInstance) => void)[] = [];

  private async context<R extends RouteDef>(def: R, request: FastifyRequest, reply: FastifyReply, setStatus: (s: number) => void): Promise<RequestContext<R>> {
    const ip = request.ip;
    this.limits.requests.enforce(ip, 'requests');
    if (def.authRateLimited) this.limits.auth.enforce(ip, 'login attempts');
    const auth = def.auth ? await this.authenticator.fromRequest(request) : null;
    return {
      params: parse(def.params, request.params, 'params'),
      query: parse(def.query, request.query, 'query'),
      body: def.upload ? undefined : parse(def.body, request.body, 'body'),
      auth,
      ip,
      userAgent: request.headers['user-agent']?.slice(0, 256) ?? null,
      useAlternateStatus: () => setStatus(def.alsoStatus ?? def.status),
      setHeader: (name: string, value: string | string[]) => void reply.header(name, value),
    } as RequestContext<R>;
  }

  /** A file route: validated and authenticated like the others; the handler owns the body or the reply. */
  handleRaw<R extends RouteDef>(def: R, handler: RawHandler<R>): void {
    const register = (app: FastifyInstance) =>
      app.route({
        method: def.method,
        url: '/api/v1' + def.path,
        handler: async (request: FastifyRequest, reply: FastifyReply) => {
          let status: number = def.status;
          let result: unknown;
          try {
            const ctx = await this.context(def, request, reply, (s) => (status = s));
            result = await handler(ctx, request, reply);
          } catch (err) {
            // An upload refused before its body was read in full: close the connection after
            // answering, rather than read (and discard) the rest of what may be a huge body.
            if (def.upload && !request.raw.complete) reply.header('connection', 'close');
            throw err;
          }
          // A JSON answer is checked like any other; a file, or a reply already sent (304), is not.
          if (!def.download && !reply.sent && this.validateResponses) this.check(def, result);
          if (!reply.sent && reply.statusCode === 200) reply.code(status);
          return result;
        },
      });
    if (def.upload) this.uploadRoutes.push(register);
    else register(this.app);
  }

  private check(def: RouteDef, result: unknown): void {
    const check = def.response.safeParse(result);
    if (!check.success) throw new ApiError('internal', `response of ${def.method} ${def.path} breaks its schema: ${check.error.message}`);
  }

  handle<R extends RouteDef>(def: R, handler: Handler<R>): void {
    this.app.route({
      method: def.method,
      url: '/api/v1' + def.path,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        let status: number = def.status;
        const ctx = await this.context(def, request, reply, (s) => (status = s));
        const result = await handler(ctx);
        reply.code(status);
        if (result instanceof JsonText) {
          if (this.validateResponses) this.check(def, JSON.parse(result.text));
          reply.type('application/json; charset=utf-8');
          return result.text;
        }
        if (this.validateResponses) this.check(def, result);
        return result;
      },
    });
  }
}
