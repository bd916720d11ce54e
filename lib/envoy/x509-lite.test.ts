/** Certificate fields istioctl shows, read from the PEM Envoy holds (fixtures/waypoint-full.config_dump.json). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigDump } from './config-dump';
import { base64ToBytes, formatRfc3339, parseCertificate, parsePemCertificate } from './x509-lite';

const m = parseConfigDump(readFileSync(fileURLToPath(new URL('./fixtures/waypoint-full.config_dump.json', import.meta.url)), 'utf8'));

describe('x509-lite', () => {
  it('reads the workload certificate: serial, validity, SPIFFE id, not a CA', () => {
    const cert = parsePemCertificate(m.secrets.find((s) => s.name === 'default')!.certificateChainPem!)!;
    expect(cert).toMatchObject({
      serialNumber: '6fbee254c22900615cb1f74e3d2f1713',
      notBefore: '2023-05-15T01:30:52Z',
      notAfter: '2023-05-16T01:32:52Z',
      isCA: false,
      uris: ['spiffe://cluster.local/ns/ambient/sa/namespace-istio-waypoint'],
      spiffeTrustDomain: 'cluster.local',
    });
  });

  it('reads the root CA and pads its serial to 32 hex digits', () => {
    const ca = parsePemCertificate(m.secrets.find((s) => s.name === 'ROOTCA')!.trustedCaPem!)!;
    expect(ca).toMatchObject({ serialNumber: '0193a543fe2b0d9cd4847675394dfc54', notAfter: '2033-05-02T03:41:33Z', isCA: true, uris: [] });
    expect(ca.spiffeTrustDomain).toBeUndefined();
  });

  it('returns undefined for what is not a certificate', () => {
    expect(parsePemCertificate('[redacted]')).toBeUndefined();
    expect(parsePemCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toBeUndefined();
    expect(() => parseCertificate(base64ToBytes('MAA='))).toThrow();
    expect(formatRfc3339(Date.UTC(2033, 4, 2, 3, 41, 33))).toBe('2033-05-02T03:41:33Z');
  });
});
