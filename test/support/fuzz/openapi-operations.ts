/** The parts of an OpenAPI 3.0 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  example?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  style?: string;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One route as the fuzzer attacks it. */
export interface FuzzOperation {
  /** `PUT /api/v1/users/{username}/permissions` */
  readonly id: string;
  readonly method: string;
  readonly pathTemplate: string;
  readonly pathParams: ReadonlyArray<{ name: string; schema: Schema }>;
  readonly queryParams: ReadonlyArray<{ name: string; schema: Schema }>;
  /** Query parameters written `name[key]=value` (OpenAPI `style: deepObject`), such as `filter`. */
  readonly deepObjectParams: readonly string[];
  /** The JSON body's schema (references resolved) and the document's own example of it. */
  readonly body?: { schema: Schema; example: Record<string, unknown> };
  /** Routes without a bearer requirement. */
  readonly public: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document, with what it takes. */
export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [pathTemplate, item] of Object.entries(document.paths)) {
    for (const method of METHODS.filter((name) => item[name])) {
      const operation = item[method];
      const parameters = operation.parameters ?? [];
      const media = operation.requestBody?.content?.['application/json'];
      const resolve = (schema: Schema | undefined): Schema => resolveSchema(schema ?? {}, document);
      operations.push({
        id: `${method.toUpperCase()} ${pathTemplate}`,
        method: method.toUpperCase(),
        pathTemplate,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: resolve(p.schema) })),
        queryParams: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: resolve(p.schema) })),
        deepObjectParams: parameters.filter((p) => p.in === 'query' && p.style === 'deepObject').map((p) => p.name),
        body: media?.schema
          ? { schema: resolve(media.schema), example: (media.example ?? {}) as Record<string, unknown> }
          : undefined,
        public: (operation.security ?? []).length === 0,
      });
    }
  }
  return operations;
}

/** The schema with its own `$ref` and those of its properties and items followed (DTOs do not recurse). */
export function resolveSchema(schema: Schema, document: OpenApiDocument): Schema {
  if (schema.$ref) {
    const target = document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
    return resolveSchema(target ?? {}, document);
  }
  return {
    ...schema,
    properties: schema.properties
      ? Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolveSchema(v, document)]))
      : undefined,
    items: schema.items ? resolveSchema(schema.items, document) : undefined,
  };
}
