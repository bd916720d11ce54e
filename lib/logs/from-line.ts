/**
 * One gateway log line (pods/log text, timestamp split off) → a LogRecord: an access-log line
 * parsed with lib/accesslog, the proxy's own log line recognized, anything else kept with the
 * parser's reason.
 */
import type { CompiledFormat } from '../accesslog/format';
import { parseAccessLine } from '../accesslog/parse';
import { isProxyLogLine, type LogRecord } from './record';

export function recordFromLine(seq: number, pod: string, container: string | undefined, ts: string | undefined, text: string, format?: CompiledFormat): LogRecord {
  // One object shape for every record (no spreads, the attribution's ids declared up front so
  // setting them later changes no shape): this runs once per line.
  const r: LogRecord = { seq, pod, container, ts, kind: 'access', raw: text, entry: undefined, error: undefined, routeId: undefined, serviceId: undefined, subsetId: undefined };
  if (isProxyLogLine(text)) {
    r.kind = 'proxy';
    return r;
  }
  const parsed = parseAccessLine(text, format);
  if (!parsed.ok) {
    r.kind = 'invalid';
    r.error = parsed.reason;
    return r;
  }
  // The line is kept once, as the record's `raw` (cheaper than copying the entry without it).
  const entry = parsed.entry as LogRecord['entry'] & { raw?: string };
  r.raw = parsed.entry.raw;
  entry.raw = undefined;
  r.entry = entry;
  return r;
}
