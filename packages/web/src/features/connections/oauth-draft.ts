/**
 * The OAuth method leaves the page for Microsoft's sign-in. What the form held (name, description, tenant,
 * which connection) is kept in sessionStorage for the callback page: none of it is a secret, and the
 * authorization code and state never touch storage.
 */
export type OAuthDraft = { connectionId: string | null; name: string; description: string; tenantId: string; returnTo: string };

const storageKey = 'rekey.azure-oauth-draft';

export function saveOAuthDraft(draft: OAuthDraft): void {
  sessionStorage.setItem(storageKey, JSON.stringify(draft));
}

/** Reads and removes the draft (it is good for one callback). */
export function takeOAuthDraft(): OAuthDraft | null {
  const text = sessionStorage.getItem(storageKey);
  sessionStorage.removeItem(storageKey);
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<OAuthDraft>;
    if (typeof value.name !== 'string' || typeof value.tenantId !== 'string') return null;
    return {
      connectionId: typeof value.connectionId === 'string' ? value.connectionId : null,
      name: value.name,
      description: typeof value.description === 'string' ? value.description : '',
      tenantId: value.tenantId,
      returnTo: typeof value.returnTo === 'string' && value.returnTo.startsWith('/') ? value.returnTo : '/organization/app-connections',
    };
  } catch {
    return null;
  }
}
