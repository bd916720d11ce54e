/**
 * Just enough Kubernetes protobuf decoding for the request bodies kubectl's typed clients send as
 * `application/vnd.kubernetes.protobuf` (`kubectl auth can-i`, `kubectl create namespace|configmap|
 * secret|deployment|service|serviceaccount`). Responses are always JSON, which those clients
 * accept. The envelope is the 4-byte magic `k8s\0` + runtime.Unknown{typeMeta, raw}.
 * Field numbers are those of k8s.io/api and k8s.io/apimachinery generated.proto.
 */
import { errors } from './status';

type Obj = Record<string, unknown>;

interface Field {
  no: number;
  value: number | Buffer;
}

function varint(buf: Buffer, pos: { i: number }): number {
  let result = 0;
  let mul = 1;
  for (;;) {
    if (pos.i >= buf.length) throw new Error('truncated varint');
    const b = buf[pos.i++]!;
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) break;
    mul *= 128;
    if (mul > 2 ** 70) throw new Error('varint too long');
  }
  return result >= 2 ** 63 ? result - 2 ** 64 : result; // negative int32/int64 (two's complement)
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  const pos = { i: 0 };
  while (pos.i < buf.length) {
    const tag = varint(buf, pos);
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) out.push({ no, value: varint(buf, pos) });
    else if (wire === 2) {
      const len = varint(buf, pos);
      if (len < 0 || pos.i + len > buf.length) throw new Error('truncated field');
      out.push({ no, value: buf.subarray(pos.i, pos.i + len) });
      pos.i += len;
    } else if (wire === 1) pos.i += 8;
    else if (wire === 5) pos.i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** Field kinds: scalars, maps, IntOrString, Quantity, nested messages (`[Spec]` = repeated), and `inline` (embedded struct). */
type Kind = 'string' | 'bool' | 'int' | 'strings' | 'map' | 'bytesMap' | 'intOrString' | 'quantity' | 'quantityMap' | 'skip' | Spec | [Spec] | { inline: Spec };
interface Spec {
  [no: number]: [string, Kind];
}

/** Pointer fields whose zero value is meaningful (everything else: zero = unset, as Go's omitempty prints it). */
const KEEP_ZERO = new Set(['replicas', 'immutable', 'revisionHistoryLimit', 'automountServiceAccountToken', 'enableServiceLinks', 'allocateLoadBalancerNodePorts', 'optional', 'allowed']);

function decodeMessage(buf: Buffer, spec: Spec, into: Obj = {}): Obj {
  for (const f of fields(buf)) {
    const d = spec[f.no];
    if (!d) continue;
    const [name, kind] = d;
    const bytes = Buffer.isBuffer(f.value) ? f.value : undefined;
    const num = typeof f.value === 'number' ? f.value : undefined;
    if (kind === 'skip') continue;
    if (kind === 'string' && bytes) {
      const s = bytes.toString('utf8');
      if (s !== '' || KEEP_ZERO.has(name)) into[name] = s;
    } else if (kind === 'bool' && num !== undefined) {
      if (num !== 0 || KEEP_ZERO.has(name)) into[name] = num !== 0;
    } else if (kind === 'int' && num !== undefined) {
      if (num !== 0 || KEEP_ZERO.has(name)) into[name] = num;
    } else if (kind === 'strings' && bytes) ((into[name] ??= []) as string[]).push(bytes.toString('utf8'));
    else if ((kind === 'map' || kind === 'bytesMap' || kind === 'quantityMap') && bytes) {
      const kv = fields(bytes);
      const k = kv.find((x) => x.no === 1)?.value;
      const v = kv.find((x) => x.no === 2)?.value;
      const key = Buffer.isBuffer(k) ? k.toString('utf8') : '';
      let val = '';
      if (Buffer.isBuffer(v)) val = kind === 'bytesMap' ? v.toString('base64') : kind === 'quantityMap' ? String(decodeMessage(v, { 1: ['s', 'string'] })['s'] ?? '') : v.toString('utf8');
      ((into[name] ??= {}) as Obj)[key] = val;
    } else if (kind === 'quantity' && bytes) into[name] = decodeMessage(bytes, { 1: ['s', 'string'] })['s'] ?? '';
    else if (kind === 'intOrString' && bytes) {
      const v = decodeMessage(bytes, { 1: ['type', 'int'], 2: ['intVal', 'int'], 3: ['strVal', 'string'] });
      into[name] = v['type'] === 1 ? (v['strVal'] ?? '') : (v['intVal'] ?? 0);
    } else if (Array.isArray(kind) && bytes) ((into[name] ??= []) as Obj[]).push(decodeMessage(bytes, kind[0]));
    else if (typeof kind === 'object' && 'inline' in kind && bytes) decodeMessage(bytes, kind.inline as Spec, into);
    else if (typeof kind === 'object' && bytes) into[name] = decodeMessage(bytes, kind as Spec);
  }
  return into;
}

