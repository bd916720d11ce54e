/**
 * Prefilled fixes: for a finding whose remedy is obvious, the change that makes it, as a JSON
 * patch (RFC 6902) against one object — the finding's own object, or another one (the
 * DestinationRule that lacks a subset). The console opens that object's editor with the patched
 * draft; nothing is applied until the user goes through diff, dry-run and apply.
 *
 * "Obvious" means a single candidate:
 * - IST0101 gateway: the one Gateway of that name in another namespace (`ns/name`), else the one
 *   Gateway whose servers expose a host of the VirtualService;
 * - IST0101 host+subset / mirror+subset: the subset added to the one DestinationRule of the host,
 *   selecting pods by the label key its other subsets use (`version` by default);
 * - IST0101 host:port: the Service's only port, or the one whose targetPort is the number given
 *   (the container port, a common confusion);
 * - IST0112: the Service's port whose targetPort or name says HTTP when exactly one does;
 * - GSC0001: the weights scaled to add up to 100.
 *
 * Pure: the snapshot is a list of objects; nothing is modified.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { fromDisplay, toPointer } from '../editing/path';
import { hostMatches, MESH_GATEWAY, namesForNamespace, resourceNameFromHost } from './support/hosts';
import { arr, isObj, kindKey, nsOf, num, obj, specOf, str } from './support/objects';
import { selectorMatches } from './support/labels';
import { resolveGatewayName } from './rules/virtual-service-gateways';
import type { Finding, KubeObject, ResourceRef } from './types';

export type { Operation } from 'fast-json-patch';

export interface ProposedFix {
  /** The finding it answers (`IST0101`). */
  code: string;
  /** One line for the button's title: `Use Gateway istio-system/default-gateway`. */
  title: string;
  /** What the user should know before applying (no pod has the labels yet…). */
  note?: string;
  /** The object the patch applies to. */
  target: ResourceRef;
  /** JSON patch against the target; `test` operations guard what the fix assumed. */
  patch: Operation[];
}

interface Index {
  objects: readonly KubeObject[];
  find(kind: string, namespace: string, name: string): KubeObject | undefined;
  list(kind: string): KubeObject[];
}

function indexOf(objects: readonly KubeObject[]): Index {
  const ok = objects.filter((o) => !!o && typeof o.kind === 'string' && typeof o.metadata?.name === 'string');
  return {
    objects: ok,
    list: (kind) => ok.filter((o) => kindKey(o) === kind),
    find: (kind, namespace, name) => ok.find((o) => kindKey(o) === kind && nsOf(o) === namespace && o.metadata.name === name),
  };
}

const refOf = (o: KubeObject): ResourceRef => ({ kind: o.kind, namespace: nsOf(o), name: o.metadata.name });
const fullName = (o: KubeObject) => (nsOf(o) ? `${nsOf(o)}/${o.metadata.name}` : o.metadata.name);

