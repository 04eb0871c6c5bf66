import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { badRequest } from '../../http/errors.js';

const pemBlock = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/;
const base64Only = /^[A-Za-z0-9+/=\s]+$/;

function parseCertificate(body: string): X509Certificate {
  const trimmed = body.trim();
  try {
    if (pemBlock.test(trimmed)) return new X509Certificate(trimmed);
    if (base64Only.test(trimmed)) return new X509Certificate(Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'));
  } catch {
    // fall through to the one message below
  }
  throw badRequest('credentials.certificateBody must be an X.509 certificate in PEM form (-----BEGIN CERTIFICATE-----) or base64 DER', [
    { path: 'body.credentials.certificateBody', message: 'is not an X.509 certificate' },
  ]);
}

function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (/ENCRYPTED/.test(trimmed)) {
    throw badRequest('credentials.privateKey is password-protected; export it without a passphrase (PKCS#8 or PKCS#1 PEM)', [
      { path: 'body.credentials.privateKey', message: 'is encrypted' },
    ]);
  }
  try {
    if (pemBlock.test(trimmed)) return createPrivateKey(trimmed);
    if (base64Only.test(trimmed)) {
      return createPrivateKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'pkcs8' });
    }
  } catch {
    // fall through
  }
  throw badRequest('credentials.privateKey must be an unencrypted private key in PEM form (PKCS#8 or PKCS#1) or base64 PKCS#8 DER', [
    { path: 'body.credentials.privateKey', message: 'is not a private key' },
  ]);
}

/**
 * Checks a certificate credential before anything is sent to Entra ID, so the common mistakes (key of
 * another certificate, expired certificate, a passphrase) get a precise message, and stores both parts
 * in one canonical PEM form the Microsoft libraries accept.
 */
export function normalizeCertificateCredentials(
  input: { certificateBody: string; privateKey: string },
  now: Date,
): { certificateBody: string; privateKey: string } {
  const certificate = parseCertificate(input.certificateBody);
  const key = parsePrivateKey(input.privateKey);
  if (key.asymmetricKeyType !== 'rsa') {
    throw badRequest(`credentials.privateKey is a ${key.asymmetricKeyType ?? 'non-RSA'} key; Entra ID client assertions need an RSA key`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw badRequest('credentials.privateKey does not belong to credentials.certificateBody: upload the key that was generated with this certificate');
  }
  const validTo = new Date(certificate.validTo);
  if (validTo.getTime() <= now.getTime()) {
    throw badRequest(`The certificate expired on ${validTo.toISOString()}; create a new certificate and upload it to the app registration`);
  }
  return {
    certificateBody: certificate.toString().trim(),
    privateKey: String(key.export({ format: 'pem', type: 'pkcs8' })).trim(),
  };
}
