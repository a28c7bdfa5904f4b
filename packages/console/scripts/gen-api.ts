import fs from 'node:fs';
import { generateApiTypes, SCHEMA_FILE } from './openapi-types.ts';

fs.writeFileSync(SCHEMA_FILE, await generateApiTypes());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
process.exit(0);
