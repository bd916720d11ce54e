/** JSON shapes of the `logs` topic (server/logs/publish.ts), as the browser receives them. */
import type { MeshAccessLog } from '@/lib/logs/mesh-access-log';

export interface LogGapJson {
  at: number;
  ms?: number;
  reason: string;
  recovered?: number;
}

export interface FollowerStatusJson {
  pod: string;
  container: string;
  state: 'starting' | 'following' | 'retrying' | 'waiting' | 'stopped';
  containerId?: string;
  lines: number;
  duplicatesSkipped: number;
  resumes: number;
  restarts: number;
  previousReads: number;
  gaps: LogGapJson[];
  gapCount: number;
  lastError?: string;
  lastLineAt?: number;
}

export interface LogsStatusJson {
  pods: FollowerStatusJson[];
  totals: { lines: number; access: number; proxy: number; invalid: number; duplicatesSkipped: number; gaps: number };
  mesh: MeshAccessLog;
  seq: number;
}
