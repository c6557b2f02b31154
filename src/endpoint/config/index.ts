// The endpoint's configuration: schema, loader, daemon flag overrides and the commented file
// `duet init` writes.

export { renderCommentedConfig } from "./commented.js";
export { ConfigError, type ConfigIssue, formatIssue } from "./errors.js";
export {
  type AudioSourceSpec,
  type HostPort,
  newInstanceId,
  type Parsed,
  parseAudioSource,
  parseBareJid,
  parseHostPort,
  parseInstanceId,
  parseSipAor,
  parseSipProxy,
  parseToken,
  parseVideoSource,
  parseWebSocketUrl,
  parseXmppService,
  type SipAor,
  type SipProxy,
  type SipTransport,
  type VideoSourceSpec,
  type XmppService,
} from "./fields.js";
export { parseJsonWithComments, stripJsonComments } from "./jsonc.js";
export {
  type EndpointConfig,
  type LoadOptions,
  loadEndpointConfig,
  resolveEndpointConfig,
} from "./loader.js";
export {
  DAEMON_FLAGS_USAGE,
  type DaemonOverrides,
  extractDaemonOverrides,
  type ParsedOverrides,
  parseDaemonOverrides,
} from "./overrides.js";
export {
  AUDIO_CODECS,
  type EndpointConfigInput,
  endpointConfigSchema,
  type ParsedEndpointConfig,
  VIDEO_CODECS,
  XMPP_TLS_MODES,
} from "./schema.js";
export { exposedMode, readSecretFile } from "./secrets.js";
export { type Validation, validateEndpointConfig } from "./validate.js";
