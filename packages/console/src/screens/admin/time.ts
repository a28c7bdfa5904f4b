/** Epoch milliseconds or ISO text as local date and time in the console's language; a dash for none. */
export const fmtTime = (v: number | string | null | undefined, lang: string): string => (v == null ? '—' : new Date(v).toLocaleString(lang, { hour12: false }));