function at(o: KubeObject, display: string): { pointer: string; value: unknown } | undefined {
  const path = fromDisplay(display, o);
  if (!path) return undefined;
  let v: unknown = o;
  for (const s of path) v = isObj(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[s] : undefined;
  return { pointer: toPointer(path), value: v };
}

// ---- IST0101 gateway ----

/** The hosts of a Gateway's servers visible from `vsNs` (`ns/host` and `./host` forms resolved). */
function gatewayHostsFor(gw: KubeObject, vsNs: string): string[] {
  const hosts = arr(specOf(gw).servers).flatMap((s) => arr<string>(obj(s).hosts));
  return namesForNamespace(
    hosts.map((h) => (h.startsWith('./') ? `${nsOf(gw)}/${h.slice(2)}` : h)),
    vsNs,
  );
}

function gatewayFix(ix: Index, f: Finding, vs: KubeObject): ProposedFix | undefined {
  const loc = at(vs, f.path ?? '');
  if (!loc || typeof loc.value !== 'string') return undefined;
  const ref = loc.value;
  const vsNs = nsOf(vs);
  const wanted = resolveGatewayName(ref, vsNs);
  const gateways = ix.list('Gateway');
  const listed = new Set(arr<string>(specOf(vs).gateways).filter((g) => g !== MESH_GATEWAY).map((g) => {
    const r = resolveGatewayName(g, vsNs);
    return `${r.namespace}/${r.name}`;
  }));
  const sameName = gateways.filter((g) => g.metadata.name === wanted.name && nsOf(g) !== wanted.namespace);
  let pick: KubeObject | undefined;
  let why = '';
  if (sameName.length === 1) {
    pick = sameName[0];
    why = `the only Gateway named ${wanted.name} is in namespace ${nsOf(pick!)}`;
  } else {
    const vsHosts = arr<string>(specOf(vs).hosts);
    const exposing = gateways.filter(
      (g) => !listed.has(`${nsOf(g)}/${g.metadata.name}`) && gatewayHostsFor(g, vsNs).some((gh) => vsHosts.some((vh) => hostMatches(gh, vh))),
    );
    if (exposing.length !== 1) return undefined;
    pick = exposing[0];
    why = `the only Gateway that exposes ${vsHosts.join(', ')}`;
  }
  const value = fullName(pick!);
  return {
    code: f.code,
    title: `Use Gateway ${value}`,
    note: `Replaces "${ref}": ${why}.`,
    target: refOf(vs),
    patch: [
      { op: 'test', path: loc.pointer, value: ref },
      { op: 'replace', path: loc.pointer, value },
    ],
  };
}

// ---- IST0101 host+subset ----

function servicePods(ix: Index, svc: KubeObject | undefined): KubeObject[] {
  if (!svc) return [];
  const selector = obj(specOf(svc).selector) as Record<string, string>;
  if (Object.keys(selector).length === 0) return [];
  return ix.list('Pod').filter((p) => nsOf(p) === nsOf(svc) && selectorMatches(selector, p.metadata.labels ?? {}));
}

function subsetFix(ix: Index, f: Finding, vs: KubeObject): ProposedFix | undefined {
  const destPath = (f.path ?? '').replace(/\.subset$/, '');
  const dest = at(vs, destPath);
  if (!dest || !isObj(dest.value)) return undefined;
  const host = str(dest.value.host);
  const subset = str(dest.value.subset);
  if (!host || !subset) return undefined;
  const svcName = resourceNameFromHost(nsOf(vs), host);
  const drs = ix.list('DestinationRule').filter((dr) => {
    const n = resourceNameFromHost(nsOf(dr), str(specOf(dr).host));
    return n.namespace === svcName.namespace && n.name === svcName.name;
  });
  if (drs.length !== 1) return undefined;
  const dr = drs[0]!;
  const subsets = arr(specOf(dr).subsets).filter(isObj);
  if (subsets.some((s) => str(s.name) === subset)) return undefined;
  const keys = [...new Set(subsets.flatMap((s) => Object.keys(obj(s.labels))))];
  const key = keys.length === 1 ? keys[0]! : 'version';
  const labels = { [key]: subset };
  const pods = servicePods(ix, ix.find('Service', svcName.namespace, svcName.name));
  const matched = pods.filter((p) => selectorMatches(labels, p.metadata.labels ?? {})).length;
  const value = { name: subset, labels };
  return {
    code: f.code,
    title: `Add subset ${subset} (${key}: ${subset}) to DestinationRule ${fullName(dr)}`,
    note: matched
      ? `${matched} pod${matched === 1 ? '' : 's'} of Service ${svcName.namespace}/${svcName.name} carr${matched === 1 ? 'ies' : 'y'} ${key}=${subset}.`
      : `No pod carries ${key}=${subset} yet: the subset will have no endpoints until one does.`,
    target: refOf(dr),
    patch: Array.isArray(specOf(dr).subsets)
      ? [{ op: 'add', path: '/spec/subsets/-', value }]
      : [{ op: 'add', path: '/spec/subsets', value: [value] }],
  };
}

// ---- IST0101 host:port, IST0112 ----

interface RawPort {
  port: number;
  name: string;
  targetPort: number | string | undefined;
}

function servicePorts(svc: KubeObject): RawPort[] {
  return arr(specOf(svc).ports)
    .filter(isObj)
    .map((p) => ({ port: num(p.port), name: str(p.name), targetPort: typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : undefined }));
}

function serviceFor(ix: Index, vs: KubeObject, host: string): KubeObject | undefined {
  const n = resourceNameFromHost(nsOf(vs), host);
  return ix.find('Service', n.namespace, n.name);
}

function portFix(ix: Index, f: Finding, vs: KubeObject): ProposedFix | undefined {
  const loc = at(vs, f.path ?? '');
  const dest = at(vs, (f.path ?? '').replace(/\.port\.number$/, ''));
  if (!loc || !dest || !isObj(dest.value) || typeof loc.value !== 'number') return undefined;
  const svc = serviceFor(ix, vs, str(dest.value.host));
  if (!svc) return undefined;
  const ports = servicePorts(svc);
  const given = loc.value;
  let pick: RawPort | undefined;
  let why = '';
  if (ports.length === 1) {
    pick = ports[0];
    why = `the only port of Service ${fullName(svc)}`;
  } else {
    const byTarget = ports.filter((p) => p.targetPort === given);
    if (byTarget.length !== 1) return undefined;
    pick = byTarget[0];
    why = `${given} is its targetPort (the container's port); routes name the Service port`;
  }
  if (!pick || !pick.port) return undefined;
  return {
    code: f.code,
    title: `Use port ${pick.port} of Service ${fullName(svc)}`,
    note: `Replaces ${given}: ${ports.length === 1 ? why : `Service port ${pick.port}${pick.name ? ` (${pick.name})` : ''}: ${why}`}.`,
    target: refOf(vs),
    patch: [
      { op: 'test', path: loc.pointer, value: given },
      { op: 'replace', path: loc.pointer, value: pick.port },
    ],
  };
}

function missingPortFix(ix: Index, f: Finding, vs: KubeObject): ProposedFix | undefined {
  const dest = at(vs, f.path ?? '');
  if (!dest || !isObj(dest.value)) return undefined;
  const svc = serviceFor(ix, vs, str(dest.value.host));
  if (!svc) return undefined;
  const http = servicePorts(svc).filter((p) => p.name === 'http' || p.name.startsWith('http-') || p.port === 80);
  if (http.length !== 1) return undefined;
  const port = http[0]!.port;
  return {
    code: f.code,
    title: `Use port ${port} of Service ${fullName(svc)}`,
    note: `The only HTTP port of the Service${http[0]!.name ? ` (${http[0]!.name})` : ''}.`,
    target: refOf(vs),
    patch: [{ op: 'add', path: `${dest.pointer}/port`, value: { number: port } }],
  };
}

// ---- GSC0001 ----

/** Weights scaled to add up to exactly 100 (largest remainder, ties to the earlier destination). */
export function scaleWeights(weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w * 100) / total);
  const out = exact.map(Math.floor);
  let left = 100 - out.reduce((s, w) => s + w, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left--;
  }
  return out;
}

