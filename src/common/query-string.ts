import { parse } from 'node:querystring';

/** Query parameters written `name[key]=value` (OpenAPI `style: deepObject`) that become objects. */
export const DEEP_OBJECT_PARAMETERS = ['filter', 'prefix'] as const;

const BRACKETED = new RegExp(`^(${DEEP_OBJECT_PARAMETERS.join('|')})\\[(.*)\\]$`, 's');

/**
 * Express's query parser for the whole app: Express 5's "simple" parser (node:querystring), plus
 * one thing — `filter[status]=x` and `prefix[code]=AB` become `filter` and `prefix` Maps from column
 * to value. Nothing else is nested (qs's "extended" parser would turn every `a[b]` and `a[0]` of
 * every route into objects and arrays). A Map, not an object: a column such as `__proto__` stays a
 * key like any other (Nest's ValidationPipe deletes such keys from objects, which would drop a
 * filter without a word). A repeated key stays an array, which validation refuses. Where `filter` is also given plain (`filter=x`), the bracketed keys are left
 * as they are: unknown parameters, a 400 like any other.
 */
export function parseQueryString(text: string): Record<string, unknown> {
  const flat = parse(text) as Record<string, string | string[]>;
  const parsed: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const nested = new Map<string, Map<string, string | string[]>>();
  for (const [key, value] of Object.entries(flat)) {
    const match = BRACKETED.exec(key);
    if (!match || Object.prototype.hasOwnProperty.call(flat, match[1])) {
      parsed[key] = value;
      continue;
    }
    let object = nested.get(match[1]);
    if (!object) {
      object = new Map<string, string | string[]>();
      nested.set(match[1], object);
      parsed[match[1]] = object;
    }
    object.set(match[2], value);
  }
  return parsed;
}
