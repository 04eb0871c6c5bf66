import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api, onSessionExpired, refreshAccessToken, setAccessToken } from '../api/client';
import type { Me } from '../api/types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'unreachable'; message: string }
  | { status: 'needs-bootstrap' }
  | { status: 'signed-out'; reason?: 'expired' | 'signed-out' }
  | { status: 'signed-in'; me: Me };

type SessionContextValue = {
  state: SessionState;
  signIn(email: string, password: string): Promise<void>;
  bootstrap(input: { email: string; password: string; organization: string }): Promise<void>;
  /** Installs a session obtained elsewhere (accepting an invitation). */
  adopt(accessToken: string, expiresIn: number): Promise<void>;
  signOut(): Promise<void>;
  reload(): Promise<void>;
};

const SessionContext = createContext<SessionContextValue | null>(null);

/** Refresh a little before the access token runs out, so requests rarely meet a 401. */
function refreshDelayMs(expiresIn: number): number {
  return Math.max(10_000, Math.floor(expiresIn * 1000 * 0.8));
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const scheduleRefresh = useCallback((expiresIn: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      const next = await refreshAccessToken();
      if (next !== null) scheduleRefresh(next);
    }, refreshDelayMs(expiresIn));
  }, []);

  const loadMe = useCallback(async () => {
    const me = await api('get', '/api/v1/users/me', {});
    setState({ status: 'signed-in', me });
  }, []);

  const start = useCallback(async () => {
    try {
      const { config } = await api('get', '/api/v1/admin/config', {});
      if (!config.initialized) {
        setState({ status: 'needs-bootstrap' });
        return;
      }
    } catch (error) {
      setState({ status: 'unreachable', message: error instanceof Error ? error.message : 'The server did not answer' });
      return;
    }
    const expiresIn = await refreshAccessToken();
    if (expiresIn !== null) {
      try {
        await loadMe();
        scheduleRefresh(expiresIn);
        return;
      } catch {
        // fall through to signed out
      }
    }
    setAccessToken(null);
    setState({ status: 'signed-out' });
  }, [loadMe, scheduleRefresh]);

  useEffect(() => {
    void start();
    return () => clearTimeout(timer.current);
  }, [start]);

  useEffect(
    () =>
      onSessionExpired(() => {
        clearTimeout(timer.current);
        setAccessToken(null);
        queryClient.clear();
        setState({ status: 'signed-out', reason: 'expired' });
      }),
    [queryClient],
  );

  const adopt = useCallback(
    async (accessToken: string, expiresIn: number) => {
      setAccessToken(accessToken);
      queryClient.clear();
      await loadMe();
      scheduleRefresh(expiresIn);
    },
    [loadMe, queryClient, scheduleRefresh],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      const result = await api('post', '/api/v1/auth/login', { body: { email, password } });
      await adopt(result.accessToken, result.expiresIn);
    },
    [adopt],
  );

  const bootstrap = useCallback(
    async (input: { email: string; password: string; organization: string }) => {
      await api('post', '/api/v1/admin/bootstrap', { body: input });
      await signIn(input.email, input.password);
    },
    [signIn],
  );

  const signOut = useCallback(async () => {
    clearTimeout(timer.current);
    try {
      await api('post', '/api/v1/auth/logout', {});
    } finally {
      setAccessToken(null);
      queryClient.clear();
      setState({ status: 'signed-out', reason: 'signed-out' });
    }
  }, [queryClient]);

  const value = useMemo<SessionContextValue>(
    () => ({ state, signIn, bootstrap, adopt, signOut, reload: start }),
    [state, signIn, bootstrap, adopt, signOut, start],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside SessionProvider');
  return value;
}

/** The signed-in user's data; only call below a route that requires a session. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe needs a signed-in session');
  return state.me;
}

export function useIsOrgAdmin(): boolean {
  return useMe().organization.role === 'admin';
}
