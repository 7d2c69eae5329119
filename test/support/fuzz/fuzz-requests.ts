import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { FuzzOperation, Schema } from './openapi-operations';
import { NUMBER_ATTACKS, NUMBER_TEXT_ATTACKS, anyJsonValue, hostileString } from './hostile-values';

/** Who sends a request: nobody, someone with a made-up token, a plain user, an admin. */
export type TokenMode = 'none' | 'garbage' | 'user' | 'admin';
export const TOKEN_MODES: readonly TokenMode[] = ['none', 'garbage', 'user', 'admin'];

/**
 * How a route is kept from changing data when the fuzzer holds a valid token (every route is sent
 * anything without one): `harmless` routes change nothing the checksums cover whatever they get;
 * `invalid-body` routes get only bodies that fail validation (an unknown field is always one);
 * `no-valid-token` routes are sent no valid token at all; `hostile-fields` name, in the body, an
 * object that cannot exist. Mutating routes with path parameters name objects that cannot exist
 * there. Reads (GET) may name real objects.
 */
export type Safety = 'harmless' | 'invalid-body' | 'no-valid-token' | { hostileFields: string[] };

export interface FuzzTarget {
  readonly operation: FuzzOperation;
  readonly safety: Safety;
}

export interface FuzzContext {
  readonly tokens: { readonly user: string; readonly admin: string };
  /** Folded names of real users, tables and passwords: hostile values never hit them. */
  readonly avoid: ReadonlySet<string>;
  /** Real names a read may use in its path, by parameter name (a table with an archive, a run id). */
  readonly realPathValues: Readonly<Record<string, readonly string[]>>;
  /** Real column names a deepObject parameter may name (`filter[id]=`), beside hostile ones. */
  readonly realColumns: readonly string[];
  readonly bodyLimitBytes: number;
}

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** What the request tries, for the report of a failure. */
  readonly attack: string;
}

/** A property name no DTO has: the global ValidationPipe refuses the body whatever else is in it. */
const UNKNOWN_FIELD = 'fuzz_unknown_field';

const GARBAGE_TOKENS = [
  'not-a-jwt',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIn0.c2lnbmF0dXJl',
  'a.b.c',
  '...',
  '',
];

/** Every way a request is sent a body that cannot be read as the JSON it should be. */
export function rawBodyAttacks(
  bodyLimitBytes: number,
): Array<{ attack: string; headers: Record<string, string>; body: Buffer }> {
  const json = { 'content-type': 'application/json' };
  const text = (attack: string, body: string, headers: Record<string, string> = json) => ({
    attack,
    headers,
    body: Buffer.from(body),
  });
  const deepArrays = `${'['.repeat(2500)}${']'.repeat(2500)}`;
  const deepObjects = `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`;
  return [
    text('malformed JSON: cut short', '{"a":'),
    text('malformed JSON: lone brace', '{'),
    text('malformed JSON: trailing comma', '{"a":1,}'),
    text('malformed JSON: single quotes', "{'a':1}"),
    text('malformed JSON: a password in it', '{"password":"fuzz-secret-in-a-broken-body" x}'),
    text('malformed JSON: NUL byte', '\u0000'),
    { attack: 'invalid UTF-8', headers: json, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
    text('top level null', 'null'),
    text('top level number', '12'),
    text('top level string', '"x"'),
    text('top level array', '[1,2,3]'),
    text('prototype pollution', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}'),
    text('JSON nested 2500 arrays deep', deepArrays),
    text('JSON nested 2500 objects deep', deepObjects),
    text('a field nested 2500 deep', `{"tables":${deepArrays},"job":${deepObjects}}`),
    text('body over the limit', JSON.stringify({ tables: ['x'.repeat(bodyLimitBytes + 10)] })),
    {
      attack: 'gzip body over the limit once inflated',
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.from(JSON.stringify({ tables: ['y'.repeat(bodyLimitBytes * 20)] }))),
    },
    text('charset bogus', '{}', { 'content-type': 'application/json; charset=bogus' }),
    text('charset utf-16', '{}', { 'content-type': 'application/json; charset=utf-16' }),
    text('charset latin1', '{}', { 'content-type': 'application/json;charset=latin1' }),
    text('charset empty', '{}', { 'content-type': 'application/json; charset=' }),
    text('content type text/plain', '{}', { 'content-type': 'text/plain' }),
    text('content type XML', '<a/>', { 'content-type': 'application/xml' }),
    text('content type form', 'a=1&b[c]=2', { 'content-type': 'application/x-www-form-urlencoded' }),
    text('content type multipart', '--x\r\n\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }),
    text('content type malformed', '{}', { 'content-type': 'application/json; charset' }),
    text('no content type', '{}', {}),
    text('gzip that is not', 'not gzip at all', { ...json, 'content-encoding': 'gzip' }),
    text('deflate that is not', 'not deflate', { ...json, 'content-encoding': 'deflate' }),
    text('br that is not', 'not brotli', { ...json, 'content-encoding': 'br' }),
    text('compress encoding', '{}', { ...json, 'content-encoding': 'compress' }),
    text('unknown encoding', '{}', { ...json, 'content-encoding': 'x-fuzz' }),
    text('two encodings', '{}', { ...json, 'content-encoding': 'gzip, br' }),
    {
      attack: 'truncated gzip',
      headers: { ...json, 'content-encoding': 'gzip' },
      body: gzipSync('{"a":1}').subarray(0, 12),
    },
  ];
}

/** The value of a parameter or field of `schema` that breaks it (wrong type, out of range, hostile). */
function wrongValue(schema: Schema, avoid: ReadonlySet<string>): fc.Arbitrary<unknown> {
  const numeric = schema.type === 'integer' || schema.type === 'number';
  return fc.oneof(
    anyJsonValue(avoid),
    numeric ? fc.constantFrom(...NUMBER_ATTACKS) : hostileString(avoid),
    numeric ? fc.constantFrom(...NUMBER_TEXT_ATTACKS) : fc.constant(12345),
  );
}

/** Query-string text for a parameter: hostile strings and numbers written every lenient way. */
function queryValue(avoid: ReadonlySet<string>): fc.Arbitrary<string | string[]> {
  return fc.oneof(
    hostileString(avoid),
    fc.constantFrom(...NUMBER_TEXT_ATTACKS),
    fc.constantFrom('1', '50', '2024', '2024-13-45', '2024-01-01T10:00:00', 'W1sxLjVdXQ', 'WyJhYmMiXQ'),
    fc.array(fc.constantFrom('1', '2', 'x'), { minLength: 2, maxLength: 3 }),
    fc.base64String({ maxLength: 40 }).map((text) => text.replace(/=/g, '')),
    fc.json().map((json) => Buffer.from(json).toString('base64url')),
  );
}

function pathValue(
  operation: FuzzOperation,
  name: string,
  context: FuzzContext,
  mayBeReal: boolean,
): fc.Arbitrary<string> {
  const real = mayBeReal ? (context.realPathValues[name] ?? []) : [];
  const hostile = fc.oneof(hostileString(context.avoid), fc.constantFrom(...NUMBER_TEXT_ATTACKS));
  return real.length > 0 ? fc.oneof(fc.constantFrom(...real), hostile) : hostile;
}

/** Path values sent as written: traversal, and percent-escapes that decode to no text at all. */
const RAW_PATH_VALUES = ['..', '../..', '%E0%A4%A', '%FF%FE', '%00', '%'];

/** Path parameters filled in: percent-encoded, except the raw attempts. */
function fillPath(template: string, values: Record<string, { value: string; raw: boolean }>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const { value, raw } = values[name];
    return raw ? value : percentEncoded(value);
  });
}

