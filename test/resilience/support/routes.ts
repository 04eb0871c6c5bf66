import type { FastifyInstance } from 'fastify';

/**
 * The routes of the app's own OpenAPI document (`app.swagger()`, the document `openapi.json` is generated
 * from), enumerated the way packages/server/src/resilience/hostile-input.test.ts does it, with the parts of
 * each operation the resilience tests need: parameters and the JSON request body schema.
 */

export type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

export type OperationParameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema: JsonSchema };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RouteOperation = {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/workspace/{projectId}`. */
  path: string;
  /** `GET /api/v1/workspace/{projectId}`: how tables and failure messages name a route. */
  key: string;
  parameters: OperationParameter[];
  /** The `application/json` request body schema, when the operation has one. */
  body: JsonSchema | undefined;
  /** `security: []` in the document: callable without a token. */
  isDocumentedPublic: boolean;
};

type OpenApiOperation = {
  parameters?: OperationParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
};

type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

const methods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** Every operation of the app's OpenAPI document, in document order. Call after `app.ready()`. */
export function openApiOperations(app: FastifyInstance): RouteOperation[] {
  const document = app.swagger() as unknown as OpenApiDocument;
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([name, operation]) => {
      const method = methods.find((candidate) => candidate === name.toUpperCase());
      if (!method) return [];
      return [
        {
          method,
          path,
          key: routeKey(method, path),
          parameters: operation.parameters ?? [],
          body: operation.requestBody?.content?.['application/json']?.schema,
          isDocumentedPublic: Array.isArray(operation.security) && operation.security.length === 0,
        },
      ];
    }),
  );
}

/** The path with its `{name}` placeholders replaced by the given values (percent-encoded). */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter ${name} of ${path}`);
    return encodeURIComponent(value);
  });
}

export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
}
