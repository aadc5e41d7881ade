import { useCallback, useEffect, useRef, useState } from 'react';
import { toWaveform } from './waveform.js';

export interface Recording {
  blob: Blob;
  durationMs: number;
  waveform: number[];
}

export type RecorderState = { status: 'idle' } | { status: 'recording'; startedAt: number; level: number } | { status: 'failed'; reason: 'denied' | 'unsupported' };

const SAMPLE_EVERY_MS = 50;

/** A voice note from the microphone: MediaRecorder for the sound, an analyser for its waveform. */
export function useRecorder() {
  const [state, setState] = useState<RecorderState>({ status: 'idle' });
  const session = useRef<{ recorder: MediaRecorder; stream: MediaStream; audio: AudioContext; timer: ReturnType<typeof setInterval>; samples: number[]; chunks: Blob[] } | null>(null);

  const stopAll = useCallback(() => {
    const s = session.current;
    session.current = null;
    if (!s) return;
    clearInterval(s.timer);
    for (const track of s.stream.getTracks()) track.stop();
    void s.audio.close();
  }, []);
  useEffect(() => stopAll, [stopAll]);

  const start = useCallback(async () => {
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return setState({ status: 'failed', reason: 'unsupported' });
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      return setState({ status: 'failed', reason: 'denied' });
    }
    const audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 512;
    audio.createMediaStreamSource(stream).connect(analyser);
    const buffer = new Float32Array(analyser.fftSize);
    const samples: number[] = [];
    const chunks: Blob[] = [];
    const recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
    const startedAt = performance.now();
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(buffer);
      let sum = 0;
      for (const v of buffer) sum += v * v;
      // RMS, boosted: speech rarely goes past a third of full scale.
      const level = Math.min(1, Math.sqrt(sum / buffer.length) * 3);
      samples.push(level);
      setState({ status: 'recording', startedAt, level });
    }, SAMPLE_EVERY_MS);
    session.current = { recorder, stream, audio, timer, samples, chunks };
    recorder.start();
    setState({ status: 'recording', startedAt, level: 0 });
  }, []);

  /** Stops and hands over the recording (null when cancelled or nothing was recorded). */
  const finish = useCallback(
    (keep: boolean): Promise<Recording | null> => {
      const s = session.current;
      if (!s) return Promise.resolve(null);
      const durationMs = Math.round(performance.now() - (state.status === 'recording' ? state.startedAt : performance.now()));
      return new Promise((resolve) => {
        s.recorder.onstop = () => {
          stopAll();
          setState({ status: 'idle' });
          const blob = new Blob(s.chunks, { type: s.recorder.mimeType || 'audio/webm' });
          resolve(keep && blob.size > 0 ? { blob, durationMs, waveform: toWaveform(s.samples) } : null);
        };
        s.recorder.stop();
      });
    },
    [state, stopAll],
  );

  return { state, start, finish, reset: () => setState({ status: 'idle' }) };
}
