// Writes docs/schema.md from the view definitions. Usage: npm run docs:schema
import { writeFileSync } from 'node:fs';
import { renderSchemaDoc } from '../src/backend/store/schemaDoc.js';

writeFileSync(new URL('../docs/schema.md', import.meta.url), renderSchemaDoc());
