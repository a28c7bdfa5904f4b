import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository's shipped data folder (catalogue, calendar, demo district). */
export const DATA_DIR = path.resolve(fileURLToPath(new URL('../../../../data/', import.meta.url)));
export const dataFile = (...parts: string[]): string => path.join(DATA_DIR, ...parts);
