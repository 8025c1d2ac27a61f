import type { ActionError } from '../view/errors.js';

interface FormErrorProps {
  readonly error: ActionError | null;
  /** What failed: "The field could not be saved". */
  readonly what: string;
}

/** The API's refusal as it gave it: code, message, and each input it named. */
export function FormError({ error, what }: FormErrorProps) {
  if (error === null) return null;
  if (error.code === 'CANCELLED') {
    // Stopped because the user asked: said plainly, not as a failure.
    return (
      <p class="notice" role="status" data-error-code={error.code}>
        {error.message}
      </p>
    );
  }
  return (
    <div class="form-error" role="alert" data-error-code={error.code}>
      <p class="form-error__title">{what}.</p>
      <p>
        <span class="error-banner__code">{error.code}</span>
        {error.message}
      </p>
      {error.issues.length > 1 ? (
        <ul class="form-error__issues">
          {error.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path || '(input)'}</code>: {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      {error.hint === null ? null : <p class="form-error__hint">{error.hint}</p>}
    </div>
  );
}
