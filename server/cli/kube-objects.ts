/**
 * Reading Kubernetes objects for the CLI: YAML files and folders (multi-document), or the live
 * objects of a cluster through its kubeconfig.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { collectionPath, WATCHED_KINDS } from '../kube/cache';
import { kubeJson } from '../kube/transport';

export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export class InputError extends Error {}

function yamlFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError(`${path}: no such file or directory`);
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

/** Every object in the files (folders are read one level deep, in name order); `List` kinds are flattened. */
export function readObjectFiles(paths: string[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const p of paths.flatMap(yamlFiles)) {
    const docs = parseAllDocuments(readFileSync(p, 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length) throw new InputError(`${p}: ${doc.errors[0]!.message}`);
      const value = doc.toJS() as unknown;
      if (!value) continue;
      const push = (v: unknown) => {
        const o = v as KubeObject;
        if (!o || typeof o !== 'object' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
          throw new InputError(`${p}: a document is not a Kubernetes object (kind and metadata.name are required)`);
        }
        out.push(o);
      };
      const v = value as { kind?: string; items?: unknown[] };
      if (v.kind?.endsWith('List') && Array.isArray(v.items)) v.items.forEach(push);
      else push(value);
    }
  }
  return out;
}

/** The objects the console analyzes, listed from the cluster (each kind once, all namespaces). */
export async function listClusterObjects(kc: KubeConfig): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const k of WATCHED_KINDS) {
    const { body } = await kubeJson<{ items: KubeObject[] }>(kc, { path: collectionPath(k) });
    const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
    for (const item of body.items ?? []) out.push({ ...item, kind: item.kind ?? k.kind, apiVersion: item.apiVersion ?? apiVersion });
  }
  return out;
}
