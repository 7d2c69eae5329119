import type { OpenAPIObject } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

type Schema = SchemaObject | ReferenceObject;

/**
 * An example of a schema, assembled from the examples of its parts (DTO properties carry theirs):
 * an object from its properties', an array from one item's. An enum without one takes its first
 * value, a nullable field null. Undefined when a required part has no example: that gap shows up
 * as a request body or response without an example, which the OpenAPI test reports.
 */
export function exampleOf(schema: Schema, document: OpenAPIObject, seen: ReadonlySet<string> = new Set()): unknown {
  if ('$ref' in schema) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    return target && !seen.has(name) ? exampleOf(target, document, new Set([...seen, name])) : undefined;
  }
  if (schema.example !== undefined) {
    return schema.example;
  }
  const alternative = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (alternative) {
    return exampleOf(alternative, document, seen);
  }
  if (schema.enum && schema.enum.length > 0) {
    return schema.enum[0];
  }
  if (schema.type === 'array' && schema.items) {
    const item = exampleOf(schema.items, document, seen);
    return item === undefined ? undefined : [item];
  }
  if (schema.properties) {
    return objectExample(schema, document, seen);
  }
  return schema.nullable ? null : undefined;
}

function objectExample(schema: SchemaObject, document: OpenAPIObject, seen: ReadonlySet<string>): unknown {
  const example: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const value = exampleOf(property, document, seen);
    if (value !== undefined) {
      example[name] = value;
    } else if (schema.required?.includes(name)) {
      return undefined;
    }
  }
  return example;
}

/** Gives every JSON request body and response that has none the example its schema adds up to. */
export function addMediaExamples(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const bodies = [operation.requestBody, ...Object.values(operation.responses ?? {})];
      for (const body of bodies) {
        const media = body && 'content' in body ? body.content?.['application/json'] : undefined;
        if (media?.schema && media.example === undefined && media.examples === undefined) {
          const example = exampleOf(media.schema, document);
          if (example !== undefined) {
            media.example = example;
          }
        }
      }
    }
  }
}
