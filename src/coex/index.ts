// Public API of the profile core (PROFILE.md): pure logic, no sockets, no Node-only imports.
// The endpoint feeds it what arrives on SIP and XMPP and carries out the actions it returns.

export type {
  Action,
  CoexEvent,
  NotifyAction,
  PlaceCallAction,
  SendMessageAction,
  UpdateCallAction,
} from "./actions.js";
export type {
  Binding,
  BindingLevel,
  CallRecord,
  Conversation,
  Correlation,
  CorrelationReason,
  MessageRecord,
  PeerIdentities,
} from "./conversation.js";
export {
  askerIdentity,
  type DiscoveryDecision,
  decideDiscovery,
  type OptionsAsker,
} from "./discovery.js";
export {
  type AnswerReceived,
  CoexEngine,
  type CoexEngineOptions,
  type ContactInfo,
  type DiscoveredLink,
  type IncomingInvite,
  type IncomingMessage,
  type IncomingPresence,
  type SelfAddress,
} from "./engine.js";
export { CoexError, type CoexErrorCode } from "./errors.js";
export { bareJid, sameSipIdentity, sipAor, tryParseSipAor } from "./identity.js";
export { ACTIVITY_NS, NS, NS_AUDIO, NS_VIDEO, REACH_NS } from "./namespace.js";
export {
  DEFAULT_EXPIRY,
  DEFAULT_POLICY,
  type DiscoveryRule,
  type ExpiryPolicy,
  type Policy,
  parsePolicy,
} from "./policy.js";
export {
  type CallActivity,
  type ComposedPresence,
  callStateOf,
  composePresence,
  ON_THE_PHONE_STATUS,
  type OwnState,
  type SelfSip,
  type Show,
} from "./presence.js";
export { cryptoRandomBytes, type RandomBytes } from "./random.js";
export { type CoexSnapshot, readSnapshot, SNAPSHOT_VERSION } from "./snapshot.js";
export type { Carrier, IssuedToken } from "./tokens.js";
export {
  type ImppCallInfo,
  type ParsedCallInfo,
  parseCallInfo,
  serializeCallInfo,
} from "./wire/call-info.js";
export { type Media, parseMediaList, serializeMediaList } from "./wire/media.js";
export {
  type ParsedSipPayload,
  parseSipPayloadXml,
  readSipPayload,
  readSipPayloadFromMessage,
  type SipPayload,
  sipPayloadElement,
} from "./wire/message-payload.js";
export {
  activityElement,
  type CallState,
  capabilitiesFromFeatures,
  discoFeatures,
  type PeerCapabilities,
  type PhoneActivity,
  type PresenceSip,
  presenceSipElement,
  reachElement,
  readActivity,
  readPresenceSip,
  readReach,
} from "./wire/presence-payload.js";
export {
  generateSessionUuid,
  isNullSessionUuid,
  NULL_SESSION_UUID,
  normalizeSessionUuid,
  parseSessionId,
  type SessionIdHeader,
  serializeSessionId,
} from "./wire/session-id.js";
export { constantTimeEqual, generateToken, isWellFormedToken, TOKEN_LENGTH } from "./wire/token.js";
export { element, parseXml, serializeXml, type XmlElement, type XmlNode } from "./wire/xml.js";
export { parseXmppUri, serializeXmppUri, type XmppUri } from "./wire/xmpp-uri.js";
