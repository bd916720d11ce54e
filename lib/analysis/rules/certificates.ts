/**
 * gatescope.CertificateAnalyzer — the certificates a Gateway serves, where istioctl does not look:
 *
 * - `tls.credentialName` (a Secret found by the SecretAnalyzer): GSC0005 when the certificate
 *   expires within `options.certificateExpiryDays` (30);
 * - each of `tls.credentialNames`: GSC0006 when the Secret is missing, IST0161 when it holds no
 *   valid certificate (or, with `now`, an expired one), GSC0005 when it expires soon;
 * - file-mounted certificates (`tls.serverCertificate: /etc/istio/…/tls.crt`, the legacy
 *   ingress gateway setup): the Secret volume of the gateway pods (or Deployment templates)
 *   mounted at that directory — GSC0006 when missing (an `optional` mount leaves the file absent),
 *   IST0161 when expired, GSC0005 when it expires soon.
 *
 * Time checks need `options.now`; without it only missing Secrets are reported.
 */
import { selectorMatches } from '../support/labels';
import { arr, fullName, isObj, labelsOf, nsOf, obj, specOf, str, type Json } from '../support/objects';
import { certificateKey, checkGatewaySecret, secretData } from '../support/secrets';
import { pemCertificates } from '../support/x509';
import type { Analyzer, AnalyzerContext, KubeObject } from '../types';
import { nowOf } from './gateway-secret';

const DAY = 86_400_000;

interface Workload {
  namespace: string;
  podSpec: Json;
}

/** The gateway's workloads: matching pods, else Deployments whose pod template matches. */
function workloads(ctx: AnalyzerContext, gw: KubeObject): Workload[] {
  const selector = obj(specOf(gw).selector) as Record<string, string>;
  const pods = ctx.list('Pod').filter((p) => selectorMatches(selector, labelsOf(p)));
  if (pods.length) return pods.map((p) => ({ namespace: nsOf(p), podSpec: specOf(p) }));
  return ctx
    .list('Deployment')
    .filter((d) => selectorMatches(selector, obj(obj(obj(specOf(d).template).metadata).labels) as Record<string, string>))
    .map((d) => ({ namespace: nsOf(d), podSpec: obj(obj(specOf(d).template).spec) }));
}

/** The Secret volume mounted at the directory of `file`, and the key the file name maps to. */
function mountedSecret(w: Workload, file: string): { secret: string; key: string; optional: boolean } | undefined {
  const volumes = new Map(arr(w.podSpec.volumes).filter(isObj).map((v) => [str(v.name), v] as const));
  for (const c of arr(w.podSpec.containers).filter(isObj)) {
    for (const m of arr(c.volumeMounts).filter(isObj)) {
      const dir = str(m.mountPath).replace(/\/+$/, '');
      if (!dir || !file.startsWith(`${dir}/`)) continue;
      const secret = obj(volumes.get(str(m.name))?.secret);
      if (!str(secret.secretName)) continue;
      const fileName = file.slice(dir.length + 1);
      const item = arr(secret.items).filter(isObj).find((it) => str(it.path) === fileName);
      return { secret: str(secret.secretName), key: item ? str(item.key) : fileName, optional: secret.optional === true };
    }
  }
  return undefined;
}

function expiry(ctx: AnalyzerContext, gw: KubeObject, pem: string, secretName: string, key: string, path: string, expiredIsInvalid: boolean): void {
  const now = nowOf(ctx);
  if (now === undefined) return;
  const cert = pemCertificates(pem)[0];
  if (!cert) return;
  const left = cert.notAfter.getTime() - now;
  if (left < 0 || now < cert.notBefore.getTime()) {
    if (expiredIsInvalid) ctx.report('IST0161', gw, [gw.metadata.name, nsOf(gw)], { path, fix: `Renew the certificate in Secret ${secretName}.` });
    return;
  }
  const days = ctx.options.certificateExpiryDays ?? 30;
  if (left <= days * DAY) {
    ctx.report('GSC0005', gw, [secretName, key, cert.notAfter.toISOString(), Math.floor(left / DAY)], {
      path,
      fix: `Renew the certificate in Secret ${secretName} before ${cert.notAfter.toISOString().slice(0, 10)}.`,
    });
  }
}

export const certificateAnalyzer: Analyzer = {
  name: 'gatescope.CertificateAnalyzer',
  description: "Checks the gateway's certificates: missing Secrets, expired and soon-expiring certificates",
  codes: ['GSC0005', 'GSC0006', 'IST0161'],
  analyze(ctx) {
    for (const gw of ctx.list('Gateway')) {
      const ws = workloads(ctx, gw);
      const ns = ws[0]?.namespace;
      if (ns === undefined) continue; // no workload: the port and secret analyzers report the selector
      arr(specOf(gw).servers).forEach((srv, i) => {
        const tls = obj(obj(srv).tls);
        const base = `spec.servers[${i}].tls`;
        const refs: Array<[name: string, path: string, single: boolean]> = [];
        if (str(tls.credentialName)) refs.push([str(tls.credentialName), `${base}.credentialName`, true]);
        arr<string>(tls.credentialNames).forEach((n, k) => refs.push([n, `${base}.credentialNames[${k}]`, false]));
        for (const [name, path, single] of refs) {
          const [sns, sname] = name.includes('/') ? (name.split('/', 2) as [string, string]) : [ns, name];
          const secret = ctx.find('Secret', sns, sname);
          if (!secret) {
            if (!single) ctx.report('GSC0006', gw, [`${sns}/${sname}`, `server ${i} (credentialNames)`, 'the gateway cannot serve this certificate.'], { path });
            continue;
          }
          const check = checkGatewaySecret(secret, undefined);
          if (!check.ok) {
            if (!single) ctx.report('IST0161', gw, [gw.metadata.name, ns], { path, fix: `Secret ${sns}/${sname}: ${check.reason}.` });
            continue;
          }
          expiry(ctx, gw, secretData(secret)[check.key]!, fullName(secret), check.key, path, !single);
        }
        const file = str(tls.serverCertificate);
        if (!file || str(tls.credentialName) || arr(tls.credentialNames).length) return;
        for (const w of ws) {
          const m = mountedSecret(w, file);
          if (!m) continue;
          const secret = ctx.find('Secret', w.namespace, m.secret);
          const path = `${base}.serverCertificate`;
          if (!secret) {
            ctx.report('GSC0006', gw, [`${w.namespace}/${m.secret}`, file, m.optional ? 'the volume is optional, so the file is simply absent and TLS handshakes on this server fail.' : 'the gateway pods cannot start with the volume.'], {
              path,
              fix: `Create Secret ${m.secret} in namespace ${w.namespace} with ${m.key} and the matching key, or use tls.credentialName.`,
            });
          } else {
            const data = secretData(secret);
            const pem = data[m.key] ?? data[certificateKey(data) ?? ''] ?? '';
            expiry(ctx, gw, pem, fullName(secret), m.key, path, true);
          }
          break;
        }
      });
    }
  },
};
