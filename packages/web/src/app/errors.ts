import { ParleyError } from '@parley/sdk';
import { t } from '../i18n/index.js';

/** A sentence for the user from any failure, using the SDK's typed error codes. */
export function describeError(err: unknown): string {
  if (!(err instanceof ParleyError)) return t('error.generic', { message: err instanceof Error ? err.message : String(err) });
  switch (err.code) {
    case 'username_taken':
      return t('error.usernameTaken');
    case 'invalid_credentials':
      return t('error.invalidCredentials');
    case 'rate_limited': {
      const ms = err.retryAfterMs();
      return ms === null ? t('error.rateLimitedSoon') : t('error.rateLimited', { seconds: Math.max(1, Math.ceil(ms / 1000)) });
    }
    case 'validation_failed':
      return err.details.length
        ? t('error.validation', { details: err.details.map((d) => `${d.path}: ${d.message}`).join('; ') })
        : t('error.generic', { message: err.message });
    case 'network_error':
    case 'timeout':
    case 'disconnected':
      return t('error.network');
    case 'unauthorized':
      return t('error.unauthorized');
    case 'unavailable':
      return t('error.unavailable');
    default:
      return t('error.generic', { message: err.message });
  }
}
