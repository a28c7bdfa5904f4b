/** Hash routes (`#/cases/<id>`): deep links work with the server serving one index.html. */
import { useEffect, useState } from 'react';

const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);

export function useRoute(): string[] {
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return parts;
}

export const go = (path: string) => {
  location.hash = `#/${path.replace(/^\//, '')}`;
};
