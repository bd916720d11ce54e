/**
 * The registry of other contexts' services, without a cluster: bundles start on first use, each
 * with its own topics; an idle bundle stops after `idleMs` (an open subscription keeps it in use),
 * and beyond `max` the least recently used idle one stops.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Hub, TopicSink } from '../stream/hub';
import type { ContextServices } from './bundle';
import { ContextRegistry } from './registry';

function kubeConfig(names: string[]): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: names.map((n) => ({ name: n, server: `https://127.0.0.1:1/${n}` })),
    users: [{ name: 'u', token: 't' }],
    contexts: names.map((n) => ({ name: n, cluster: n, user: 'u' })),
    currentContext: names[0],
  });
  return kc;
}

function setup(opts: { idleMs?: number; max?: number } = {}) {
  let now = 1000;
  const started: string[] = [];
  const stopped: string[] = [];
  const registry = new ContextRegistry(kubeConfig(['own', 'b', 'c', 'd']), 'own', {
    mode: 'cluster',
    now: () => now,
    ...opts,
    create: (kc, name) =>
      ({
        context: name,
        kubeConfig: kc,
        start(hub: Hub) {
          started.push(name);
          hub.register('topology', { subscribe: (_p, sink) => (sink.snapshot(1, { context: name, server: kc.getCurrentCluster()?.server }), () => {}) });
        },
        stop: () => stopped.push(name),
      }) as unknown as ContextServices,
  });
  return { registry, started, stopped, advance: (ms: number) => (now += ms) };
}

const sink = (got: unknown[]): TopicSink => ({ snapshot: (_v, d) => got.push(d), event: () => {}, error: () => {} });

describe('ContextRegistry', () => {
  it('starts a context\'s services once, on first use, with that context\'s kubeconfig and topics', () => {
    const { registry, started } = setup();
    expect(registry.size).toBe(0);
    expect(registry.has('b') && !registry.has('nope')).toBe(true);
    expect(registry.kubeConfig('b').getCurrentContext()).toBe('b');
    registry.services('b');
    expect(started).toEqual(['b']);
    const got: unknown[] = [];
    registry.provider('b', 'topology')!.subscribe(undefined, sink(got), 'topology');
    expect(got).toEqual([{ context: 'b', server: 'https://127.0.0.1:1/b' }]);
    expect(registry.provider('b', 'no-such-topic')).toBeUndefined();
    expect(() => registry.services('own')).toThrow(/console's own/);
  });

  it('stops a bundle unused for idleMs, not while a subscription is open, and starts it again on use', () => {
    const { registry, started, stopped, advance } = setup({ idleMs: 60_000 });
    const off = registry.provider('b', 'topology')!.subscribe(undefined, sink([]), 'topology');
    registry.services('c');
    advance(61_000);
    expect(registry.sweep()).toEqual(['c']);
    expect(registry.running()).toEqual(['b']);
    off();
    off(); // idempotent
    advance(59_000);
    expect(registry.sweep()).toEqual([]);
    advance(1_000);
    expect(registry.sweep()).toEqual(['b']);
    expect(stopped).toEqual(['c', 'b']);
    registry.services('b');
    expect(started).toEqual(['b', 'c', 'b']);
    registry.stop();
    expect(registry.size).toBe(0);
  });

  it('keeps at most `max` bundles, stopping the least recently used idle one', () => {
    const { registry, stopped, advance } = setup({ max: 2 });
    registry.services('b');
    advance(1);
    registry.services('c');
    advance(1);
    registry.services('b');
    advance(1);
    registry.services('d');
    expect(stopped).toEqual(['c']);
    expect(registry.running().sort()).toEqual(['b', 'd']);
    registry.stop();
  });
});
