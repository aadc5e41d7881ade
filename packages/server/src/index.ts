export { startServer, type ParleyServer, type StartOptions } from './app.js';
export { loadConfig, ConfigError, type Config } from './config/config.js';
