import { describe, expect, it } from 'vitest';
import { ancestors, getIn, jsonEqual, moveIn, parsePath, pathString, renameKey, setIn } from './object-path';

const vs = {
  metadata: { name: 'web' },
  spec: { http: [{ name: 'a', match: [{ uri: { prefix: '/a' } }], futureField: 1 }, { name: 'b' }] },
};

describe('field paths over raw objects', () => {
  it('prints paths as the API server does, map keys in brackets', () => {
    expect(pathString(['spec', 'http', 0, 'match', 0, 'headers', { key: 'x-user' }, 'regex'])).toBe('spec.http[0].match[0].headers[x-user].regex');
    expect(parsePath('spec.http[0].match[0].headers[x-user].regex')).toEqual(['spec', 'http', 0, 'match', 0, 'headers', { key: 'x-user' }, 'regex']);
    expect(ancestors('spec.http[1].route')).toEqual(['spec.http[1].route', 'spec.http[1]', 'spec.http', 'spec']);
  });

  it('sets a value without touching anything else (fields no form knows are kept)', () => {
    const next = setIn(vs, ['spec', 'http', 0, 'timeout'], '5s');
    expect(getIn(next, ['spec', 'http', 0, 'timeout'])).toBe('5s');
    expect(getIn(next, ['spec', 'http', 0, 'futureField'])).toBe(1);
    expect(next.spec.http[1]).toBe(vs.spec.http[1]);
    expect(getIn(vs, ['spec', 'http', 0, 'timeout'])).toBeUndefined();
  });

  it('deleting the last field of an object removes the emptied object, never a list element or spec', () => {
    const next = setIn(vs, ['spec', 'http', 0, 'match', 0, 'uri', 'prefix'], undefined);
    expect(getIn(next, ['spec', 'http', 0, 'match'])).toEqual([{}]);
    expect(setIn({ spec: { host: 'x' } }, ['spec', 'host'], undefined)).toEqual({ spec: {} });
  });

  it('creates missing parents, lists for numeric segments', () => {
    expect(setIn({}, ['spec', 'http', 0, 'name'], 'a')).toEqual({ spec: { http: [{ name: 'a' }] } });
  });

  it('moves list items and renames map keys in place', () => {
    expect((moveIn(vs, ['spec', 'http'], 1, 0).spec.http as { name: string }[]).map((r) => r.name)).toEqual(['b', 'a']);
    expect(Object.keys(renameKey({ l: { a: '1', b: '2' } }, ['l'], 'a', 'c').l)).toEqual(['c', 'b']);
  });

  it('compares JSON structurally', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });
});
