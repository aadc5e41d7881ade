/** Reported by the OpenAPI document and /healthz. */
export const VERSION = '0.1.0';
