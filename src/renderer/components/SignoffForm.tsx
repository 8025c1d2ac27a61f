import { useState } from 'preact/hooks';
import type { WeftClient } from '../../core/api/client.js';
import type { MethodInput } from '../../core/api/contract.js';
import type { AuditEntry } from '../../core/api/schemas.js';
import { latestAuditEntry } from '../auditLookup.js';
import { useAction } from '../useAction.js';
import { issueFor } from '../view/errors.js';
import { formatInstant } from '../view/format.js';
import { AuditEntryNote } from './AuditEntryNote.js';
import { FormError } from './FormError.js';
import { FormRow, describedBy } from './FormRow.js';

interface SignoffFormProps {
  readonly client: WeftClient;
  /** The report being signed, as shown. */
  readonly reportSha256: string;
  readonly onSigned: () => void;
}

export function SignoffForm({ client, reportSha256, onSigned }: SignoffFormProps) {
  const [reviewer, setReviewer] = useState('');
  const [comment, setComment] = useState('');
  const [audited, setAudited] = useState<AuditEntry | null>(null);
  const signoff = useAction(async (input: MethodInput<'report.signoff'>) => {
    const signed = await client.call('report.signoff', input);
    setAudited(await latestAuditEntry(client, (e) => e.action === 'report.signoff' && e.target === signed.signoff_id).catch(() => null));
    return signed;
  });
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setAudited(null);
    const signed = await signoff.run({ reviewer: reviewer.trim(), comment: comment.trim(), report_sha256: reportSha256 });
    if (signed === null) return;
    setComment('');
    onSigned();
  };
  const reviewerError = issueFor(signoff.error, 'reviewer');
  const commentError = issueFor(signoff.error, 'comment');
  const commentHint = 'What you checked, and any condition of your approval.';
  const signed = signoff.result;
  return (
    <form class="form card signoff" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="signoff-heading" data-form="signoff">
      <h2 id="signoff-heading">Sign off this report</h2>
      <FormError error={signoff.error !== null && signoff.error.issues.length === 0 ? signoff.error : null} what="The sign-off was not recorded" />
      <FormRow id="signoff-reviewer" label="Reviewer" error={reviewerError}>
        <input id="signoff-reviewer" type="text" autoComplete="name" value={reviewer} maxLength={200} aria-invalid={reviewerError !== null} aria-describedby={describedBy('signoff-reviewer', undefined, reviewerError)} onInput={(e) => setReviewer(e.currentTarget.value)} />
      </FormRow>
      <FormRow id="signoff-comment" label="Comment" hint={commentHint} error={commentError}>
        <textarea id="signoff-comment" rows={3} maxLength={5000} value={comment} aria-invalid={commentError !== null} aria-describedby={describedBy('signoff-comment', commentHint, commentError)} onInput={(e) => setComment(e.currentTarget.value)} />
      </FormRow>
      <div class="form__actions">
        <button type="submit" class="button button--primary" disabled={signoff.pending}>
          {signoff.pending ? 'Signing…' : 'Sign off'}
        </button>
      </div>
      {signed === null ? null : (
        <div class="notice notice--success" role="status" data-signoff={signed.signoff_id}>
          <p>
            Signed off by <strong>{signed.reviewer}</strong> on {formatInstant(signed.at)}: “{signed.comment}” The sign-off names report <code>{signed.report_sha256.slice(0, 12)}</code> and now appears in the report above.
          </p>
          {audited === null ? null : <AuditEntryNote entry={audited} />}
        </div>
      )}
    </form>
  );
}
