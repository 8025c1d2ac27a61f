import { useEffect, useMemo, useState } from 'preact/hooks';
import { parseRoute, type Route } from './view/route.js';

/** The page the address names; follows links, the back button and typed addresses. */
export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const follow = (): void => setHash(location.hash);
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
