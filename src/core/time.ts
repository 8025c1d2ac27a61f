/**
 * Each kind of time gets its own branded type so that a device timestamp can never be
 * passed where session time is expected. Conversions go through a stream's ClockModel.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Microseconds since the start of a session; the one clock every stream is aligned to. */
export type SessionUs = Brand<number, 'SessionUs'>;
/** Microseconds on a recording device's own clock (eye tracker, tutor server, camera). */
export type DeviceUs = Brand<number, 'DeviceUs'>;
/** Microseconds since the Unix epoch, UTC. */
export type EpochUs = Brand<number, 'EpochUs'>;
/** Seconds of media time in a video file, as its decoder reports them. */
export type MediaSeconds = Brand<number, 'MediaSeconds'>;

export const sessionUs = (value: number): SessionUs => Math.round(value) as SessionUs;
export const deviceUs = (value: number): DeviceUs => value as DeviceUs;
export const epochUs = (value: number): EpochUs => Math.round(value) as EpochUs;
export const mediaSeconds = (value: number): MediaSeconds => value as MediaSeconds;

export const US_PER_MS = 1_000;
export const US_PER_SECOND = 1_000_000;

/**
 * Maps a stream's own clock to session time:
 *   session = (device - deviceOrigin) * (1 + driftPpm / 1e6) + offset
 * where deviceOrigin is the device time that the offset refers to. Keeping the origin
 * explicit keeps the drift term small and the arithmetic exact in doubles for hours of data.
 */
export interface ClockModel {
  readonly offsetUs: number;
  readonly driftPpm: number;
  readonly deviceOriginUs: number;
}

export const IDENTITY_CLOCK: ClockModel = { offsetUs: 0, driftPpm: 0, deviceOriginUs: 0 };

export function toSessionTime(clock: ClockModel, t: DeviceUs): SessionUs {
  const elapsed = t - clock.deviceOriginUs;
  return sessionUs(elapsed + (elapsed * clock.driftPpm) / 1e6 + clock.offsetUs);
}

export function epochToSession(sessionStart: EpochUs, t: EpochUs): SessionUs {
  return sessionUs(t - sessionStart);
}

export function mediaToSession(clock: ClockModel, t: MediaSeconds): SessionUs {
  return toSessionTime(clock, deviceUs(t * US_PER_SECOND));
}

/** "m:ss" or "h:mm:ss"; times before session start get a minus sign ("-0:04"). */
export function formatDuration(us: number, decimals = 0): string {
  if (us < 0) return `-${formatDuration(-us, decimals)}`;
  const scale = 10 ** decimals;
  const ticks = Math.round((us / US_PER_SECOND) * scale);
  const totalSeconds = Math.floor(ticks / scale);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  const fraction = decimals === 0 ? '' : `.${String(ticks % scale).padStart(decimals, '0')}`;
  return h > 0 ? `${h}:${mm}:${ss}${fraction}` : `${m}:${ss}${fraction}`;
}
