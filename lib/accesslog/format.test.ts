import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AUTO_DETECT_FORMATS,
  AccessLogFormatError,
  ENTRY_FIELDS,
  ENVOY_DEFAULT_FORMAT,
  FORMATS,
  ISTIO_JSON_FORMAT,
  ISTIO_TEXT_FORMAT_1_3_TO_1_8,
  ISTIO_TEXT_FORMAT_1_9_TO_1_22,
  ISTIO_TEXT_FORMAT_CURRENT,
  camelCase,
  compileFormat,
  formatFromMeshConfig,
  operatorFieldName,
} from './format';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
interface FormatsJson {
  text: Record<'current' | '1.9-to-1.22' | '1.3-to-1.8' | 'envoy-default', { format: string }>;
  json: { current: { keys: Record<string, string> } };
}
const formats = JSON.parse(readFileSync(`${fixtures}formats.json`, 'utf8')) as FormatsJson;

describe('format strings', () => {
  it('are exactly the ones in formats.json', () => {
    expect(ISTIO_TEXT_FORMAT_CURRENT).toBe(formats.text.current.format);
    expect(ISTIO_TEXT_FORMAT_1_9_TO_1_22).toBe(formats.text['1.9-to-1.22'].format);
    expect(ISTIO_TEXT_FORMAT_1_3_TO_1_8).toBe(formats.text['1.3-to-1.8'].format);
    expect(ENVOY_DEFAULT_FORMAT).toBe(formats.text['envoy-default'].format);
  });

  it('has the 24 JSON keys of EnvoyJSONLogFormatIstio, in order, with the same operators', () => {
    expect(Object.keys(ISTIO_JSON_FORMAT)).toHaveLength(24);
    expect(Object.entries(ISTIO_JSON_FORMAT)).toEqual(Object.entries(formats.json.current.keys));
  });
});

