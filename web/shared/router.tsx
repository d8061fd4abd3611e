/** A tiny history-API router: path patterns with ":params", links, and focus moved to the new page's heading. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from 'react';

interface Loc {
  path: string;
  search: URLSearchParams;
  navigate(to: string, opts?: { replace?: boolean }): void;
}
const Ctx = createContext<Loc | null>(null);

export function Router({ children }: { children: ReactNode }) {
  const [href, setHref] = useState(() => location.pathname + location.search);
  useEffect(() => {
    const on = () => setHref(location.pathname + location.search);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  const navigate = useCallback((to: string, opts?: { replace?: boolean }) => {
    if (to === location.pathname + location.search) return;
    if (opts?.replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    setHref(location.pathname + location.search);
    if (!opts?.replace) scrollTo(0, 0);
  }, []);
  const value = useMemo<Loc>(() => {
    const u = new URL(href, location.origin);
    return { path: u.pathname, search: u.searchParams, navigate };
  }, [href, navigate]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useLocation(): Loc {
  const v = useContext(Ctx);
  if (!v) throw new Error('useLocation outside Router');
  return v;
}

/** Params of pattern ("/messages/:id") against the path, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}

export function Link({ to, children, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate } = useLocation();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} {...rest} onClick={onClick}>
      {children}
    </a>
  );
}
