export { createSelfSignedCertificate, ensureCa } from './certs.js';
export type { ClientCertificate, PersistedCa } from './certs.js';
export { InputError } from './input-error.js';
export { readSeedFile } from './seed-file.js';
export { startEmulator } from './server.js';
export { REALISM_PRESETS } from './settings.js';
export type * from './types.js';