const OWNER_REF: Spec = { 5: ['apiVersion', 'string'], 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] };
const OBJECT_META: Spec = {
  1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 6: ['resourceVersion', 'string'],
  11: ['labels', 'map'], 12: ['annotations', 'map'], 13: ['ownerReferences', [OWNER_REF]], 14: ['finalizers', 'strings'],
};
const LABEL_SELECTOR: Spec = { 1: ['matchLabels', 'map'], 2: ['matchExpressions', [{ 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'strings'] }]] };
const LOCAL_REF: Spec = { 1: ['name', 'string'] };
const KEY_SELECTOR: Spec = { 1: ['', { inline: LOCAL_REF }], 2: ['key', 'string'], 3: ['optional', 'bool'] };
const ENV_VAR: Spec = {
  1: ['name', 'string'], 2: ['value', 'string'],
  3: ['valueFrom', { 1: ['fieldRef', { 1: ['apiVersion', 'string'], 2: ['fieldPath', 'string'] }], 2: ['resourceFieldRef', { 1: ['containerName', 'string'], 2: ['resource', 'string'], 3: ['divisor', 'quantity'] }], 3: ['configMapKeyRef', KEY_SELECTOR], 4: ['secretKeyRef', KEY_SELECTOR] }],
};
const PROBE: Spec = {
  1: ['', { inline: { 1: ['exec', { 1: ['command', 'strings'] }], 2: ['httpGet', { 1: ['path', 'string'], 2: ['port', 'intOrString'], 3: ['host', 'string'], 4: ['scheme', 'string'] }], 3: ['tcpSocket', { 1: ['port', 'intOrString'], 2: ['host', 'string'] }] } }],
  2: ['initialDelaySeconds', 'int'], 3: ['timeoutSeconds', 'int'], 4: ['periodSeconds', 'int'], 5: ['successThreshold', 'int'], 6: ['failureThreshold', 'int'],
};
const CONTAINER: Spec = {
  1: ['name', 'string'], 2: ['image', 'string'], 3: ['command', 'strings'], 4: ['args', 'strings'], 5: ['workingDir', 'string'],
  6: ['ports', [{ 1: ['name', 'string'], 2: ['hostPort', 'int'], 3: ['containerPort', 'int'], 4: ['protocol', 'string'], 5: ['hostIP', 'string'] }]],
  19: ['envFrom', [{ 1: ['prefix', 'string'], 2: ['configMapRef', { 1: ['', { inline: LOCAL_REF }], 2: ['optional', 'bool'] }], 3: ['secretRef', { 1: ['', { inline: LOCAL_REF }], 2: ['optional', 'bool'] }] }]],
  7: ['env', [ENV_VAR]],
  8: ['resources', { 1: ['limits', 'quantityMap'], 2: ['requests', 'quantityMap'] }],
  9: ['volumeMounts', [{ 1: ['name', 'string'], 2: ['readOnly', 'bool'], 3: ['mountPath', 'string'], 4: ['subPath', 'string'], 5: ['mountPropagation', 'string'], 6: ['subPathExpr', 'string'] }]],
  10: ['livenessProbe', PROBE], 11: ['readinessProbe', PROBE], 22: ['startupProbe', PROBE],
  13: ['terminationMessagePath', 'string'], 20: ['terminationMessagePolicy', 'string'], 14: ['imagePullPolicy', 'string'],
  16: ['stdin', 'bool'], 17: ['stdinOnce', 'bool'], 18: ['tty', 'bool'],
};
const VOLUME: Spec = {
  1: ['name', 'string'],
  2: ['', { inline: {
    2: ['emptyDir', { 1: ['medium', 'string'], 2: ['sizeLimit', 'quantity'] }],
    6: ['secret', { 1: ['secretName', 'string'], 2: ['items', [{ 1: ['key', 'string'], 2: ['path', 'string'], 3: ['mode', 'int'] }]], 3: ['defaultMode', 'int'], 4: ['optional', 'bool'] }],
    19: ['configMap', { 1: ['', { inline: LOCAL_REF }], 2: ['items', [{ 1: ['key', 'string'], 2: ['path', 'string'], 3: ['mode', 'int'] }]], 3: ['defaultMode', 'int'], 4: ['optional', 'bool'] }],
  } }],
};
const POD_SPEC: Spec = {
  1: ['volumes', [VOLUME]], 20: ['initContainers', [CONTAINER]], 2: ['containers', [CONTAINER]],
  3: ['restartPolicy', 'string'], 4: ['terminationGracePeriodSeconds', 'int'], 5: ['activeDeadlineSeconds', 'int'], 6: ['dnsPolicy', 'string'],
  7: ['nodeSelector', 'map'], 8: ['serviceAccountName', 'string'], 9: ['serviceAccount', 'string'], 10: ['nodeName', 'string'],
  11: ['hostNetwork', 'bool'], 14: ['securityContext', {}], 15: ['imagePullSecrets', [LOCAL_REF]], 16: ['hostname', 'string'], 17: ['subdomain', 'string'],
  19: ['schedulerName', 'string'], 24: ['priorityClassName', 'string'],
};
const RESOURCE_ATTRIBUTES: Spec = { 1: ['namespace', 'string'], 2: ['verb', 'string'], 3: ['group', 'string'], 4: ['version', 'string'], 5: ['resource', 'string'], 6: ['subresource', 'string'], 7: ['name', 'string'] };

