/** Who is signed in: the token, the user from /api/v1/me, sign-in and sign-out. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api, getToken, ok, setToken } from '../api/client.ts';
import type { Me } from '../api/types.ts';

export type { Me };

interface Session {
  me: Me | null;
  loading: boolean;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  has(...roles: string[]): boolean;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(!!getToken());
  const load = useCallback(async () => {
    try {
      setMe(await ok(api.GET('/api/v1/me')));
    } catch {
      setToken(null);
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    if (getToken()) void load();
    const out = () => {
      setToken(null);
      setMe(null);
    };
    window.addEventListener('onegrid:signed-out', out);
    return () => window.removeEventListener('onegrid:signed-out', out);
  }, [load]);
  const value: Session = {
    me,
    loading,
    async signIn(username, password) {
      const r = await ok(api.POST('/api/v1/auth/login', { body: { username, password } }));
      setToken(r.token);
      await load();
    },
    async signOut() {
      await api.POST('/api/v1/auth/logout').catch(() => undefined);
      setToken(null);
      setMe(null);
    },
    has: (...roles) => !!me && me.roles.some((r) => roles.includes(r)),
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
