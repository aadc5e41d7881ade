import type { Upload } from '@parley/sdk';
import { useEffect, useState } from 'react';
import { useClient } from '../app/client.js';
import { describeError } from '../app/errors.js';
import { t } from '../i18n/index.js';
import { useRecorder } from './useRecorder.js';
import { formatDuration } from './waveform.js';

/** The microphone button, and while recording: the time, a level meter, Cancel and Send. */
export function VoiceRecorder({ onRecorded }: { onRecorded: (upload: Upload) => void }) {
  const client = useClient();
  const recorder = useRecorder();
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [now, setNow] = useState(() => performance.now());
  const recording = recorder.state.status === 'recording';
  useEffect(() => {
    if (!recording) return;
    const timer = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, [recording]);

  const send = async () => {
    const note = await recorder.finish(true);
    if (!note) return;
    setSending(true);
    try {
      onRecorded(await client.uploadVoiceNote(note.blob, { durationMs: note.durationMs, waveform: note.waveform, name: 'voice-note.webm' }));
      setError(null);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSending(false);
    }
  };

  if (recorder.state.status === 'recording') {
    const elapsed = now - recorder.state.startedAt;
    return (
      <div className="voice-recorder" role="group" aria-label={t('voice.recording')}>
        <span className="recording-dot" aria-hidden="true" />
        <span className="voice-time" role="timer">
          {formatDuration(Math.max(0, elapsed))}
        </span>
        <meter min={0} max={1} value={recorder.state.level} aria-label={t('voice.level')} />
        <button type="button" onClick={() => void recorder.finish(false)}>
          {t('voice.cancel')}
        </button>
        <button type="button" className="primary" onClick={() => void send()}>
          {t('voice.send')}
        </button>
      </div>
    );
  }
  const failed = recorder.state.status === 'failed' ? t(recorder.state.reason === 'denied' ? 'voice.denied' : 'voice.unsupported') : error;
  return (
    <>
      <button type="button" className="icon" aria-label={t('voice.record')} title={t('voice.record')} disabled={sending} onClick={() => void recorder.start()}>
        🎤
      </button>
      {sending && <span className="muted voice-status">{t('voice.sending')}</span>}
      {failed && (
        <span className="error voice-status" role="alert">
          {failed}
        </span>
      )}
    </>
  );
}
