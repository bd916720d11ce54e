/**
 * Scenarios: YAML files of Kubernetes and Istio objects the sandbox starts with, the same files
 * `kubectl apply -f` accepts.
 *
 * `loadScenario(x)` reads a built-in scenario by name (`ingress-basics`, `troubleshooting`: a
 * folder beside this file), a YAML file, or a directory of `*.yaml` / `*.yml` files in name order.
 * `applyScenario(store, objects)` writes them into the store in dependency order (Namespaces,
 * CRDs, ServiceAccounts/ConfigMaps/Secrets, Services, workloads, Istio objects, the rest), with
 * the API server's defaulting, the storage version of each kind, and missing namespaces created
 * (kubectl would refuse them; the sandbox is lenient so that a hand-written scenario need not
 * declare `default`'s siblings).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { applyDefaults, initialStatus } from '../api/defaults';
import { apiVersionOf, registry, type ResourceDef } from '../api/registry';
import { StoreError, type Store, type StoredObject } from '../api/store';
import { namespaceObject } from '../controllers/namespace';
import { stableJson } from '../controllers/objects';

export const SCENARIO_ROOT = import.meta.dirname;
export const DEFAULT_SCENARIO = 'ingress-basics';

export interface ScenarioObject extends StoredObject {
  /** Not part of the object: where it came from (`03-counter.yaml#2`), for error messages. Removed before storing. */
  readonly [SOURCE]?: string;
}
const SOURCE = Symbol('scenario source');

export class ScenarioError extends Error {}

/** Names of the built-in scenarios (folders beside this file). */
export function builtinScenarios(): string[] {
  return readdirSync(SCENARIO_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join(SCENARIO_ROOT, d.name)).some((f) => /\.ya?ml$/.test(f)))
    .map((d) => d.name)
    .sort();
}

/** The files a scenario name, file or directory stands for. */
export function scenarioFiles(nameOrPath: string): string[] {
  const builtin = /^[a-z0-9-]+$/.test(nameOrPath) ? join(SCENARIO_ROOT, nameOrPath) : undefined;
  const path = builtin && existsSync(builtin) ? builtin : resolve(nameOrPath);
  if (!existsSync(path)) {
    throw new ScenarioError(`unknown scenario "${nameOrPath}": not a built-in scenario (${builtinScenarios().join(', ')}), a file or a directory`);
  }
  if (statSync(path).isFile()) return [path];
  const files = readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new ScenarioError(`scenario directory ${path} has no *.yaml files`);
  return files;
}

/** Parses a scenario into objects, in file order. */
export function loadScenario(nameOrPath: string): ScenarioObject[] {
  const out: ScenarioObject[] = [];
  for (const file of scenarioFiles(nameOrPath)) {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'));
    docs.forEach((doc, i) => {
      const where = `${basename(file)}#${i + 1}`;
      if (doc.errors.length) throw new ScenarioError(`${where}: ${doc.errors[0]!.message}`);
      const o = doc.toJS() as StoredObject | null;
      if (o === null || o === undefined) return;
      if (typeof o !== 'object' || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || !o.metadata?.name) {
        throw new ScenarioError(`${where}: not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
      }
      if (o.kind.endsWith('List') && Array.isArray(o['items'])) {
        for (const item of o['items'] as StoredObject[]) out.push(Object.assign(item, { [SOURCE]: where }));
        return;
      }
      out.push(Object.assign(o, { [SOURCE]: where }));
    });
  }
  return out;
}

const ISTIO_GROUPS = /(^|\.)istio\.io$/;

function rank(o: StoredObject, def: ResourceDef | undefined): number {
  const group = def?.group ?? '';
  switch (o.kind) {
    case 'Namespace':
      return 0;
    case 'CustomResourceDefinition':
      return 1;
    case 'ServiceAccount':
    case 'ConfigMap':
    case 'Secret':
      return 2;
    case 'Service':
      return 3;
    case 'Deployment':
    case 'ReplicaSet':
    case 'Pod':
      return 4;
    default:
      return ISTIO_GROUPS.test(group) ? 5 : 6;
  }
}

function defOf(o: StoredObject): ResourceDef | undefined {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const def = registry().forKind(group!, o.kind);
  return def && def.versions.includes(version!) ? def : undefined;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * kubectl's last-applied-configuration: the object as applied, keys sorted (Go's json.Marshal of
 * a map), with `metadata.annotations` present but without this annotation (kubectl leaves `{}`).
 */
function lastApplied(o: StoredObject): string {
  const c = structuredClone(o);
  c.metadata.annotations = { ...(c.metadata.annotations ?? {}) };
  delete c.metadata.annotations[LAST_APPLIED];
  return `${stableJson(c)}\n`;
}

export interface ApplyResult {
  created: number;
  updated: number;
  /** Objects of kinds the sandbox does not serve (e.g. CRDs of other projects), by source. */
  skipped: string[];
}

/** Writes scenario objects into the store in dependency order (create, or replace the spec of what exists). */
export function applyScenario(store: Store, objects: ScenarioObject[]): ApplyResult {
  const result: ApplyResult = { created: 0, updated: 0, skipped: [] };
  const withDefs = objects.map((o, i) => ({ o, def: defOf(o), i }));
  withDefs.sort((a, b) => rank(a.o, a.def) - rank(b.o, b.def) || a.i - b.i);
  for (const { o, def } of withDefs) {
    const where = o[SOURCE] ?? o.metadata.name;
    if (!def || def.virtual) {
      result.skipped.push(`${where} (${o.apiVersion} ${o.kind})`);
      continue;
    }
    if (def.key === 'apiextensions.k8s.io/customresourcedefinitions') {
      // The API server serves the CRDs it was built with; a scenario's copy adds nothing.
      result.skipped.push(`${where} (CustomResourceDefinition ${o.metadata.name})`);
      continue;
    }
    const obj = structuredClone({ ...o }) as StoredObject;
    if (def.namespaced) obj.metadata.namespace ??= 'default';
    else delete obj.metadata.namespace;
    // As if `kubectl apply -f` had created it: later applies of the same files merge cleanly.
    obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [LAST_APPLIED]: lastApplied(obj) };
    obj.apiVersion = apiVersionOf(def.group, def.storageVersion);
    applyDefaults(def.kind, obj as unknown as Record<string, unknown>);
    const st = initialStatus(def.kind);
    if (st && def.kind !== 'Namespace') obj['status'] = st;
    const ns = obj.metadata.namespace;
    if (ns && !store.get('core/namespaces', undefined, ns)) store.create('core/namespaces', namespaceObject(ns));
    try {
      const cur = store.get(def.key, ns, obj.metadata.name);
      if (!cur) {
        if (def.kind === 'Namespace') obj['status'] = { phase: 'Active' };
        store.create(def.key, obj);
        result.created++;
      } else {
        const next: StoredObject = { ...obj, metadata: { ...cur.metadata, labels: { ...(cur.metadata.labels ?? {}), ...(obj.metadata.labels ?? {}) }, annotations: obj.metadata.annotations ?? cur.metadata.annotations } };
        if (cur['status'] !== undefined) next['status'] = cur['status'];
        store.update(def.key, next);
        result.updated++;
      }
    } catch (err) {
      if (err instanceof StoreError) throw new ScenarioError(`${where}: ${err.message}`);
      throw err;
    }
  }
  return result;
}
