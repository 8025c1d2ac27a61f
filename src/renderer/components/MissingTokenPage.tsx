/** Browser mode opened without the launch token: say where the right address comes from. */
export function MissingTokenPage() {
  return (
    <main id="main" class="notice-page" aria-labelledby="missing-token-heading">
      <div class="notice-card">
        <p class="brand brand--large">Weft</p>
        <h1 id="missing-token-heading">Open the address that “weft serve” printed</h1>
        <p>
          This page was opened without its access token, so it cannot read the study. Weft’s browser mode only answers a page
          that carries the token of the current launch, and the token is part of the address the command printed:
        </p>
        <pre class="notice-card__example">
          <code>
            {'$ weft serve --study <study folder>\nWeft is serving "…" at\n\n  http://127.0.0.1:PORT/#token=…'}
          </code>
        </pre>
        <p>
          Open that full address, including the part after <code>#</code>, in a browser on the same machine. Each launch has a new
          token: after restarting <code>weft serve</code>, use the new address.
        </p>
      </div>
    </main>
  );
}
