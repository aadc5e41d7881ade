import { useRef, useState } from 'react';
import { t } from '../i18n/index.js';
import { formatDuration } from './waveform.js';

interface VoiceNoteProps {
  src: string;
  durationMs: number | null;
  waveform: readonly number[] | null;
}

/** A voice note in a message: play or pause, its waveform filling as it plays, and its length. */
export function VoiceNote({ src, durationMs, waveform }: VoiceNoteProps) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [progress, setProgress] = useState(0);
  const points = waveform?.length ? waveform : [0];
  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) void el.play();
    else el.pause();
  };
  return (
    <span className="voice-note" data-playing={playing}>
      <button type="button" className="icon" aria-label={playing ? t('voice.pause') : t('voice.play')} onClick={toggle}>
        {playing ? '⏸' : '▶'}
      </button>
      <svg className="waveform" viewBox={`0 0 ${points.length * 3} 32`} preserveAspectRatio="none" aria-hidden="true">
        {points.map((p, i) => (
          <rect key={i} x={i * 3} y={16 - Math.max(1, (p / 255) * 16)} width={2} height={Math.max(2, (p / 255) * 32)} className={i / points.length < progress ? 'played' : undefined} />
        ))}
      </svg>
      <span className="muted voice-time">{formatDuration(durationMs ?? 0)}</span>
      <audio
        ref={audio}
        src={src}
        preload="metadata"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => {
          setPlaying(false);
          setProgress(0);
        }}
        onTimeUpdate={(e) => {
          const el = e.currentTarget;
          const total = Number.isFinite(el.duration) && el.duration > 0 ? el.duration : (durationMs ?? 0) / 1000;
          setProgress(total > 0 ? el.currentTime / total : 0);
        }}
        aria-label={t('attachment.voice')}
      />
    </span>
  );
}
