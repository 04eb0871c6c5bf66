import { generateKeyPair, generateKeyPairSync, randomBytes, X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

export interface PersistedCa extends CaMaterial {
  certPath: string;
}

export interface KeyPairPem {
  publicKeyPem: string;
  privateKeyPem: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);
const RSA_OPTIONS = {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const;

const DAY_MS = 86_400_000;

/** Key generation runs on the libuv pool, so several keys can be made in parallel at start-up. */
export async function generateRsaKeyPair(): Promise<KeyPairPem> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', RSA_OPTIONS);
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  // A leading 0 bit keeps the DER INTEGER positive, which strict TLS stacks require.
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

interface CertificateSpec {
  commonName: string;
  publicKeyPem: string;
  /** Signs the certificate; the subject key itself for a self-signed one. */
  signerKeyPem: string;
  /** Issuer certificate; absent for self-signed. */
  issuerCertPem?: string;
  isCa: boolean;
  sans?: Array<{ type: 'dns'; value: string } | { type: 'ip'; value: string }>;
  validityDays: number;
  extendedKeyUsage?: 'serverAuth' | 'clientAuth';
}

function buildCertificate(spec: CertificateSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = randomSerial();
  // Backdate an hour so a clock that is slightly behind still accepts a freshly made certificate.
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + spec.validityDays * DAY_MS);
  const subject = [{ name: 'commonName', value: spec.commonName }, { name: 'organizationName', value: 'Rekey Entra Emulator' }];
  cert.setSubject(subject);
  const issuer = spec.issuerCertPem ? forge.pki.certificateFromPem(spec.issuerCertPem) : undefined;
  cert.setIssuer(issuer ? issuer.subject.attributes : subject);

  const extensions: Array<Record<string, unknown>> = [
    { name: 'basicConstraints', cA: spec.isCa, critical: true },
    spec.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (issuer) {
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes() });
  }
  if (spec.extendedKeyUsage === 'serverAuth') extensions.push({ name: 'extKeyUsage', serverAuth: true });
  if (spec.extendedKeyUsage === 'clientAuth') extensions.push({ name: 'extKeyUsage', clientAuth: true });
  if (spec.sans && spec.sans.length > 0) {
    extensions.push({
      name: 'subjectAltName',
      altNames: spec.sans.map((san) => (san.type === 'dns' ? { type: 2, value: san.value } : { type: 7, ip: san.value })),
    });
  }
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(spec.signerKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function caFromKeyPair(keys: KeyPairPem): CaMaterial {
  const certPem = buildCertificate({
    commonName: 'Rekey Entra Emulator Local CA',
    publicKeyPem: keys.publicKeyPem,
    signerKeyPem: keys.privateKeyPem,
    isCa: true,
    validityDays: 3650,
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

/** A fresh CA that lives only in memory (the default when no `caDir` / `ca` is given). */
export async function createCa(): Promise<CaMaterial> {
  return caFromKeyPair(await generateRsaKeyPair());
}

/** The TLS certificate for one emulator run, valid for 127.0.0.1 and localhost. */
export function issueServerCertificate(ca: CaMaterial, keys: KeyPairPem): string {
  return buildCertificate({
    commonName: '127.0.0.1',
    publicKeyPem: keys.publicKeyPem,
    signerKeyPem: ca.keyPem,
    issuerCertPem: ca.certPem,
    isCa: false,
    sans: [
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
    ],
    validityDays: 30,
    extendedKeyUsage: 'serverAuth',
  });
}

export interface ClientCertificate {
  certPem: string;
  keyPem: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
}

/**
 * A self-signed certificate for certificate credentials (register `certPem` as a key credential,
 * give `certPem + keyPem` to `ClientCertificateCredential`).
 */
export async function createSelfSignedCertificate(commonName = 'emulator-client'): Promise<ClientCertificate> {
  const keys = await generateRsaKeyPair();
  const certPem = buildCertificate({
    commonName,
    publicKeyPem: keys.publicKeyPem,
    signerKeyPem: keys.privateKeyPem,
    isCa: false,
    validityDays: 365,
    extendedKeyUsage: 'clientAuth',
  });
  const x509 = new X509Certificate(certPem);
  return {
    certPem,
    keyPem: keys.privateKeyPem,
    thumbprintSha1: x509.fingerprint.replaceAll(':', ''),
    thumbprintSha256: x509.fingerprint256.replaceAll(':', ''),
  };
}

function assertPair(material: CaMaterial, source: string): void {
  const cert = new X509Certificate(material.certPem);
  if (!cert.checkPrivateKey(createPrivateKey(material.keyPem))) {
    throw new Error(`CA certificate and key in ${source} do not belong together; delete both files to regenerate them.`);
  }
}

async function readPair(certPath: string, keyPath: string): Promise<CaMaterial> {
  const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  return { certPem, keyPem };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads `dir/ca.pem` + `dir/ca-key.pem`, or creates them. Several processes may call this at once
 * (test workers, the demo), so the key file is published with an exclusive hard link: exactly one
 * process wins, the others wait for its certificate instead of writing a mismatched pair.
 */
export async function ensureCa(dir: string): Promise<PersistedCa> {
  const certPath = path.join(dir, 'ca.pem');
  const keyPath = path.join(dir, 'ca-key.pem');
  await mkdir(dir, { recursive: true });

  const waitForCert = async (): Promise<boolean> => {
    for (let i = 0; i < 100; i++) {
      if (existsSync(certPath)) return true;
      await sleep(20);
    }
    return false;
  };

  if (existsSync(keyPath) && (existsSync(certPath) || (await waitForCert()))) {
    const material = await readPair(certPath, keyPath);
    assertPair(material, dir);
    return { ...material, certPath };
  }

  // Synchronous key generation: ensureCa runs once per machine, so simplicity beats parallelism here.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', RSA_OPTIONS);
  const material = caFromKeyPair({ publicKeyPem: publicKey, privateKeyPem: privateKey });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmpKey = `${keyPath}.${suffix}`;
  const tmpCert = `${certPath}.${suffix}`;
  await writeFile(tmpKey, material.keyPem, { mode: 0o600 });
  await chmod(tmpKey, 0o600);
  await writeFile(tmpCert, material.certPem, { mode: 0o644 });
  try {
    await link(tmpKey, keyPath);
  } catch (error) {
    await Promise.all([rm(tmpKey, { force: true }), rm(tmpCert, { force: true })]);
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (!(await waitForCert())) throw new Error(`${keyPath} exists without ${certPath}; delete ${dir} to regenerate the CA.`);
    const theirs = await readPair(certPath, keyPath);
    assertPair(theirs, dir);
    return { ...theirs, certPath };
  }
  await rename(tmpCert, certPath);
  await rm(tmpKey, { force: true });
  return { ...material, certPath };
}
