import { execFileSync } from 'node:child_process';

/** Whether an `ffmpeg` is on the PATH (tests that make or convert video need it; CI installs it). */
export function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
