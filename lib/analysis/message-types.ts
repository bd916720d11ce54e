/** The shape of one analysis message type (Istio's messages.yaml entries, and gatescope's own). */
import type { Level } from './types';

export interface MessageType {
  code: string;
  /** `ReferencedResourceNotFound` */
  name: string;
  level: Level;
  description: string;
  /** Go fmt template: `Referenced %s not found: %q`. */
  template: string;
  args: ReadonlyArray<{ name: string; type: string }>;
}
