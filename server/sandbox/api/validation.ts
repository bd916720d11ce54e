/**
 * Semantic validation (422 Invalid) with apimachinery's messages: object metadata for every kind
 * (names, labels, annotations), and the built-in checks that matter to the sandbox (Service ports,
 * Deployment/ReplicaSet selectors, containers, immutable fields).
 */
import type { ResourceDef } from './registry';
import { labelSelectorMatcher } from './selectors';
import { fieldError, type StatusCause } from './status';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

const MSG = {
  label: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  subdomain: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  dns1035: "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  qualifiedName: "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  labelValue: "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
};

export function nameErrors(rule: ResourceDef['nameRule'], name: string, field: string): StatusCause[] {
  const out: StatusCause[] = [];
  const bad = (detail: string) => out.push(fieldError.invalid(field, name, detail));
  switch (rule) {
    case 'label':
      if (name.length > 63) bad('must be no more than 63 characters');
      if (!DNS1123_LABEL.test(name)) bad(MSG.label);
      break;
    case 'dns1035':
      if (name.length > 63) bad('must be no more than 63 characters');
      if (!DNS1035_LABEL.test(name)) bad(MSG.dns1035);
      break;
    case 'subdomain':
      if (name.length > 253) bad('must be no more than 253 characters');
      if (!DNS1123_SUBDOMAIN.test(name)) bad(MSG.subdomain);
      break;
    case 'path':
      if (name === '.' || name === '..') bad(`may not be '${name}'`);
      if (name.includes('/')) bad("may not contain '/'");
      if (name.includes('%')) bad("may not contain '%'");
      break;
  }
  return out;
}

function qualifiedNameErrors(key: string, field: string): StatusCause[] {
  const out: StatusCause[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (!prefix) out.push(fieldError.invalid(field, key, 'prefix part must be non-empty'));
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) out.push(fieldError.invalid(field, key, `prefix part ${MSG.subdomain}`));
  } else if (parts.length > 2) {
    out.push(fieldError.invalid(field, key, "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
    return out;
  }
  if (!name) out.push(fieldError.invalid(field, key, 'name part must be non-empty'));
  else {
    if (name.length > 63) out.push(fieldError.invalid(field, key, 'name part must be no more than 63 characters'));
    if (!QUALIFIED_NAME.test(name)) out.push(fieldError.invalid(field, key, MSG.qualifiedName));
  }
  return out;
}

export function labelErrors(labels: unknown, field: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!isObj(labels)) return out;
  for (const [k, v] of Object.entries(labels)) {
    out.push(...qualifiedNameErrors(k, field));
    const s = String(v);
    if (s.length > 63) out.push(fieldError.invalid(field, s, 'must be no more than 63 characters'));
    if (!LABEL_VALUE.test(s)) out.push(fieldError.invalid(field, s, MSG.labelValue));
  }
  return out;
}