const KINDS: Record<string, Spec> = {
  SelfSubjectAccessReview: {
    1: ['metadata', OBJECT_META],
    2: ['spec', { 1: ['resourceAttributes', RESOURCE_ATTRIBUTES], 2: ['nonResourceAttributes', { 1: ['path', 'string'], 2: ['verb', 'string'] }] }],
  },
  SelfSubjectRulesReview: { 1: ['metadata', OBJECT_META], 2: ['spec', { 1: ['namespace', 'string'] }] },
  SelfSubjectReview: { 1: ['metadata', OBJECT_META] },
  Namespace: { 1: ['metadata', OBJECT_META], 2: ['spec', { 1: ['finalizers', 'strings'] }] },
  ConfigMap: { 1: ['metadata', OBJECT_META], 2: ['data', 'map'], 3: ['binaryData', 'bytesMap'], 4: ['immutable', 'bool'] },
  Secret: { 1: ['metadata', OBJECT_META], 2: ['data', 'bytesMap'], 3: ['type', 'string'], 4: ['stringData', 'map'], 5: ['immutable', 'bool'] },
  ServiceAccount: { 1: ['metadata', OBJECT_META], 2: ['secrets', [{ 1: ['kind', 'string'], 2: ['namespace', 'string'], 3: ['name', 'string'] }]], 3: ['imagePullSecrets', [LOCAL_REF]], 4: ['automountServiceAccountToken', 'bool'] },
  Service: {
    1: ['metadata', OBJECT_META],
    2: ['spec', {
      1: ['ports', [{ 1: ['name', 'string'], 2: ['protocol', 'string'], 6: ['appProtocol', 'string'], 3: ['port', 'int'], 4: ['targetPort', 'intOrString'], 5: ['nodePort', 'int'] }]],
      2: ['selector', 'map'], 3: ['clusterIP', 'string'], 18: ['clusterIPs', 'strings'], 4: ['type', 'string'], 5: ['externalIPs', 'strings'], 7: ['sessionAffinity', 'string'],
      8: ['loadBalancerIP', 'string'], 10: ['externalName', 'string'], 11: ['externalTrafficPolicy', 'string'], 19: ['ipFamilies', 'strings'], 17: ['ipFamilyPolicy', 'string'],
      20: ['allocateLoadBalancerNodePorts', 'bool'], 21: ['loadBalancerClass', 'string'], 22: ['internalTrafficPolicy', 'string'],
    }],
  },
  Pod: { 1: ['metadata', OBJECT_META], 2: ['spec', POD_SPEC] },
  Deployment: {
    1: ['metadata', OBJECT_META],
    2: ['spec', {
      1: ['replicas', 'int'], 2: ['selector', LABEL_SELECTOR], 3: ['template', { 1: ['metadata', OBJECT_META], 2: ['spec', POD_SPEC] }],
      4: ['strategy', { 1: ['type', 'string'], 2: ['rollingUpdate', { 1: ['maxUnavailable', 'intOrString'], 2: ['maxSurge', 'intOrString'] }] }],
      5: ['minReadySeconds', 'int'], 6: ['revisionHistoryLimit', 'int'], 7: ['paused', 'bool'], 9: ['progressDeadlineSeconds', 'int'],
    }],
  },
};

/** Decodes a protobuf-encoded object of one of the supported kinds into its JSON shape. */
export function decodeProtobufObject(body: Buffer): Obj {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw errors.badRequest('provided protobuf data does not start with the Kubernetes magic number');
  let kind = '';
  let typeMeta: Obj = {};
  let raw: Buffer | undefined;
  try {
    for (const f of fields(body.subarray(4))) {
      if (f.no === 1 && Buffer.isBuffer(f.value)) typeMeta = decodeMessage(f.value, { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] });
      if (f.no === 2 && Buffer.isBuffer(f.value)) raw = f.value;
    }
    kind = String(typeMeta['kind'] ?? '');
  } catch (e) {
    throw errors.badRequest(`error decoding protobuf body: ${(e as Error).message}`);
  }
  const spec = KINDS[kind];
  if (!spec) throw errors.unsupportedMediaType(['application/json', 'application/yaml']);
  try {
    return { apiVersion: typeMeta['apiVersion'], kind, ...(raw ? decodeMessage(raw, spec) : {}) };
  } catch (e) {
    throw errors.badRequest(`error decoding protobuf body: ${(e as Error).message}`);
  }
}

export const PROTOBUF_KINDS = new Set(Object.keys(KINDS));
