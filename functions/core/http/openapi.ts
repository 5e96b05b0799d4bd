import { toJsonSchema } from '@valibot/to-json-schema';
import type { GenericSchema } from 'valibot';
import type { RouteDef } from './route.ts';

type JsonObject = Record<string, unknown>;

function schemaOf(schema: GenericSchema, typeMode: 'input' | 'output'): JsonObject {
  const json = toJsonSchema(schema, { target: 'draft-2020-12', typeMode, errorMode: 'ignore' }) as JsonObject;
  delete json.$schema;
  return json;
}

function parametersOf(route: RouteDef): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonObject>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
    }
  }
  return out;
}

const problem = { $ref: '#/components/responses/Problem' };

function operationOf(route: RouteDef): JsonObject {
  const security =
    route.auth === 'public' || route.auth === 'webhook'
      ? []
      : route.auth === 'staff_or_patient'
        ? [{ cognitoIdToken: [] }, { patientSessionToken: [] }]
        : [{ cognitoIdToken: [] }];
  const responses: JsonObject = {
    [String(route.successStatus ?? 200)]: {
      description: 'Success',
      ...(route.response ? { content: { 'application/json': { schema: schemaOf(route.response, 'output') } } } : {}),
    },
    '400': problem,
    '404': problem,
  };
  if (route.auth !== 'public') Object.assign(responses, { '401': problem, '403': problem });
  if (route.body) Object.assign(responses, { '415': problem, '422': problem });
  const content: JsonObject = {};
  if (route.body) content['application/json'] = { schema: schemaOf(route.body, 'input') };
  for (const type of route.extraContentTypes ?? []) content[type] = { schema: { type: 'string' } };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: route.tags ?? [route.area],
    ...(route.roles && route.auth !== 'public' ? { 'x-roles': route.roles } : {}),
    security,
    parameters: parametersOf(route),
    ...(route.body ? { requestBody: { required: true, content } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document, generated from the same valibot schemas that validate requests. */
export function buildOpenApi(routes: readonly RouteDef[]): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Genascope API',
      version: '1.0.0',
      description:
        'Hereditary-cancer risk assessment for clinics. Errors are RFC 9457 problem+json; lists are cursor-paginated.',
    },
    paths,
    components: {
      securitySchemes: {
        cognitoIdToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito ID token of a staff user',
        },
        patientSessionToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Session token from accepting an invite',
        },
      },
      responses: {
        Problem: {
          description: 'RFC 9457 problem details',
          content: {
            'application/problem+json': {
              schema: {
                type: 'object',
                required: ['type', 'title', 'status'],
                properties: {
                  type: { type: 'string' },
                  title: { type: 'string' },
                  status: { type: 'integer' },
                  detail: { type: 'string' },
                  instance: { type: 'string' },
                  errors: {
                    type: 'array',
                    items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
