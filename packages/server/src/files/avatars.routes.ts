import { routes } from '@parley/protocol';
import type { AccountsService } from '../accounts/accounts.service.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { Api } from '../http/api.js';
import type { RateLimiter } from '../http/rate-limit.js';
import { avatarUrl } from './file.presenter.js';
import type { FilesService } from './files.service.js';

/** The avatar file behind one of our avatar URLs (a URL set by hand points elsewhere). */
function avatarFileId(url: string | null): string | null {
  return /^\/api\/v1\/avatars\/([0-9A-HJKMNP-TV-Z]{26})$/.exec(url ?? '')?.[1] ?? null;
}

export function registerAvatarRoutes(api: Api, files: FilesService, accounts: AccountsService, conversations: ConversationsService, uploadLimit: RateLimiter): void {
  /** Once a new picture is in place, the one it replaced is deleted. */
  const dropReplaced = async (previous: string | null) => {
    const id = avatarFileId(previous);
    if (id) await files.removeRows({ ids: [id] });
  };

  api.handleRaw(routes.setAvatar, async ({ auth }, request) => {
    uploadLimit.enforce(auth.userId, 'uploads');
    const file = await files.receiveAvatar(auth.userId, request.raw);
    const previous = (await accounts.getUser(auth.userId)).avatarUrl;
    const user = await accounts.updateProfile(auth.userId, { avatarUrl: avatarUrl(file.id) });
    await dropReplaced(previous);
    return user;
  });
  api.handle(routes.deleteAvatar, async ({ auth }) => {
    const previous = (await accounts.getUser(auth.userId)).avatarUrl;
    const user = await accounts.updateProfile(auth.userId, { avatarUrl: null });
    await dropReplaced(previous);
    return user;
  });
  api.handleRaw(routes.setConversationAvatar, async ({ auth, params }, request) => {
    uploadLimit.enforce(auth.userId, 'uploads');
    await conversations.requireAvatarEditor(params.conversationId, auth.userId);
    const file = await files.receiveAvatar(auth.userId, request.raw);
    try {
      const { detail, previous } = await conversations.setAvatarUrl(params.conversationId, auth.userId, avatarUrl(file.id));
      await dropReplaced(previous);
      return detail;
    } catch (err) {
      await files.removeRows({ ids: [file.id] });
      throw err;
    }
  });
}