describe('compileFormat', () => {
  it('names the fields of Istio’s default format in camelCase, as AccessLogEntry has them', () => {
    const f = FORMATS.istioCurrent;
    expect(f.name).toBe('istio-current');
    expect(f.layout).toBe('istio');
    expect(f.ops.map((o) => o.field)).toEqual(ENTRY_FIELDS.filter((x) => x !== 'mixerStatus'));
    expect(f.ops.every((o) => o.top)).toBe(true);
    expect(f.literals[0]).toBe('[');
    expect(f.literals.at(-1)).toBe(''); // trailing newline dropped
    expect(f.ops.filter((o) => o.numeric).map((o) => o.field)).toEqual([
      'responseCode',
      'bytesReceived',
      'bytesSent',
      'duration',
      'upstreamServiceTime',
    ]);
  });

  it('maps operators to field names', () => {
    expect(operatorFieldName('START_TIME')).toBe('startTime');
    expect(operatorFieldName('REQ', ':AUTHORITY')).toBe('authority');
    expect(operatorFieldName('REQ', 'X-FORWARDED-FOR')).toBe('xForwardedFor');
    expect(operatorFieldName('UPSTREAM_CLUSTER_RAW')).toBe('upstreamCluster');
    expect(operatorFieldName('UPSTREAM_CLUSTER')).toBe('upstreamCluster');
    expect(operatorFieldName('RESPONSE_FLAGS')).toBe('responseFlags');
    expect(operatorFieldName('REQ', 'X-ENVOY-ORIGINAL-PATH?:PATH')).toBe('path');
    expect(operatorFieldName('RESP', 'X-ENVOY-UPSTREAM-SERVICE-TIME')).toBe('upstreamServiceTime');
    expect(operatorFieldName('REQ', 'X-REQUEST-ID')).toBe('requestId');
    expect(operatorFieldName('REQ', 'x-b3-traceid')).toBe('xB3Traceid');
    expect(operatorFieldName('RESP', 'CONTENT-TYPE')).toBe('respContentType');
    expect(operatorFieldName('TRAILER', 'GRPC-STATUS')).toBe('trailerGrpcStatus');
    expect(operatorFieldName('UPSTREAM_REQUEST_ATTEMPT_COUNT')).toBe('upstreamRequestAttemptCount');
    expect(operatorFieldName('DYNAMIC_METADATA', 'istio.mixer:status')).toBe('mixerStatus');
    expect(operatorFieldName('DYNAMIC_METADATA', 'com.test.my_filter:test_key')).toBe('dynamicMetadataComTestMyFilterTestKey');
    expect(operatorFieldName('START_TIME', '%s.%3f')).toBe('startTime');
    expect(camelCase('x_forwarded_for')).toBe('xForwardedFor');
  });

  it('compiles a custom format with arguments, truncation and unknown operators', () => {
    const f = compileFormat('%START_TIME(%s.%3f)% %REQ(:AUTHORITY):10% retries=%UPSTREAM_REQUEST_ATTEMPT_COUNT% "%REQ(X-B3-TRACEID)%" %FOO_BAR%');
    expect(f.name).toBe('custom');
    expect(f.layout).toBeUndefined();
    expect(f.literals).toEqual(['', ' ', ' retries=', ' "', '" ', '']);
    expect(f.ops.map((o) => [o.command, o.arg, o.maxLength, o.field, o.top, o.value])).toEqual([
      ['START_TIME', '%s.%3f', undefined, 'startTime', true, 'text'],
      ['REQ', ':AUTHORITY', 10, 'authority', true, 'token'],
      ['UPSTREAM_REQUEST_ATTEMPT_COUNT', undefined, undefined, 'upstreamRequestAttemptCount', false, 'int'],
      ['REQ', 'X-B3-TRACEID', undefined, 'xB3Traceid', false, 'text'],
      ['FOO_BAR', undefined, undefined, 'fooBar', false, 'text'],
    ]);
  });

  it('recognises the built-in formats and the default layout', () => {
    expect(FORMATS.istio1_9to1_22.name).toBe('istio-1.9-to-1.22');
    expect(FORMATS.istio1_9to1_22.layout).toBe('istio');
    expect(FORMATS.istio1_3to1_8.name).toBe('istio-1.3-to-1.8');
    expect(FORMATS.istio1_3to1_8.layout).toBeUndefined();
    expect(FORMATS.istio1_3to1_8.ops.map((o) => o.field)).toContain('mixerStatus');
    expect(FORMATS.envoyDefault.name).toBe('envoy-default');
    // Without the trailing newline (Istio appends it) it is still the same format.
    expect(compileFormat(ISTIO_TEXT_FORMAT_CURRENT.trimEnd()).name).toBe('istio-current');
    expect(AUTO_DETECT_FORMATS.map((f) => f.name)).toEqual(['istio-current', 'istio-1.9-to-1.22', 'istio-1.3-to-1.8']);
  });

  it('rejects a % that starts no operator, with the column', () => {
    expect(() => compileFormat('[%START_TIME%] 100% done')).toThrow(AccessLogFormatError);
    try {
      compileFormat('abc %lower%');
    } catch (err) {
      expect((err as AccessLogFormatError).column).toBe(5);
      expect((err as Error).message).toMatch(/column 5/);
    }
    expect(() => compileFormat('%START_TIME')).toThrow(/no valid command operator/);
  });

  it('compiles JSON formats: pure operators, mixed strings, constants, nested objects', () => {
    expect(FORMATS.istioJson.name).toBe('istio-json');
    expect(FORMATS.istioJson.fields.map((f) => f.key)).toEqual(Object.keys(ISTIO_JSON_FORMAT));
    const j = compileFormat({ d: '%DURATION%', t: '%DURATION%ms', c: 'constant', n: 7, o: { code: '%RESPONSE_CODE%' } });
    expect(j.name).toBe('custom-json');
    expect(j.fields.map((f) => f.kind)).toEqual(['op', 'text', 'const', 'const', 'object']);
  });

  it('follows istiod for mesh config settings', () => {
    expect(formatFromMeshConfig(undefined, undefined)).toBe(FORMATS.istioCurrent);
    expect(formatFromMeshConfig('TEXT', '')).toBe(FORMATS.istioCurrent);
    expect(formatFromMeshConfig('JSON', '')).toBe(FORMATS.istioJson);
    expect(formatFromMeshConfig('JSON', '{not json')).toBe(FORMATS.istioJson);
    const j = formatFromMeshConfig('JSON', '{"code":"%RESPONSE_CODE%"}');
    expect(j.kind).toBe('json');
    const t = formatFromMeshConfig('TEXT', '%RESPONSE_CODE% %DURATION%');
    expect(t.kind === 'text' && t.ops.map((o) => o.field)).toEqual(['responseCode', 'duration']);
  });
});
