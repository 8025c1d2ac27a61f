import type { ErrorView } from '../view/errors.js';

interface ErrorBannerProps {
  readonly error: ErrorView;
  readonly onRetry: () => void;
  readonly onDismiss: () => void;
}

export function ErrorBanner({ error, onRetry, onDismiss }: ErrorBannerProps) {
  return (
    <div class="error-banner" role="alert" data-error-code={error.code}>
      <div class="error-banner__text">
        <p class="error-banner__title">
          <span class="error-banner__code">{error.code}</span>
          {error.message}
        </p>
        {error.hint === null ? null : <p class="error-banner__hint">{error.hint}</p>}
      </div>
      <div class="error-banner__actions">
        <button type="button" class="button" onClick={onRetry}>
          Retry
        </button>
        <button type="button" class="button button--quiet" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
