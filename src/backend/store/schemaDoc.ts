import { LATEST_SCHEMA_VERSION } from './migrations.js';
import { VIEWS } from './views.js';

/** docs/schema.md, written from the view definitions themselves (npm run docs:schema). */
export function renderSchemaDoc(): string {
  const lines: string[] = [
    '# The study schema',
    '',
    '<!-- Generated from src/backend/store/views.ts by `npm run docs:schema`; a test fails when it is stale. -->',
    '',
    `Schema version ${LATEST_SCHEMA_VERSION}. These views are Weft's stable interface for analysis: query them with`,
    '`weft sql "SELECT …"`, from the UI, or by opening `study.duckdb` read-only in DuckDB from R or Python',
    '(`ATTACH \'study.duckdb\' AS study (READ_ONLY); USE study;`). The tables behind them (schema `weft`) are internal and',
    'change between versions; the views keep their columns.',
    '',
    'Conventions:',
    '',
    '- Every `*_us` column is an integer number of **microseconds**. Times of things that happened in a session',
    '  (`t_us`, `start_us`, `end_us`) are **session time**: microseconds since the session\'s `started_at`. Negative values',
    '  happened before it.',
    '- Wall-clock instants are `TIMESTAMP WITH TIME ZONE`, in UTC.',
    '- `JSON` columns hold whatever a source file had beyond the mapped columns; query them with DuckDB\'s `->>` operator.',
    '- `at` in `audit_log` is a keyword in DuckDB: write it as `"at"`.',
    '',
    '## Views',
    '',
    ...VIEWS.map((v) => `- [\`${v.name}\`](#${v.name.replaceAll('_', '_')}): ${v.description.split('. ')[0]?.replace(/\.$/, '')}.`),
    '',
  ];
  for (const view of VIEWS) {
    lines.push(`## ${view.name}`, '', view.description, '', '| column | type | meaning |', '|---|---|---|');
    for (const column of view.columns) lines.push(`| \`${column.name}\` | ${column.type} | ${column.description.replaceAll('|', '\\|')} |`);
    lines.push('');
  }
  return lines.join('\n');
}