function weightsFix(f: Finding, vs: KubeObject): ProposedFix | undefined {
  const loc = at(vs, f.path ?? '');
  if (!loc || !Array.isArray(loc.value)) return undefined;
  const dests = loc.value.filter(isObj);
  if (dests.length !== loc.value.length) return undefined;
  const before = dests.map((d) => num(d.weight));
  const after = scaleWeights(before);
  const patch: Operation[] = [];
  dests.forEach((d, i) => {
    const path = `${loc.pointer}/${i}/weight`;
    if (d.weight === undefined) patch.push({ op: 'add', path, value: after[i] });
    else patch.push({ op: 'test', path, value: d.weight }, { op: 'replace', path, value: after[i] });
  });
  return {
    code: f.code,
    title: `Scale the weights to ${after.join(' / ')}`,
    note: `From ${before.join(' / ')} (total ${before.reduce((s, w) => s + w, 0)}); the split stays in the same proportions.`,
    target: refOf(vs),
    patch,
  };
}

/** The prefilled change for a finding, or undefined when its fix is not obvious. */
export function proposeFix(finding: Finding, objects: readonly KubeObject[]): ProposedFix | undefined {
  const ix = indexOf(objects);
  const origin = ix.objects.find(
    (o) => o.kind === finding.resource.kind && nsOf(o) === finding.resource.namespace && o.metadata.name === finding.resource.name,
  );
  if (!origin || origin.kind !== 'VirtualService') return undefined;
  const path = finding.path ?? '';
  switch (finding.code) {
    case 'IST0101':
      if (/^spec\.gateways\[\d+\]$/.test(path)) return gatewayFix(ix, finding, origin);
      if (/\.subset$/.test(path)) return subsetFix(ix, finding, origin);
      if (/\.port\.number$/.test(path)) return portFix(ix, finding, origin);
      return undefined;
    case 'IST0132': {
      // The hosts are "not in" a Gateway that does not exist: the fix is the gateway reference's.
      const vsNs = nsOf(origin);
      const i = arr<string>(specOf(origin).gateways).findIndex((g) => {
        if (g === MESH_GATEWAY) return false;
        const r = resolveGatewayName(g, vsNs);
        return !ix.find('Gateway', r.namespace, r.name) && !ix.find('KubernetesGateway', r.namespace, r.name);
      });
      return i < 0 ? undefined : gatewayFix(ix, { ...finding, path: `spec.gateways[${i}]` }, origin);
    }
    case 'IST0112':
      return missingPortFix(ix, finding, origin);
    case 'GSC0001':
      return weightsFix(finding, origin);
    default:
      return undefined;
  }
}

/**
 * The target object with the fix applied, or undefined when it no longer applies (a `test`
 * failed: the object changed since the finding). The argument is not modified.
 */
export function applyFix<T>(target: T, fix: ProposedFix): T | undefined {
  try {
    return jsonpatch.applyPatch(jsonpatch.deepClone(target) as T, fix.patch, true, false).newDocument;
  } catch {
    return undefined;
  }
}
