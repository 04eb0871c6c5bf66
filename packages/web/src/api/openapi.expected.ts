// Routes the dashboard needs that the server has not written yet, in Infisical's shapes. Each entry is
// dropped when the route appears in openapi.json (the generated types then take over).

type NoKeys = Record<string, never>;

export interface ExpectedPaths {
  /** Infisical's "what may I do here" route; the dashboard falls back to the caller's roles while it is missing. */
  '/api/v1/workspace/{projectId}/permissions': {
    get: {
      path: { projectId: string };
      query: NoKeys;
      body: never;
      response: {
        data: {
          permissions: Array<{ subject: string; action?: string[]; actions?: string[]; inverted?: boolean; conditions?: Record<string, unknown> }>;
          membership?: { id: string; roles: Array<{ role: string }> } | null;
        };
      };
    };
  };
}
