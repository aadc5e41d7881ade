export { ParleyClient, newClientId, type ClientEvents, type ParleyClientOptions, type SendOptions } from './client.js';
export { ParleyError, type ClientErrorCode } from './errors.js';
export type { CustomEmojiApi } from './custom-emoji.js';
export type { GifsApi } from './gifs.js';
export type { ConnectionState, SocketFactory, WebSocketLike } from './socket.js';
export { defaultSocketFactory } from './transport.js';
export type { FetchLike, TransferOptions, UploadData } from './http.js';
export * from '@parley/protocol';
