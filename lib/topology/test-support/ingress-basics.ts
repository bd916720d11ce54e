/**
 * Test support (used only by tests): the YAML texts of the ingress-basics scenario
 * (`../fixtures/scenario-ingress-basics/`, see its PROVENANCE.md) in file-name order, for
 * `scenarioSnapshot`. It reads files, so it lives under test-support/ (exempt from lib/'s no-Node rule).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const INGRESS_BASICS_DIR = join(import.meta.dirname, '../fixtures/scenario-ingress-basics');

export function ingressBasicsTexts(): string[] {
  return readdirSync(INGRESS_BASICS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => readFileSync(join(INGRESS_BASICS_DIR, f), 'utf8'));
}
