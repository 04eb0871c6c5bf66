import type { ProviderError } from '../../secret-rotations/engine/provider-error.js';

const permissionAdvice =
  'In Entra ID, grant the app the Microsoft Graph application permission Application.ReadWrite.OwnedBy (and make it an owner of the apps to rotate) or Application.ReadWrite.All, then grant admin consent.';

const adviceByCode: Record<string, string> = {
  AADSTS7000215: "Paste the secret's Value (not its Secret ID) from Certificates & secrets, or create a new client secret.",
  AADSTS7000222: 'Create a new client secret for the app and update the connection.',
  AADSTS7000218: 'Send a client secret or a certificate.',
  AADSTS700016: 'Check the Application (client) ID, and that the app is registered in (or consented to by) this tenant.',
  AADSTS90002: 'Check the Directory (tenant) ID on the app’s Overview page.',
  AADSTS900023: 'Check the Directory (tenant) ID on the app’s Overview page.',
  AADSTS700027: 'Upload this certificate to the app registration (Certificates & secrets) and send its matching private key.',
  AADSTS700024: 'Check that the Rekey server clock is correct.',
  AADSTS7000112: 'Enable the application in Entra ID, or use another one.',
  AADSTS70008: 'Start the Azure connection again from the dashboard.',
  AADSTS54005: 'Start the Azure connection again from the dashboard.',
  AADSTS9002313: 'Start the Azure connection again from the dashboard.',
  AADSTS501481: 'Start the Azure connection again from the dashboard.',
  AADSTS50011: "Register the redirect URI shown by GET /api/v1/app-connections/azure-client-secrets/oauth/authorize-url on Rekey's OAuth app.",
  AADSTS700082: 'Reconnect to Azure to give consent again.',
  AADSTS50173: 'Reconnect to Azure to give consent again.',
};

/** What a person should do about a failed connection check; the failure itself is in the error message. */
export function adviceFor(error: ProviderError): string | undefined {
  const code = error.upstream?.code;
  if (code && adviceByCode[code]) return adviceByCode[code];
  if (error.category === 'permission') return permissionAdvice;
  if (error.category === 'not_found' && /tenant/i.test(error.message)) return adviceByCode.AADSTS90002;
  if (error.category === 'network') return 'Rekey could not reach Microsoft; try again, and check the server’s outbound HTTPS access.';
  if (error.category === 'throttled') return 'Microsoft is throttling requests; try again in a minute.';
  return undefined;
}
