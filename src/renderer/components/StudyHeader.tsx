import type { StudyInfo } from '../../core/api/schemas.js';
import { formatInstant } from '../view/format.js';

interface StudyHeaderProps {
  readonly study: StudyInfo;
}

export function StudyHeader({ study }: StudyHeaderProps) {
  return (
    <div class="study-header">
      <div class="study-header__title">
        <h1>{study.name}</h1>
        {study.read_only ? (
          <span class="tag tag--readonly" title="Opened read-only: imports and edits are refused">
            Read-only
          </span>
        ) : null}
      </div>
      <dl class="study-header__facts">
        <div>
          <dt>Folder</dt>
          <dd>
            <code class="path">{study.path}</code>
          </dd>
        </div>
        <div>
          <dt>Schema</dt>
          <dd>version {study.schema_version}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={study.created_at}>{formatInstant(study.created_at)}</time>
          </dd>
        </div>
        <div>
          <dt>Study ID</dt>
          <dd>
            <code title={study.study_id}>{study.study_id.slice(0, 8)}</code>
          </dd>
        </div>
      </dl>
    </div>
  );
}
