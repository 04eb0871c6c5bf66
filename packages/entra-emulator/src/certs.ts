import { createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
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
  // node:crypto signs the TBSCertificate: forge's pure-JS RSA takes ~100 ms per signature, which
  // would dominate start-up since every start issues a fresh leaf.
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption ?? '1.2.840.113549.1.1.11';
  cert.siginfo.algorithmOid = cert.signatureOid;
  cert.signature = '';
  // certificateToAsn1 is [tbsCertificate, algorithm, signature]; the first element is what gets signed.
  const unsigned = forge.pki.certificateToAsn1(cert).value;
  const tbsCertificate = Array.isArray(unsigned) ? unsigned[0] : undefined;
  if (!tbsCertificate) throw new Error('node-forge produced no TBSCertificate');
  cert.tbsCertificate = tbsCertificate;
  const tbs = Buffer.from(forge.asn1.toDer(tbsCertificate).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, spec.signerKeyPem).toString('binary');
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

/** A fresh CA that lives only in memory. */
export async function createCa(): Promise<CaMaterial> {
  return caFromKeyPair(await generateRsaKeyPair());
}

let processCa: Promise<CaMaterial> | undefined;
let processServerKey: Promise<string> | undefined;

/**
 * The in-memory CA used when neither `ca` nor `caDir` is given: one per process, because RSA key
 * generation (~0.4 s) would otherwise dominate every start.
 */
export function sharedInMemoryCa(): Promise<CaMaterial> {
  processCa ??= createCa();
  return processCa;
}

/** TLS key for emulators without a `caDir`; each start still gets its own leaf certificate. */
export function sharedServerKey(): Promise<string> {
  processServerKey ??= generateRsaKeyPair().then((keys) => keys.privateKeyPem);
  return processServerKey;
}

/** The TLS certificate for one emulator run, valid for 127.0.0.1 and localhost. */
export function issueServerCertificate(ca: CaMaterial, serverKeyPem: string): string {
  return buildCertificate({
    commonName: '127.0.0.1',
    publicKeyPem: createPublicKey(serverKeyPem).export({ type: 'spki', format: 'pem' }).toString(),
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
 * Loads `dir/{name}` (an RSA private key), creating it if needed with the same exclusive-link
 * publication as the CA key, so concurrent starts share one key.
 */
export async function ensureKeyFile(dir: string, name: string): Promise<string> {
  const keyPath = path.join(dir, name);
  if (existsSync(keyPath)) return readFile(keyPath, 'utf8');
  await mkdir(dir, { recursive: true });
  const { privateKeyPem } = await generateRsaKeyPair();
  const tmp = `${keyPath}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, privateKeyPem, { mode: 0o600 });
  try {
    await link(tmp, keyPath);
    return privateKeyPem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFile(keyPath, 'utf8');
  } finally {
    await rm(tmp, { force: true });
  }
}

export const SERVER_KEY_FILE = 'tls-key.pem';

/**
 * Loads `dir/ca.pem` + `dir/ca-key.pem`, or creates them. It also prepares `dir/tls-key.pem`, the
 * key of the per-start leaf certificates, so emulator starts never wait for RSA key generation. Several processes may call this at once
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
    await ensureKeyFile(dir, SERVER_KEY_FILE);
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
    await ensureKeyFile(dir, SERVER_KEY_FILE);
    return { ...theirs, certPath };
  }
  await rename(tmpCert, certPath);
  await rm(tmpKey, { force: true });
  await ensureKeyFile(dir, SERVER_KEY_FILE);
  return { ...material, certPath };
}
