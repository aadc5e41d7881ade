import { buildOpenApiDocument } from '@parley/protocol';
import { VERSION } from './version.js';

process.stdout.write(JSON.stringify(buildOpenApiDocument({ version: VERSION }), null, 2) + '\n');
