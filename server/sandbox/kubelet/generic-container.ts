/**
 * What runs for an image no ImageResolver knows: a container that starts, listens on nothing,
 * stays Ready and stops at once (as `pause` would).
 */
import type { ContainerImpl } from './container';

export const genericContainer: ContainerImpl = {
  async start() {
    return { stop: async () => {} };
  },
};
