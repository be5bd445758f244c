import { X509Certificate } from 'node:crypto';
import {
  coversHosts,
  createCertificateAuthority,
  isIssuedBy,
  issueServingCertificate,
  serviceHostnames,
} from '../../src/tls/certificate-authority.js';
import { checkKeyPair } from '../../src/tls/key-pair.js';
import type { KeyPair } from '../../src/tls/self-signed.js';
import { staticTlsSource } from '../../src/tls/tls-source.js';
import { send } from '../server/support/https-client.js';
import { startWebhook, type WebhookFixture } from '../server/support/webhook-fixture.js';

const DAY_MS = 86_400_000;
const hosts = serviceHostnames('sidecar-injector', 'injection');
const now = new Date();

let ca: KeyPair;
let otherCa: KeyPair;
let serving: KeyPair;
let fixture: WebhookFixture;

beforeAll(async () => {
  ca = await createCertificateAuthority('sidecar-injector webhook CA', { now, validityDays: 365 });
  otherCa = await createCertificateAuthority('sidecar-injector webhook CA', { now, validityDays: 365 });
  serving = await issueServingCertificate(ca, hosts, { now, validityDays: 90 });
  fixture = await startWebhook({ tls: staticTlsSource(serving) });
});

afterAll(async () => {
  await fixture.close();
});

describe('serviceHostnames', () => {
  test('service DNS names', () => {
    expect(hosts).toEqual([
      'sidecar-injector',
      'sidecar-injector.injection',
      'sidecar-injector.injection.svc',
      'sidecar-injector.injection.svc.cluster.local',
    ]);
  });
});

describe('createCertificateAuthority', () => {
  test('CA certificate fields', () => {
    const cert = new X509Certificate(ca.cert);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=sidecar-injector webhook CA');
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.validToDate.getTime()).toBe(Math.floor((now.getTime() + 365 * DAY_MS) / 1000) * 1000);
    expect(cert.validFromDate.getTime()).toBeLessThan(now.getTime());
    checkKeyPair(ca);
  });
});

describe('issueServingCertificate', () => {
  test('leaf certificate fields', () => {
    const cert = new X509Certificate(serving.cert);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(coversHosts(serving.cert, hosts)).toBe(true);
    expect(coversHosts(serving.cert, ['other.injection.svc'])).toBe(false);
    expect(cert.validToDate.getTime()).toBe(Math.floor((now.getTime() + 90 * DAY_MS) / 1000) * 1000);
    checkKeyPair(serving);
  });

  test('signed by its CA only', () => {
    expect(isIssuedBy(serving.cert, ca.cert)).toBe(true);
    expect(isIssuedBy(serving.cert, otherCa.cert)).toBe(false);
  });

  test('notAfter capped at the CA', async () => {
    const shortCa = await createCertificateAuthority('short CA', { now, validityDays: 10 });
    const leaf = await issueServingCertificate(shortCa, hosts, { now, validityDays: 90 });
    expect(new X509Certificate(leaf.cert).validToDate).toEqual(new X509Certificate(shortCa.cert).validToDate);
  });
});

describe('serving certificate over TLS', () => {
  const get = (ca: string | string[], servername: string) =>
    send({ port: fixture.port, ca, servername, method: 'GET', path: '/healthz' });

  test('trusted through the CA for the svc name', async () => {
    expect((await get(ca.cert, 'sidecar-injector.injection.svc')).status).toBe(200);
    expect((await get(ca.cert, 'sidecar-injector.injection.svc.cluster.local')).status).toBe(200);
  });

  test('other CA with the same name rejected', async () => {
    await expect(get(otherCa.cert, 'sidecar-injector.injection.svc')).rejects.toThrow(/certificate/);
  });

  test('both CAs with the same name accepted', async () => {
    expect((await get([otherCa.cert, ca.cert], 'sidecar-injector.injection.svc')).status).toBe(200);
  });

  test('other host name rejected', async () => {
    await expect(get(ca.cert, 'other.injection.svc')).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });
});
