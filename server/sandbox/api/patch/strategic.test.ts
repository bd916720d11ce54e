import { describe, expect, it } from 'vitest';
import { deployment, podSpec } from '../schemas/workloads';
import { applyStrategicPatch } from './strategic';

const base = {
  spec: {
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'a' }, finalizers: ['x'] },
      spec: {
        containers: [
          { name: 'a', image: 'a:1', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'X', value: '1' }], args: ['--one'] },
          { name: 'b', image: 'b:1' },
        ],
        volumes: [{ name: 'v', emptyDir: {} }],
      },
    },
  },
};

describe('strategic merge patch', () => {
  it('merges containers, ports and env by key and replaces atomic lists', () => {
    const out = applyStrategicPatch(base, { spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 8080 }], env: [{ name: 'Y', value: '2' }], args: ['--two'] }] } } } }, deployment) as any;
    const a = out.spec.template.spec.containers[0];
    expect(a.ports.map((p: any) => p.containerPort)).toEqual([80, 8080]);
    expect(a.env.map((e: any) => e.name)).toEqual(['X', 'Y']);
    expect(a.args).toEqual(['--two']);
    expect(out.spec.template.spec.containers[1]).toEqual({ name: 'b', image: 'b:1' });
  });

  it('honours $patch delete/replace, $setElementOrder, $deleteFromPrimitiveList and $retainKeys', () => {
    const out = applyStrategicPatch(
      base,
      {
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
          template: {
            metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] },
            spec: {
              '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }],
              containers: [{ name: 'b', $patch: 'delete' }, { name: 'c', image: 'c:1' }],
              volumes: [{ $patch: 'replace' }, { name: 'w', configMap: { name: 'cm' } }],
            },
          },
        },
      },
      deployment,
    ) as any;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.spec.template.metadata.finalizers).toEqual([]);
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['c', 'a']);
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'w', configMap: { name: 'cm' } }]);
  });

  it('deletes fields set to null and replaces whole maps with $patch: replace', () => {
    const out = applyStrategicPatch({ spec: { nodeSelector: { a: '1', b: '2' }, hostname: 'h' } }, { spec: { hostname: null, nodeSelector: { $patch: 'replace', c: '3' } } }, { type: 'object', properties: { spec: podSpec } }) as any;
    expect(out.spec).toEqual({ nodeSelector: { c: '3' } });
  });
});