export function metadataErrors(r: ResourceDef, o: Obj): StatusCause[] {
  const m = isObj(o['metadata']) ? o['metadata'] : {};
  const out: StatusCause[] = [];
  const name = m['name'];
  if (typeof name !== 'string' || name === '') out.push(fieldError.required('metadata.name', 'name or generateName is required'));
  else out.push(...nameErrors(r.nameRule, name, 'metadata.name'));
  if (r.namespaced && typeof m['namespace'] === 'string' && m['namespace'] && !DNS1123_LABEL.test(m['namespace'])) {
    out.push(fieldError.invalid('metadata.namespace', m['namespace'], MSG.label));
  }
  out.push(...labelErrors(m['labels'], 'metadata.labels'));
  if (isObj(m['annotations'])) {
    let size = 0;
    for (const [k, v] of Object.entries(m['annotations'])) {
      out.push(...qualifiedNameErrors(k.toLowerCase(), 'metadata.annotations'));
      size += k.length + String(v).length;
    }
    if (size > 256 * 1024) out.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most 262144 bytes`, field: 'metadata.annotations' });
  }
  return out;
}

function goMap(m: unknown): string {
  if (!isObj(m)) return 'map[string]string(nil)';
  return `map[string]string{${Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(m[k]))}`).join(', ')}}`;
}

function portRange(v: unknown, field: string, out: StatusCause[]): void {
  if (typeof v === 'number' && (v < 1 || v > 65535)) out.push(fieldError.invalid(field, v, 'must be between 1 and 65535, inclusive'));
}

function containerErrors(spec: Obj, path: string, out: StatusCause[]): void {
  const cs = arr(spec['containers']);
  if (cs.length === 0) out.push(fieldError.required(`${path}.containers`));
  const names = new Set<string>();
  for (const [key, list] of [['initContainers', arr(spec['initContainers'])], ['containers', cs]] as const) {
    list.forEach((c, i) => {
      const p = `${path}.${key}[${i}]`;
      if (!isObj(c)) return;
      const n = c['name'];
      if (typeof n !== 'string' || !n) out.push(fieldError.required(`${p}.name`));
      else {
        if (!DNS1123_LABEL.test(n) || n.length > 63) out.push(fieldError.invalid(`${p}.name`, n, MSG.label));
        if (names.has(n)) out.push(fieldError.duplicate(`${p}.name`, n));
        names.add(n);
      }
      if (typeof c['image'] !== 'string' || !c['image']) out.push(fieldError.required(`${p}.image`));
      arr(c['ports']).forEach((port, j) => isObj(port) && portRange(port['containerPort'], `${p}.ports[${j}].containerPort`, out));
    });
  }
}

function serviceErrors(o: Obj, out: StatusCause[]): void {
  const spec = isObj(o['spec']) ? o['spec'] : {};
  const type = spec['type'] ?? 'ClusterIP';
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!types.includes(String(type))) out.push(fieldError.notSupported('spec.type', type, types));
  const ports = arr(spec['ports']);
  if (ports.length === 0 && type !== 'ExternalName' && spec['clusterIP'] !== 'None') out.push(fieldError.required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    if (!isObj(p)) return;
    const f = `spec.ports[${i}]`;
    const n = p['name'];
    if (ports.length > 1 && (typeof n !== 'string' || !n)) out.push(fieldError.required(`${f}.name`));
    if (typeof n === 'string' && n) {
      if (!DNS1123_LABEL.test(n)) out.push(fieldError.invalid(`${f}.name`, n, MSG.label));
      if (names.has(n)) out.push(fieldError.duplicate(`${f}.name`, n));
      names.add(n);
    }
    if (p['port'] === undefined) out.push(fieldError.required(`${f}.port`));
    portRange(p['port'], `${f}.port`, out);
    const proto = p['protocol'] ?? 'TCP';
    if (!['SCTP', 'TCP', 'UDP'].includes(String(proto))) out.push(fieldError.notSupported(`${f}.protocol`, proto, ['SCTP', 'TCP', 'UDP']));
    const tp = p['targetPort'];
    if (typeof tp === 'number') portRange(tp, `${f}.targetPort`, out);
    else if (typeof tp === 'string' && !/^\d+$/.test(tp)) {
      if (tp.length > 15) out.push(fieldError.invalid(`${f}.targetPort`, tp, 'must be no more than 15 characters'));
      else if (!IANA_SVC_NAME.test(tp) || tp.includes('--')) out.push(fieldError.invalid(`${f}.targetPort`, tp, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"));
      else if (!/[a-z]/.test(tp)) out.push(fieldError.invalid(`${f}.targetPort`, tp, 'must contain at least one letter (a-z)'));
    }
    const np = p['nodePort'];
    if (typeof np === 'number' && np !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') out.push(fieldError.forbidden(`${f}.nodePort`, `may not be used when \`type\` is '${String(type)}'`));
      else if (np < 30000 || np > 32767) out.push(fieldError.invalid(`${f}.nodePort`, np, 'provided port is not in the valid range. The range of valid ports is 30000-32767'));
    }
  });
  out.push(...labelErrors(spec['selector'], 'spec.selector'));
}

function workloadErrors(kind: string, o: Obj, old: Obj | undefined, out: StatusCause[]): void {
  const spec = isObj(o['spec']) ? o['spec'] : {};
  const sel = spec['selector'];
  const r = spec['replicas'];
  if (typeof r === 'number' && r < 0) out.push(fieldError.invalid('spec.replicas', r, 'must be greater than or equal to 0'));
  if (!isObj(sel)) out.push(fieldError.required('spec.selector'));
  else if (Object.keys((sel['matchLabels'] as Obj) ?? {}).length === 0 && arr(sel['matchExpressions']).length === 0) {
    out.push(fieldError.invalid('spec.selector', sel, `empty selector is invalid for ${kind === 'Deployment' ? 'deployment' : 'replicaset'}`));
  }
  const tpl = isObj(spec['template']) ? spec['template'] : undefined;
  if (!tpl && kind === 'Deployment') out.push(fieldError.required('spec.template'));
  if (tpl) {
    const labels = isObj(tpl['metadata']) ? (tpl['metadata'] as Obj)['labels'] : undefined;
    if (isObj(sel) && !labelSelectorMatcher(sel)(labels as Record<string, string> | undefined)) {
      out.push(fieldError.invalid('spec.template.metadata.labels', undefined, '`selector` does not match template `labels`'));
      out[out.length - 1]!.message = `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``;
    }
    out.push(...labelErrors(labels, 'spec.template.metadata.labels'));
    containerErrors(isObj(tpl['spec']) ? tpl['spec'] : {}, 'spec.template.spec', out);
  }
  if (old) {
    const oldSel = isObj(old['spec']) ? (old['spec'] as Obj)['selector'] : undefined;
    if (JSON.stringify(oldSel) !== JSON.stringify(sel)) out.push(fieldError.invalid('spec.selector', sel, 'field is immutable'));
  }
}

/** Built-in semantic checks; `old` is the stored object on updates. */
export function kindErrors(r: ResourceDef, o: Obj, old?: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  if (r.custom) return out;
  switch (r.kind) {
    case 'Service':
      serviceErrors(o, out);
      if (old) {
        const a = (old['spec'] as Obj | undefined)?.['clusterIP'];
        const b = (o['spec'] as Obj | undefined)?.['clusterIP'];
        if (a && b !== undefined && a !== b) out.push(fieldError.invalid('spec.clusterIP', b, 'field is immutable'));
      }
      break;
    case 'Deployment':
    case 'ReplicaSet':
      workloadErrors(r.kind, o, old, out);
      break;
    case 'Pod':
      containerErrors(isObj(o['spec']) ? o['spec'] : {}, 'spec', out);
      break;
    case 'ConfigMap':
    case 'Secret':
      if (old && old['immutable'] === true && (JSON.stringify(old['data']) !== JSON.stringify(o['data']) || JSON.stringify(old['binaryData']) !== JSON.stringify(o['binaryData']))) {
        out.push(fieldError.forbidden('data', 'field is immutable when `immutable` is set'));
      }
      break;
  }
  return out;
}
