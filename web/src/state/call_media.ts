// This device's microphone and camera in a call (state/call.ts): asked for from the browser,
// switched off and on (mute, camera off) by enabling their tracks, and the "media" call_signal
// that tells the other devices what is on (docs/PROTOCOL.md section 8), released at the end.

/** What is switched on of a call's media: the tracks and the media signal follow it. */
export interface MediaSwitches {
  readonly video: boolean; // a video call
  readonly muted: boolean;
  readonly cameraOff: boolean;
}

/** The microphone (and camera): navigator.mediaDevices.getUserMedia. */
export const getUserMedia = (video: boolean) => navigator.mediaDevices.getUserMedia({ audio: true, video });

/** The call_signal body that tells the others what of `s` is on. */
export function mediaSignal(s: MediaSwitches): Record<string, unknown> {
  return { signal: "media", audio: !s.muted, video: s.video && !s.cameraOff };
}

/** The local tracks on or off as `s` says. */
export function applyTracks(local: MediaStream | null, s: MediaSwitches): void {
  for (const tr of local?.getAudioTracks() ?? []) tr.enabled = !s.muted;
  for (const tr of local?.getVideoTracks() ?? []) tr.enabled = !s.cameraOff;
}

/** The microphone and camera released. */
export function stopTracks(local: MediaStream | null): void {
  for (const tr of local?.getTracks() ?? []) tr.stop();
}
