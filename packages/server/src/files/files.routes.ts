import { routes } from '@parley/protocol';
import type { Api } from '../http/api.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { FilesService } from './files.service.js';
import { sendFile } from './serve.js';

export function registerFileRoutes(api: Api, files: FilesService, uploadLimit: RateLimiter): void {
  api.handleRaw(routes.uploadFile, async ({ auth, query }, request) => {
    uploadLimit.enforce(auth.userId, 'uploads');
    return files.upload(auth.userId, request.raw, query);
  });
  api.handleRaw(routes.getFile, async ({ auth, params, query }, request, reply) =>
    sendFile(request, reply, files.store, await files.original(params.fileId, auth.userId), { download: query.download !== undefined }),
  );
  api.handleRaw(routes.getThumbnail, async ({ auth, params }, request, reply) =>
    sendFile(request, reply, files.store, await files.thumbnail(params.fileId, auth.userId)),
  );
  api.handleRaw(routes.getAvatar, async ({ params, query }, request, reply) =>
    sendFile(request, reply, files.store, await files.avatar(params.fileId, query.size)),
  );
  api.handle(routes.deleteUpload, async ({ auth, params }) => {
    await files.deleteUpload(params.fileId, auth.userId);
    return { ok: true as const };
  });
  api.handle(routes.storageUsage, async ({ auth }) => files.usage(auth.userId));
}
