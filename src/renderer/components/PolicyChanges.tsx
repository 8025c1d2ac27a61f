import type { PolicyChange } from '../view/policyDiff.js';

/** The settings a save would change, before and after, for the researcher to check first. */
export function PolicyChanges({ changes }: { readonly changes: readonly PolicyChange[] }) {
  return (
    <section class="section policy-changes" aria-labelledby="changes-heading" aria-live="polite">
      <div class="section__head">
        <h2 id="changes-heading">Changes to save</h2>
      </div>
      {changes.length === 0 ? (
        <p class="empty">Nothing changed yet: edit a setting above to see what saving would change.</p>
      ) : (
        <table class="table table--diff">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Now</th>
              <th scope="col">After saving</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.path} data-path={c.path}>
                <th scope="row">{c.label}</th>
                <td class="diff-before">
                  <del>{c.before}</del>
                </td>
                <td class="diff-after">
                  <ins>{c.after}</ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
