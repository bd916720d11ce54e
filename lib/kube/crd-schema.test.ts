import { describe, expect, it } from 'vitest';
import { parseGoDuration, renameGlobalCalls, mentions } from './cel-source';
import { escapeCelName } from './crd-cel';
import { pruneAndDefault, strictDecodingError } from './crd-prune';
import { CEL_NOT_CHECKED, validateAgainstSchema } from './crd-schema';
import type { JSONSchemaProps } from './crd-types';

const root = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec } });
const obj = (spec: unknown) => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec });
const causes = (spec: JSONSchemaProps, value: unknown, old?: unknown) =>
  validateAgainstSchema(obj(value), root(spec), old === undefined ? {} : { oldObject: obj(old) }).causes;

const S: JSONSchemaProps = {
  type: 'object',
  required: ['host'],
  properties: {
    host: { type: 'string', pattern: '^[a-z.]+$', maxLength: 10 },
    mode: { type: 'string', enum: ['A', 'B'] },
    weight: { type: 'integer', format: 'int32', minimum: 0, maximum: 100 },
    ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
    tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
    labels: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 2 },
    port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    note: { type: 'string', nullable: true },
    stamp: { type: 'string', format: 'date-time' },
    blob: { type: 'string', format: 'byte' },
    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
    items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
  },
};

describe('structural pruning', () => {
  it('prunes unknown fields, sorted, and leaves apiVersion/kind/metadata alone', () => {
    const input = obj({ host: 'a', zeta: 1, alpha: { b: 1 }, items: [{ name: 'x', bad: true }], extra: { anything: 1, known: { a: 'x', z: 2 } } });
    const r = pruneAndDefault({ ...input, status: { x: 1 }, top: 1 }, root(S));
    expect(r.unknownFields).toEqual(['spec.alpha', 'spec.extra.known.z', 'spec.items[0].bad', 'spec.zeta', 'status', 'top']);
    expect((r.object as { metadata: unknown }).metadata).toEqual({ name: 't' });
    expect((r.object as { spec: { extra: unknown } }).spec.extra).toEqual({ anything: 1, known: { a: 'x' } });
    expect(input.spec).toHaveProperty('zeta'); // input untouched
    expect(strictDecodingError(['spec.a', 'spec.b'])).toBe('strict decoding error: unknown field "spec.a", unknown field "spec.b"');
  });

  it('drops nulls of non-nullable properties but keeps nullable ones', () => {
    const r = validateAgainstSchema(obj({ host: 'a', mode: null, note: null }), root(S));
    expect(r.causes).toEqual([]);
    expect((r.object as { spec: unknown }).spec).toEqual({ host: 'a', note: null });
    // A required field sent as null is dropped, then missing.
    expect(causes(S, { host: null })).toContainEqual({ reason: 'FieldValueRequired', field: 'spec.host', message: 'Required value' });
  });

  it('applies defaults', () => {
    const r = pruneAndDefault(obj({}), root({ type: 'object', properties: { n: { type: 'integer', default: 3 } } }));
    expect((r.object as { spec: unknown }).spec).toEqual({ n: 3 });
  });
});

