import { describe, expect, it } from 'vitest';
import { readLaunchToken } from '../../../src/renderer/view/launchToken.js';

describe('readLaunchToken', () => {
  it('takes the token from the fragment and leaves an empty fragment', () => {
    expect(readLaunchToken('#token=abc_DEF-123', null)).toEqual({ token: 'abc_DEF-123', cleanedHash: '' });
  });

  it('keeps other fragment parameters', () => {
    expect(readLaunchToken('#token=t1&view=sessions', null)).toEqual({ token: 't1', cleanedHash: '#view=sessions' });
  });

  it('prefers a token in the fragment, the latest launch, over the one kept in the tab', () => {
    expect(readLaunchToken('#token=new', 'old').token).toBe('new');
  });

  it('falls back to the kept token and leaves the address alone', () => {
    expect(readLaunchToken('', 'kept')).toEqual({ token: 'kept', cleanedHash: null });
    expect(readLaunchToken('#token=', 'kept')).toEqual({ token: 'kept', cleanedHash: null });
  });

  it('has no token when neither has one', () => {
    expect(readLaunchToken('#view=sessions', null)).toEqual({ token: null, cleanedHash: null });
    expect(readLaunchToken('', '')).toEqual({ token: null, cleanedHash: null });
  });
});
