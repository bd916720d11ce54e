import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../api/store';
import { applyFaultAnnotations, FAULT_CUT_LOG_FOLLOWS, FAULT_WRITE_LOG, type FaultTarget } from './fault-annotations';

function target(calls: string[]): FaultTarget {
  return {
    restartContainer: async (ns, name) => void calls.push(`restart ${ns}/${name}`),
    rotateLog: (ns, name) => void calls.push(`rotate ${ns}/${name}`),
    cutLogFollows: (ns, name) => (calls.push(`cut ${ns}/${name}`), 1),
    setContainerUnready: () => {},
    writeLogLine: (ns, name, line) => void calls.push(`write ${ns}/${name} ${line}`),
  };
}

const pod = (annotations: Record<string, string>): StoredObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw-0', namespace: 'istio-system', annotations }, spec: { containers: [{ name: 'istio-proxy' }] } }) as unknown as StoredObject;

describe('fault annotations', () => {
  it('acts when a value changes, not on the values a pod starts with', () => {
    const calls: string[] = [];
    const seen = new Map<string, string>();
    applyFaultAnnotations(target(calls), pod({ [FAULT_WRITE_LOG]: 'old line', [FAULT_CUT_LOG_FOLLOWS]: '1' }), seen, true);
    expect(calls).toEqual([]);
    applyFaultAnnotations(target(calls), pod({ [FAULT_WRITE_LOG]: '[2026-12-05T10:00:00.000Z] "GET /cut HTTP/1.1" 200', [FAULT_CUT_LOG_FOLLOWS]: '1' }), seen, false);
    expect(calls).toEqual(['write istio-system/gw-0 [2026-12-05T10:00:00.000Z] "GET /cut HTTP/1.1" 200']);
    applyFaultAnnotations(target(calls), pod({ [FAULT_WRITE_LOG]: '[2026-12-05T10:00:00.000Z] "GET /cut HTTP/1.1" 200', [FAULT_CUT_LOG_FOLLOWS]: '2' }), seen, false);
    expect(calls.slice(1)).toEqual(['cut istio-system/gw-0']);
  });
});