describe('OpenAPI validation', () => {
  it('reports type mismatches with the server message', () => {
    expect(causes(S, { host: 5 })[0]).toEqual({
      reason: 'FieldValueTypeInvalid',
      field: 'spec.host',
      message: 'Invalid value: "integer": spec.host in body must be of type string: "integer"',
    });
    expect(causes(S, { host: 'a', weight: 1.5 })[0]!.message).toBe('Invalid value: "number": spec.weight in body must be of type integer: "number"');
    expect(causes(S, { host: 'a', tags: 'x' })[0]!.message).toBe('Invalid value: "string": spec.tags in body must be of type array: "string"');
  });

  it('checks enum, pattern, length, bounds', () => {
    expect(causes(S, { host: 'a', mode: 'C' })).toContainEqual({
      reason: 'FieldValueNotSupported',
      field: 'spec.mode',
      message: 'Unsupported value: "C": supported values: "A", "B"',
    });
    expect(causes(S, { host: 'A!' })[0]).toEqual({
      reason: 'FieldValueInvalid',
      field: 'spec.host',
      message: `Invalid value: "A!": spec.host in body should match '^[a-z.]+$'`,
    });
    expect(causes(S, { host: 'abcdefghijk' })[0]).toEqual({ reason: 'FieldValueTooLong', field: 'spec.host', message: 'Too long: may not be more than 10 bytes' });
    expect(causes(S, { host: 'a', weight: 101 })[0]).toEqual({
      reason: 'FieldValueInvalid',
      field: 'spec.weight',
      message: 'Invalid value: 101: spec.weight in body should be less than or equal to 100',
    });
    expect(causes(S, { host: 'a', weight: -1 })[0]!.message).toBe('Invalid value: -1: spec.weight in body should be greater than or equal to 0');
    expect(causes(S, { host: 'a', ratio: 0 })[0]!.message).toBe('Invalid value: 0: spec.ratio in body should be greater than 0');
    // int32 is not enforced by the API server (unsupported formats are stripped).
    expect(causes({ type: 'object', properties: { n: { type: 'integer', format: 'int32' } } }, { n: 2 ** 40 })).toEqual([]);
  });

  it('checks array and map sizes', () => {
    expect(causes(S, { host: 'a', tags: [] })[0]).toEqual({
      reason: 'FieldValueInvalid',
      field: 'spec.tags',
      message: 'Invalid value: 0: spec.tags in body should have at least 1 items',
    });
    expect(causes(S, { host: 'a', tags: ['a', 'b', 'c'] })[0]).toEqual({ reason: 'FieldValueTooMany', field: 'spec.tags', message: 'Too many: 3: must have at most 2 items' });
    expect(causes(S, { host: 'a', labels: { a: 'x', b: 'y', c: 'z' } })[0]!.reason).toBe('FieldValueTooMany');
    expect(causes(S, { host: 'a', labels: { app: 7 } })[0]).toEqual({
      reason: 'FieldValueTypeInvalid',
      field: 'spec.labels.app',
      message: 'Invalid value: "integer": spec.labels.app in body must be of type string: "integer"',
    });
    expect(causes(S, { host: 'a', tags: [null] })[0]!.message).toBe('Invalid value: "null": spec.tags[0] in body must be of type string: "null"');
  });

  it('accepts int-or-string and rejects other types', () => {
    expect(causes(S, { host: 'a', port: 80 })).toEqual([]);
    expect(causes(S, { host: 'a', port: 'http' })).toEqual([]);
    const c = causes(S, { host: 'a', port: true }).map((x) => x.message);
    expect(c).toContain('Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"');
    expect(c).toContain('Invalid value: "": "spec.port" must validate at least one schema (anyOf)');
  });

  it('checks formats the server keeps', () => {
    expect(causes(S, { host: 'a', stamp: '2024-01-02T03:04:05Z', blob: 'aGVsbG8=' })).toEqual([]);
    expect(causes(S, { host: 'a', stamp: 'yesterday' })[0]).toEqual({
      reason: 'FieldValueTypeInvalid',
      field: 'spec.stamp',
      message: 'Invalid value: "yesterday": spec.stamp in body must be of type date-time: "yesterday"',
    });
    expect(causes(S, { host: 'a', blob: '!!' })[0]!.message).toBe('Invalid value: "!!": spec.blob in body must be of type byte: "!!"');
  });

  it('reports oneOf failures without a path, as the server does', () => {
    const lb: JSONSchemaProps = {
      type: 'object',
      properties: {
        lb: {
          type: 'object',
          oneOf: [{ not: { anyOf: [{ required: ['a'] }, { required: ['b'] }] } }, { required: ['a'] }, { required: ['b'] }],
          properties: { a: { type: 'string' }, b: { type: 'string' } },
        },
      },
    };
    expect(causes(lb, { lb: { a: 'x' } })).toEqual([]);
    expect(causes(lb, { lb: {} })).toEqual([]);
    expect(causes(lb, { lb: { a: 'x', b: 'y' } })).toEqual([
      { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec.lb" must validate one and only one schema (oneOf). Found 2 valid alternatives' },
    ]);
  });

  it('reports duplicates in set and map lists', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        map: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    };
    expect(causes(s, { set: ['a', 'b', 'a'], map: [{ name: 'x' }, { name: 'x' }] })).toEqual([
      { reason: 'FieldValueDuplicate', field: 'spec.set[2]', message: 'Duplicate value: "a"' },
      { reason: 'FieldValueDuplicate', field: 'spec.map[1]', message: 'Duplicate value: map[string]interface {}{"name":"x"}' },
    ]);
  });
});

