import {
  BundleKey,
  caBundlePem,
  decodeBundle,
  encodeBundle,
  type CertificateBundle,
} from '../../src/tls/certificate-bundle.js';
import { createCertificateAuthority, issueServingCertificate } from '../../src/tls/certificate-authority.js';

const now = new Date('2030-01-01T00:00:00Z');
let full: CertificateBundle;
let minimal: CertificateBundle;

beforeAll(async () => {
  const previous = await createCertificateAuthority('previous CA', { now, validityDays: 365 });
  const signing = await createCertificateAuthority('signing CA', { now, validityDays: 365 });
  const next = await createCertificateAuthority('next CA', { now, validityDays: 365 });
  const serving = await issueServingCertificate(signing, ['webhook.ns.svc'], { now, validityDays: 90 });
  minimal = { signingCa: signing, serving };
  full = {
    signingCa: signing,
    serving,
    nextCa: { pair: next, trustedSince: new Date('2030-02-01T00:00:00Z') },
    previousCa: { cert: previous.cert, trustedUntil: new Date('2030-03-01T00:00:00Z') },
  };
});

describe('caBundlePem', () => {
  test('previous, signing and next CA', () => {
    expect(caBundlePem(full)).toBe(full.previousCa!.cert + full.signingCa.cert + full.nextCa!.pair.cert);
  });

  test('signing CA alone', () => {
    expect(caBundlePem(minimal)).toBe(minimal.signingCa.cert);
  });
});

describe('encodeBundle', () => {
  test('round trip with all CAs', () => {
    expect(decodeBundle(encodeBundle(full))).toEqual(full);
  });

  test('round trip with an unpublished next CA', () => {
    const unpublished = { ...minimal, nextCa: { pair: full.nextCa!.pair } };
    expect(encodeBundle(unpublished)).not.toHaveProperty('next-ca.trusted-since');
    expect(decodeBundle(encodeBundle(unpublished))).toEqual(unpublished);
  });

  test('round trip with the signing CA', () => {
    expect(decodeBundle(encodeBundle(minimal))).toEqual(minimal);
  });

  test('Secret keys', () => {
    const data = encodeBundle(full);
    expect(Object.keys(data).sort()).toEqual(Object.values(BundleKey).sort());
    expect(data['tls.crt']).toBe(full.serving.cert);
    expect(data['ca.crt']).toBe(caBundlePem(full));
    expect(data['next-ca.trusted-since']).toBe('2030-02-01T00:00:00.000Z');
  });
});

describe('decodeBundle', () => {
  test.each([
    ['missing tls.key', { 'tls.key': undefined }, /no tls.key/],
    ['empty signing CA key', { 'signing-ca.key': '' }, /no signing-ca.key/],
    ['bad certificate', { 'tls.crt': 'not a certificate' }, /tls.crt is not a PEM certificate/],
    ['next CA without key', { 'next-ca.key': undefined }, /no next-ca.key/],
    ['bad time', { 'previous-ca.trusted-until': 'soon' }, /previous-ca.trusted-until is "soon"; expected an ISO 8601 time/],
  ])('%s', (_name, change, message) => {
    const data: Record<string, string | undefined> = { ...encodeBundle(full), ...change };
    const defined = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)) as Record<string, string>;
    expect(() => decodeBundle(defined)).toThrow(message);
    expect(() => decodeBundle(defined)).toThrow(expect.objectContaining({ code: 'InvalidCertificateBundle' }));
  });
});
