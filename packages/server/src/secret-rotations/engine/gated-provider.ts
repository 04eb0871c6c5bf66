import { type CallGate, ungated } from './limiter.js';
import type { AnyRotationProvider } from './registry.js';

/** The provider with each of its calls taking a call slot of `connectionId` just for the call (limiter.ts). */
export function gateProvider(provider: AnyRotationProvider, gate: CallGate, connectionId: string): AnyRotationProvider {
  if (gate === ungated) return provider;
  return {
    ...provider,
    preflight: (connection, parameters, tracked) => gate(connectionId, () => provider.preflight(connection, parameters, tracked)),
    issue: (connection, parameters, input) => gate(connectionId, () => provider.issue(connection, parameters, input)),
    verify: (connection, parameters, credential) => gate(connectionId, () => provider.verify(connection, parameters, credential)),
    revoke: (connection, parameters, externalId) => gate(connectionId, () => provider.revoke(connection, parameters, externalId)),
    listMarked: (connection, parameters, prefix) => gate(connectionId, () => provider.listMarked(connection, parameters, prefix)),
  };
}