function queryString(query: Record<string, string | string[]>): string {
  const parts = Object.entries(query).flatMap(([name, value]) =>
    [value].flat().map((one) => `${percentEncoded(name)}=${percentEncoded(one)}`),
  );
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** Like encodeURIComponent, also for strings with lone surrogates (sent as the UTF-8 of U+FFFD). */
function percentEncoded(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Body edits: a field set to a wrong value, removed, or a field added. */
type Edit = { kind: 'set' | 'add'; field: string; value: unknown } | { kind: 'delete'; field: string };

function bodyEdits(operation: FuzzOperation, avoid: ReadonlySet<string>): fc.Arbitrary<Edit[]> {
  const schema = operation.body?.schema ?? {};
  const fields = Object.keys(schema.properties ?? {});
  const edits: Array<fc.Arbitrary<Edit>> = [
    fc.record({ kind: fc.constant('add' as const), field: hostileString(avoid), value: anyJsonValue(avoid) }),
  ];
  if (fields.length > 0) {
    edits.push(
      fc
        .constantFrom(...fields)
        .chain((field) =>
          wrongValue(schema.properties?.[field] ?? {}, avoid).map((value) => ({ kind: 'set' as const, field, value })),
        ),
      fc.constantFrom(...fields).map((field) => ({ kind: 'delete' as const, field })),
    );
  }
  return fc.array(fc.oneof(...edits), { minLength: 1, maxLength: 3 });
}

function applyEdits(example: Record<string, unknown>, edits: Edit[]): Record<string, unknown> {
  const body: Record<string, unknown> = JSON.parse(JSON.stringify(example));
  for (const edit of edits) {
    if (edit.kind === 'delete') {
      delete body[edit.field];
    } else {
      // defineProperty: a field named __proto__ becomes an own property, as a client's JSON would have it.
      Object.defineProperty(body, edit.field, {
        value: edit.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return body;
}

/**
 * Makes a JSON body safe to send with `token` (see Safety): hostile values where a real object
 * could be named, or the unknown field that makes validation refuse it.
 */
function safeBody(
  target: FuzzTarget,
  token: TokenMode,
  body: Record<string, unknown> | undefined,
  hostile: string,
): Record<string, unknown> | undefined {
  const validToken = token === 'user' || token === 'admin';
  const mutating = target.operation.method !== 'GET';
  if (!mutating || target.safety === 'harmless' || body === undefined) {
    return body;
  }
  if (typeof target.safety === 'object') {
    return validToken || target.operation.public
      ? { ...body, ...Object.fromEntries(target.safety.hostileFields.map((field) => [field, hostile])) }
      : body;
  }
  if (target.safety === 'invalid-body' || target.operation.pathParams.length === 0) {
    return validToken || target.operation.public ? { ...body, [UNKNOWN_FIELD]: true } : body;
  }
  return body;
}

function tokenModes(target: FuzzTarget): TokenMode[] {
  return target.safety === 'no-valid-token' ? ['none', 'garbage'] : [...TOKEN_MODES];
}

function authorization(token: TokenMode, context: FuzzContext, garbage: string): Record<string, string> {
  switch (token) {
    case 'none':
      return {};
    case 'garbage':
      return { authorization: `Bearer ${garbage}` };
    case 'user':
      return { authorization: `Bearer ${context.tokens.user}` };
    case 'admin':
      return { authorization: `Bearer ${context.tokens.admin}` };
  }
}

/**
 * Random hostile requests to one route: its path parameters, query parameters and JSON body broken
 * in every way the generators know, sent by each kind of caller, now and then compressed.
 */
export function fuzzRequests(target: FuzzTarget, context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const { operation } = target;
  const mutating = operation.method !== 'GET';
  const paramsArb = fc.record(
    Object.fromEntries(
      operation.pathParams.map(({ name }) => [
        name,
        fc.oneof(
          {
            weight: 9,
            arbitrary: pathValue(operation, name, context, !mutating).map((value) => ({ value, raw: false })),
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom(...RAW_PATH_VALUES).map((value) => ({ value, raw: true })),
          },
        ),
      ]),
    ),
  );
  // `filter[id]`, `prefix[note]`, `filter[<hostile>]`, `filter[]`… for each deepObject parameter.
  const deepObjectKeys = operation.deepObjectParams.map((name) =>
    fc
      .oneof(
        fc.constantFrom(...context.realColumns, '', '__proto__', 'constructor', ']', '[x]'),
        hostileString(context.avoid),
      )
      .map((key) => `${name}[${key}]`),
  );
  const queryArb = fc.dictionary(
    fc.oneof(
      ...(operation.queryParams.length > 0 ? [fc.constantFrom(...operation.queryParams.map((p) => p.name))] : []),
      ...deepObjectKeys,
      fc.constantFrom('sort', 'a[b]', '__proto__', 'limit[]'),
      hostileString(context.avoid).filter((name) => name !== ''),
    ),
    queryValue(context.avoid),
    { maxKeys: 4 },
  );
  const bodyArb = operation.body
    ? fc.oneof(
        bodyEdits(operation, context.avoid).map((edits) => applyEdits(operation.body?.example ?? {}, edits)),
        fc.constant(operation.body.example),
      )
    : fc.option(fc.constant({}), { nil: undefined });
  return fc
    .record({
      token: fc.constantFrom(...tokenModes(target)),
      garbage: fc.oneof(fc.constantFrom(...GARBAGE_TOKENS), fc.string({ maxLength: 60 })),
      params: paramsArb,
      query: queryArb,
      body: bodyArb,
      hostile: hostileString(context.avoid),
      encoding: fc.constantFrom('identity', 'identity', 'identity', 'gzip', 'deflate', 'br'),
    })
    .map(({ token, garbage, params, query, body, hostile, encoding }) => {
      const json = safeBody(target, token, body, hostile);
      const headers: Record<string, string> = { ...authorization(token, context, garbage) };
      let payload: Buffer | undefined;
      if (json !== undefined) {
        payload = compress(Buffer.from(JSON.stringify(json)), encoding);
        headers['content-type'] = 'application/json';
        if (encoding !== 'identity') {
          headers['content-encoding'] = encoding;
        }
      }
      return {
        method: operation.method,
        path: fillPath(operation.pathTemplate, params) + queryString(query),
        headers,
        body: payload,
        attack: `random (${token} token, ${encoding})`,
      };
    });
}

/** The same route sent each raw body attack, by an anonymous caller and by every valid one it may see. */
export function rawBodyRequests(target: FuzzTarget, context: FuzzContext): FuzzRequest[] {
  const { operation } = target;
  const path = fillPath(
    operation.pathTemplate,
    Object.fromEntries(operation.pathParams.map(({ name }) => [name, { value: "nosuch' OR 1=1 --", raw: false }])),
  );
  return tokenModes(target).flatMap((token) =>
    rawBodyAttacks(context.bodyLimitBytes).map((attack) => ({
      method: operation.method,
      path,
      headers: { ...authorization(token, context, GARBAGE_TOKENS[0]), ...attack.headers },
      body: attack.body,
      attack: `${attack.attack} (${token} token)`,
    })),
  );
}

function compress(body: Buffer, encoding: string): Buffer {
  switch (encoding) {
    case 'gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'br':
      return brotliCompressSync(body);
    default:
      return body;
  }
}
