/**
 * Hard limits of the wire contract. Servers may be configured lower for some (rate limits,
 * frame size), never higher for the ones that shape stored data.
 */
export const limits = {
  /** Message text, counted in UTF-8 bytes of the Markdown source. */
  messageTextMaxBytes: 16 * 1024,
  usernameMinLength: 3,
  usernameMaxLength: 32,
  displayNameMaxLength: 64,
  statusTextMaxLength: 140,
  avatarUrlMaxLength: 2048,
  passwordMinLength: 8,
  passwordMaxLength: 256,
  groupTitleMaxLength: 100,
  channelNameMaxLength: 80,
  topicMaxLength: 250,
  clientIdMaxLength: 64,
  emojiMaxLength: 64,
  pageSizeMax: 100,
  pageSizeDefault: 50,
  groupCreateMembersMax: 256,
  userSearchMax: 50,
  presenceSubscribeMax: 500,
  attachmentsPerMessageMax: 10,
  fileNameMaxLength: 255,
  /** Points of a voice note's waveform (each 0-255). */
  waveformMaxPoints: 128,
  voiceNoteMaxMs: 60 * 60_000,
  linkPreviewsPerMessageMax: 3,
  customEmojiNameMinLength: 2,
  customEmojiNameMaxLength: 32,
  /** Largest custom emoji upload; the image is stored scaled to fit `customEmojiPx`. */
  customEmojiMaxBytes: 1024 * 1024,
  customEmojiPx: 128,
  gifTagsMax: 20,
  gifTagMaxLength: 32,
  gifTitleMaxLength: 100,
  gifSearchQueryMaxLength: 100,
  gifSearchLimitMax: 50,
  gifSearchLimitDefault: 24,
  /** A typing indicator shows for this long unless refreshed or cleared. */
  typingTtlMs: 6_000,
} as const;
