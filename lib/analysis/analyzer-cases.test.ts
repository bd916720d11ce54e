/**
 * Istio's own analyzer test cases (istio/istio pkg/config/analysis/analyzers/analyzers_test.go,
 * copied in fixtures/analyzer-cases): each case runs one analyzer over its input files plus the
 * implicit default resources, and the (code, origin) pairs must equal the expected ones as an
 * unordered multiset.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze';
import type { KubeObject } from './types';
import { parseAllDocuments } from 'yaml';

function loadYaml(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is KubeObject => !!d && typeof d === 'object' && typeof (d as KubeObject).kind === 'string');
}

/** Sorted `code origin` strings: a multiset as a comparable array. */
function multiset(items: ReadonlyArray<{ code: string; origin: string }>): string[] {
  return items.map((i) => `${i.code} ${i.origin}`).sort();
}

const dir = fileURLToPath(new URL('./fixtures/analyzer-cases/', import.meta.url));

interface Expected {
  case: string;
  analyzer: { name: string };
  inputFiles: string[];
  expected: Array<{ code: string; origin: string }>;
}

const index = JSON.parse(readFileSync(`${dir}index.json`, 'utf8')) as { cases: Array<{ dir: string }> };
const implicit = loadYaml(`${dir}_implicit-default-resources.yaml`);
/** The Istio commit's date: the test Secret's certificate must be valid then (Istio's test uses time.Now()). */
const now = Date.parse('2026-08-22T00:00:00Z');

describe('Istio analyzer cases', () => {
  it('has the 24 cases', () => expect(index.cases).toHaveLength(24));

  for (const c of index.cases) {
    const exp = JSON.parse(readFileSync(`${dir}${c.dir}/expected.json`, 'utf8')) as Expected;
    it(`${c.dir} (${exp.analyzer.name})`, () => {
      const objects = [...exp.inputFiles.flatMap((f) => loadYaml(`${dir}${c.dir}/${f}`)), ...implicit];
      const findings = analyze(objects, { analyzers: [exp.analyzer.name], now });
      expect(multiset(findings)).toEqual(multiset(exp.expected));
    });
  }
});
