/** Small display helpers shared by the screens. */
export const LIGHT_COLOR: Record<string, string> = { green: '#2e9d4c', yellow: '#e0a100', red: '#d4380d', none: '#8c8c8c' };

export function minutes(m: number | null, lang: string): string {
  if (m === null) return '—';
  const late = m < 0;
  const a = Math.abs(m);
  const h = Math.floor(a / 60);
  const text = lang === 'zh-CN' ? `${h ? `${h}小时` : ''}${a % 60}分` : `${h ? `${h}h ` : ''}${a % 60}m`;
  return late ? (lang === 'zh-CN' ? `超时 ${text}` : `${text} overdue`) : text;
}

export const when = (iso: string | null, lang: string) => (iso ? new Date(iso).toLocaleString(lang, { hour12: false }) : '—');
