import { describe, expect, it } from 'vitest';
import { fromDisplay, fromPointer, getAt, setAt, toDisplay, toPointer } from './path';

describe('paths', () => {
  it('prints Kubernetes field paths and pointers', () => {
    const p = ['spec', 'http', 0, 'route', 1, 'weight'];
    expect(toDisplay(p)).toBe('spec.http[0].route[1].weight');
    expect(toPointer(p)).toBe('/spec/http/0/route/1/weight');
    expect(toDisplay(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels[app.kubernetes.io/name]');
    expect(toPointer(['metadata', 'annotations', 'a/b~c'])).toBe('/metadata/annotations/a~1b~0c');
  });

  it('parses them back, list indices as numbers', () => {
    expect(fromDisplay('spec.http[0].route[1].weight')).toEqual(['spec', 'http', 0, 'route', 1, 'weight']);
    expect(fromDisplay('metadata.labels[app.kubernetes.io/name]')).toEqual(['metadata', 'labels', 'app.kubernetes.io/name']);
    expect(fromDisplay('<nil>')).toBeUndefined();
    expect(fromPointer('/metadata/annotations/a~1b~0c')).toEqual(['metadata', 'annotations', 'a/b~c']);
    expect(fromPointer('/spec/http/2')).toEqual(['spec', 'http', 2]);
  });

  it('keeps a numeric map key a string when the object shows a map there', () => {
    const obj = { metadata: { labels: { '0': 'x' } }, spec: { http: [{}] } };
    expect(fromDisplay('metadata.labels[0]', obj)).toEqual(['metadata', 'labels', '0']);
    expect(fromPointer('/metadata/labels/0', obj)).toEqual(['metadata', 'labels', '0']);
    expect(fromPointer('/spec/http/0', obj)).toEqual(['spec', 'http', 0]);
  });

  it('sets immutably, sharing untouched branches, creating parents, removing with undefined', () => {
    const obj = { spec: { hosts: ['a'], http: [{ name: 'r', timeout: '1s' }] }, other: { keep: true } };
    const next = setAt(obj, ['spec', 'http', 0, 'timeout'], '5s');
    expect(getAt(next, ['spec', 'http', 0, 'timeout'])).toBe('5s');
    expect(obj.spec.http[0]!.timeout).toBe('1s');
    expect(next.other).toBe(obj.other);
    expect(next.spec.hosts).toBe(obj.spec.hosts);
    expect(setAt({}, ['spec', 'http', 0, 'name'], 'n')).toEqual({ spec: { http: [{ name: 'n' }] } });
    expect(setAt(obj, ['spec', 'http', 0, 'timeout'], undefined).spec.http[0]).toEqual({ name: 'r' });
    expect(setAt(obj, ['spec', 'hosts', 0], undefined).spec.hosts).toEqual([]);
  });
});
