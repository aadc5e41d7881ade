import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';
import { errorCodes, errorDescriptions, errorStatus } from './errors.js';
import { routes } from './routes.js';

describe('error codes', () => {
  it('each has a status in the 4xx/5xx range and a description', () => {
    for (const code of errorCodes) {
      expect(errorStatus[code]).toBeGreaterThanOrEqual(400);
      expect(errorDescriptions[code].length).toBeGreaterThan(10);
    }
  });
});

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument({ version: 'test' });

  it('describes every route of the contract with its request and response schemas', () => {
    for (const [name, route] of Object.entries(routes)) {
      const path = '/api/v1' + route.path.replace(/:(\w+)/g, '{$1}');
      const op = (doc.paths[path] as Record<string, { operationId: string; requestBody?: unknown; responses: Record<string, unknown> }>)[route.method.toLowerCase()];
      expect(op?.operationId, name).toBe(name);
      expect(op?.responses[String(route.status)], name).toBeDefined();
      if ('body' in route && route.body) expect(op?.requestBody, name).toBeDefined();
    }
  });

  it('documents every error code and the socket frames', () => {
    for (const code of errorCodes) expect(doc.info.description).toContain(code);
    expect(doc.components.schemas.ClientFrame).toBeDefined();
    expect(doc.components.schemas.ServerFrame).toBeDefined();
  });
});