describe('CEL rules', () => {
  const rules = (r: JSONSchemaProps['x-kubernetes-validations'], extra: JSONSchemaProps = {}): JSONSchemaProps => ({
    type: 'object',
    properties: {
      a: { type: 'string' },
      b: { type: 'string' },
      n: { type: 'integer' },
      d: { type: 'string', 'x-kubernetes-validations': [{ rule: "duration(self) >= duration('1ms')", message: 'must be a valid duration greater than 1ms' }] },
      m: {
        type: 'object',
        additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: '!self.contains("*")', message: 'no wildcard' }] },
        'x-kubernetes-validations': [{ rule: 'self.all(k, k.size() != 0)', message: 'key must not be empty' }],
      },
      list: { type: 'array', items: { type: 'object', properties: { v: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.v < 10' }] } },
    },
    'x-kubernetes-validations': r,
    ...extra,
  });

  it('reports a false rule with its message, path and the node type', () => {
    const s = rules([{ rule: '(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) <= 1', message: 'only one of a or b can be set' }]);
    expect(causes(s, { a: 'x' })).toEqual([]);
    expect(causes(s, { a: 'x', b: 'y' })).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": only one of a or b can be set' }]);
  });

  it('uses failed rule: <rule> without a message, and honours reason, fieldPath and messageExpression', () => {
    expect(causes(rules([{ rule: 'self.n > 1' }]), { n: 1 })[0]!.message).toBe('Invalid value: "object": failed rule: self.n > 1');
    expect(causes(rules([{ rule: 'self.n > 1', reason: 'FieldValueForbidden', fieldPath: '.n', message: 'no' }]), { n: 1 })[0]).toEqual({
      reason: 'FieldValueForbidden',
      field: 'spec.n',
      message: 'Forbidden: no',
    });
    expect(causes(rules([{ rule: 'self.n > 1', messageExpression: '"n is " + string(self.n)' }]), { n: 1 })[0]!.message).toBe('Invalid value: "object": n is 1');
  });

  it('walks arrays and maps with Kubernetes paths', () => {
    const s = rules([]);
    expect(causes(s, { list: [{ v: 1 }, { v: 12 }] })).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.list[1]', message: 'Invalid value: "object": failed rule: self.v < 10' }]);
    expect(causes(s, { m: { app: 'a*', '': 'x' } })).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.m', message: 'Invalid value: "object": key must not be empty' },
      { reason: 'FieldValueInvalid', field: 'spec.m[app]', message: 'Invalid value: "string": no wildcard' },
    ]);
  });

  it('parses durations as Go does', () => {
    const s = rules([]);
    for (const ok of ['5s', '0.5s', '1h2m', '100ms', '1ms']) expect(causes(s, { d: ok })).toEqual([]);
    expect(causes(s, { d: '0.1ms' })[0]!.message).toBe('Invalid value: "string": must be a valid duration greater than 1ms');
    expect(causes(s, { d: '0' })[0]!.message).toBe('Invalid value: "string": must be a valid duration greater than 1ms');
    expect(causes(s, { d: '5' })).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.d',
        message: `Invalid value: "string": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: must be a valid duration greater than 1ms`,
      },
    ]);
  });

  it('reports runtime errors the server would hit', () => {
    expect(causes(rules([{ rule: 'self.a == "x"' }]), { b: 'y' })[0]!.message).toBe('Invalid value: "object": no such key: a evaluating rule: self.a == "x"');
  });

  it('skips rules it cannot evaluate instead of rejecting', () => {
    const r = validateAgainstSchema(obj({ a: 'x' }), root(rules([{ rule: 'self.a.someUnknownFunction()' }, { rule: 'self.a ==' }])));
    expect(r.causes).toEqual([]);
    expect(r.skippedRules.map((x) => x.rule)).toEqual(['self.a.someUnknownFunction()', 'self.a ==']);
    expect(r.skippedRules[0]!.field).toBe('spec');
  });

  it('runs transition rules only with an old object', () => {
    const s = rules([{ rule: 'self.n >= oldSelf.n', message: 'n may not decrease' }]);
    expect(causes(s, { n: 1 })).toEqual([]);
    expect(causes(s, { n: 1 }, { n: 2 })).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": n may not decrease' }]);
    expect(causes(s, { n: 3 }, { n: 2 })).toEqual([]);
  });

  it('does not run CEL when the object has blocking schema errors', () => {
    const c = causes(rules([{ rule: 'false' }]), { n: 'x' });
    expect(c.at(-1)).toEqual({ reason: 'FieldValueInvalid', field: '<nil>', message: `Invalid value: "null": ${CEL_NOT_CHECKED}` });
    expect(c).toHaveLength(2);
  });
});

describe('CEL helpers', () => {
  it('parses Go durations', () => {
    expect(parseGoDuration('0')).toBe(0n);
    expect(parseGoDuration('1h30m')).toBe(5_400_000_000_000n);
    expect(parseGoDuration('1.5s')).toBe(1_500_000_000n);
    expect(parseGoDuration('-2ms')).toBe(-2_000_000n);
    expect(parseGoDuration('3μs')).toBe(3_000n);
    expect(parseGoDuration('5')).toBeUndefined();
    expect(parseGoDuration('1d')).toBeUndefined();
    expect(parseGoDuration('')).toBeUndefined();
  });

  it('renames calls outside strings only', () => {
    expect(renameGlobalCalls(`duration(self) >= duration('duration(1)') && x.duration()`, 'duration', 'd2')).toBe(
      `d2(self) >= d2('duration(1)') && x.duration()`,
    );
    expect(mentions('self.x == oldSelf.x', 'oldSelf')).toBe(true);
    expect(mentions('"oldSelf" == self.oldSelf', 'oldSelf')).toBe(false);
  });

  it('escapes property names like Kubernetes', () => {
    expect(escapeCelName('namespace')).toBe('__namespace__');
    expect(escapeCelName('x-y.z')).toBe('x__dash__y__dot__z');
    expect(escapeCelName('a__b')).toBe('a__underscores__b');
    expect(escapeCelName('a b')).toBeUndefined();
  });
});
