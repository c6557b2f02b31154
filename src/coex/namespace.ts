// The profile's XML namespace and the feature names derived from it. This is the only place
// where the string is written down (PROFILE.md §0): `urn:xmpp:` names belong to the XSF, so the
// project uses an experimental `urn:x-` name of its own.

export const NS = "urn:x-duet:coex:0";
/** Disco#info feature (XEP-0030): the device can place and take audio calls over SIP. */
export const NS_AUDIO = `${NS}#audio`;
/** Disco#info feature (XEP-0030): the device can place and take video calls over SIP. */
export const NS_VIDEO = `${NS}#video`;

/** XEP-0152 Reachability Addresses. */
export const REACH_NS = "urn:xmpp:reach:0";
/** XEP-0108 User Activity. */
export const ACTIVITY_NS = "http://jabber.org/protocol/activity";
