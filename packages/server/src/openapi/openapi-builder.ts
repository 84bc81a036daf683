import { z } from 'zod';

export interface ResponseDoc {
  description: string;
  /** JSON body schema; omitted for empty responses. */
  schema?: z.ZodType;
  /** Another content type than application/json (SSE, YAML), described in words. */
  contentType?: string;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path (`/api/flows/:flow`); written `{flow}` in the document. */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Content types other than JSON the body may come in (the flow import takes YAML). */
  bodyContentTypes?: readonly string[];
  /** Whether the route needs an API key once any exists. */
  apiKey?: boolean;
  responses: Record<number, ResponseDoc>;
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

/** An OpenAPI 3.1 document from the routes' own zod schemas, so the document cannot drift from what is checked. */
export function buildOpenApiDocument(operations: readonly Operation[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const path = operation.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][operation.method] = {
      summary: operation.summary,
      tags: [operation.tag],
      ...(operation.apiKey ? { security: [{ apiKey: [] }, {}] } : {}),
      parameters: [...parameters(operation.params, 'path'), ...parameters(operation.query, 'query')],
      ...(operation.body ? { requestBody: requestBody(operation.body, operation.bodyContentTypes) } : {}),
      responses: Object.fromEntries(
        Object.entries(operation.responses).map(([status, response]) => [status, responseDoc(response)]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'Needed once any key exists (groundwork keys create NAME).',
        },
      },
    },
  };
}

function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: location,
    required: location === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: jsonSchema(field as z.ZodType, 'input'),
  }));
}

function requestBody(schema: z.ZodType, otherTypes: readonly string[] = []) {
  return {
    // Routes whose body is optional (start a run, replay, restore) take a request without one.
    required: !schema.safeParse(undefined).success,
    content: {
      ...(otherTypes.length ? {} : { 'application/json': { schema: jsonSchema(schema, 'input') } }),
      ...Object.fromEntries(otherTypes.map((type) => [type, { schema: { type: 'string' } }])),
    },
  };
}

function responseDoc(response: ResponseDoc) {
  if (response.contentType)
    return { description: response.description, content: { [response.contentType]: { schema: { type: 'string' } } } };
  if (!response.schema) return { description: response.description };
  return {
    description: response.description,
    content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } },
  };
}
