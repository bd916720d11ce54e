'use client';
/**
 * What every field of a form reads: the draft, a way to change one path of it, the issues by
 * path, whether the form is read-only, and an index of the cluster for pickers.
 */
import { createContext, useContext } from 'react';
import type { KubeObject } from '@/components/resources/kinds';
import type { ClusterIndex } from './cluster-index';
import type { Path } from './object-path';
import type { Issue } from './validation';

export interface EditorContextValue {
  draft: KubeObject;
  /** Sets (or with `undefined`, deletes) the value at `path`. */
  set(path: Path, value: unknown): void;
  /** Any other change of the draft (reorder, rename a map key…). */
  update(fn: (draft: KubeObject) => KubeObject): void;
  issues: ReadonlyMap<string, Issue[]>;
  readOnly: boolean;
  creating: boolean;
  cluster: ClusterIndex;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditor(): EditorContextValue {
  const ctx = useContext(EditorContext);
  if (!ctx) throw new Error('useEditor outside <EditorContext.Provider>');
  return ctx;
}
