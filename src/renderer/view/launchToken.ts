/** Where browser mode's access token is kept in the tab between reloads. */
export const TOKEN_STORAGE_KEY = 'weft.token';

export interface LaunchToken {
  readonly token: string | null;
  /** The address fragment with the token taken out, when the token came from it. */
  readonly cleanedHash: string | null;
}

/**
 * The token from the address fragment ("#token=…", as `weft serve` prints it), else the one kept
 * from earlier in this tab. A token in the fragment wins: it is the latest launch's.
 */
export function readLaunchToken(hash: string, stored: string | null): LaunchToken {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const fromHash = params.get('token');
  if (fromHash !== null && fromHash !== '') {
    params.delete('token');
    const rest = params.toString();
    return { token: fromHash, cleanedHash: rest === '' ? '' : `#${rest}` };
  }
  return { token: stored !== null && stored !== '' ? stored : null, cleanedHash: null };
}
