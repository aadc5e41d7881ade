import { z } from 'zod';
import { ErrorBody, errorDescriptions, errorStatus } from './errors.js';
import { ClientFrame, ServerFrame } from './frames.js';
import { routes, type RouteDef } from './routes.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parameters(def: RouteDef): JsonSchema[] {
  const result: JsonSchema[] = [];
  for (const [where, schema] of [['path', def.params], ['query', def.query]] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      result.push({ name, in: where, required: where === 'path' || (s.required ?? []).includes(name), schema: prop });
    }
  }
  return result;
}

const errorResponse = {
  description: 'Error: `{error: {code, message}}`; see the ErrorCode schema for every code and its status.',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
};

/** The OpenAPI 3.1 document, generated from the same schemas that validate requests. */
export function buildOpenApiDocument(options: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, def] of Object.entries(routes) as [string, RouteDef][]) {
    const path = '/api/v1' + def.path.replace(/:(\w+)/g, '{$1}');
    const success = def.download
      ? { description: 'The file: its detected type, or application/octet-stream; Range requests are answered with 206', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } }
      : { description: 'Success', content: { 'application/json': { schema: jsonSchema(def.response, 'output') } } };
    const responses: Record<string, unknown> = {
      [def.status]: success,
      default: errorResponse,
    };
    if (def.alsoStatus) responses[def.alsoStatus] = responses[def.status];
    const operation: Record<string, unknown> = {
      operationId: name,
      summary: def.summary,
      tags: [def.tag],
      parameters: parameters(def),
      responses,
      security: def.auth ? [{ bearer: [] }] : [],
    };
    if (def.upload) {
      operation.requestBody = {
        required: true,
        description: 'The raw bytes of the file (streamed; any Content-Type; no Content-Encoding)',
        content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      };
    }
    if (def.body) {
      const optional = def.body.safeParse(undefined).success;
      operation.requestBody = {
        required: !optional,
        content: { 'application/json': { schema: jsonSchema(def.body, 'input') } },
      };
    }
    (paths[path] ??= {})[def.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley API',
      version: options.version,
      description:
        'HTTP API of Parley. Real-time events flow over the WebSocket at /api/v1/ws; its frames are the ' +
        'ClientFrame and ServerFrame schemas below. Errors: ' +
        Object.entries(errorStatus).map(([code, status]) => `${code} (${status}): ${errorDescriptions[code as keyof typeof errorStatus]}`).join(' '),
    },
    servers: options.serverUrl ? [{ url: options.serverUrl }] : [],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ErrorBody: jsonSchema(ErrorBody, 'output'),
        ClientFrame: jsonSchema(ClientFrame, 'input'),
        ServerFrame: jsonSchema(ServerFrame, 'output'),
      },
    },
  };
}
