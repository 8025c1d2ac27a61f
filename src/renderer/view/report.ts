/** The file name a downloaded report gets: "ethics-report-pilot-study-2026-03-01.html". */
export function reportFileName(studyName: string, generatedAt: string): string {
  const slug = studyName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  const day = /^\d{4}-\d{2}-\d{2}/.exec(generatedAt)?.[0] ?? 'undated';
  return ['ethics-report', slug === '' ? 'study' : slug, day].join('-') + '.html';
}
