import type { WeftClient } from '../../core/api/client.js';
import { useAction } from '../useAction.js';
import { pageHref } from '../view/route.js';
import { FormError } from './FormError.js';

/** Recomputes the hash chain on request and says whether it is intact, and where it breaks. */
export function AuditVerifyPanel({ client }: { readonly client: WeftClient }) {
  const verify = useAction(() => client.call('audit.verify', {}));
  const result = verify.result;
  return (
    <section class="section card" aria-labelledby="verify-heading">
      <div class="section__head">
        <h2 id="verify-heading">Integrity</h2>
        <button type="button" class="button button--primary" onClick={() => void verify.run(undefined)} disabled={verify.pending}>
          {verify.pending ? 'Verifying…' : 'Verify the chain'}
        </button>
      </div>
      <FormError error={verify.error} what="The chain could not be verified" />
      <div aria-live="polite">
        {result === null ? (
          <p class="subtle">Recomputes every entry's hash from the first one and compares it with the stored chain.</p>
        ) : result.intact ? (
          <p class="notice notice--success" data-verified="intact">
            ✓ The chain is intact: all {result.entries} entries verified, none edited, deleted or reordered.
          </p>
        ) : (
          <div class="form-error" data-verified="broken" role="alert">
            <p class="form-error__title">
              ✗ The chain is broken in {result.breaks.length} {result.breaks.length === 1 ? 'place' : 'places'} ({result.entries} entries checked):
            </p>
            <ul>
              {result.breaks.map((b) => (
                <li key={`${b.seq}:${b.problem}`} data-break={b.seq}>
                  <a href={pageHref('audit', { seq: String(b.seq) })}>entry #{b.seq}</a> ({b.problem === 'gap' ? 'missing entries' : b.problem === 'prev_hash' ? 'does not follow the entry before it' : 'edited after it was written'}): {b.message}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}
