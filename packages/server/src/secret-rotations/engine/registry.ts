import { azureClientSecretProvider, type AzureConnection } from '../azure-client-secret/azure-client-secret.provider.js';
import type { RotationProvider } from './provider.js';

/**
 * Every rotation provider, by type. The engine and the routes look providers up here; adding a provider
 * is a new folder plus one entry (and its connection resolver in `app.ts`).
 */
export const rotationProviders = {
  'azure-client-secret': azureClientSecretProvider,
} as const;

export type RotationType = keyof typeof rotationProviders;

/** Provider-agnostic view used by the engine: parameters and credentials are plain JSON objects there. */
export type AnyRotationProvider = RotationProvider<
  Record<string, unknown>,
  Record<string, string>,
  Record<string, unknown>,
  unknown
>;

export function providerFor(type: string): AnyRotationProvider | undefined {
  return (rotationProviders as Record<string, unknown>)[type] as AnyRotationProvider | undefined;
}

export type ProviderConnections = { 'azure-client-secret': AzureConnection };
