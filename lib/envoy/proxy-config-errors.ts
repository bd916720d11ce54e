/** Errors of the `istioctl proxy-config` renderers, with istioctl's own messages. */
import { ADMIN_TYPES } from './config-dump-types';

export class ProxyConfigError extends Error {
  /** For the full summary: what was printed before the failing section. */
  partialOutput?: string;

  constructor(message: string, partialOutput?: string) {
    super(message);
    this.name = 'ProxyConfigError';
    this.partialOutput = partialOutput;
  }
}

/** `config dump has no configuration type type.googleapis.com/envoy.admin.v3.RoutesConfigDump` */
export function sectionMissing(section: keyof typeof ADMIN_TYPES): string {
  return `config dump has no configuration type ${ADMIN_TYPES[section]}`;
}
