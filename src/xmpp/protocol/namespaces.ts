// XML namespaces of the protocols Duet speaks, named after their specification.
export const NS = {
  client: "jabber:client",
  stanzas: "urn:ietf:params:xml:ns:xmpp-stanzas", // RFC 6120 §8.3
  streams: "urn:ietf:params:xml:ns:xmpp-streams", // RFC 6120 §4.9
  roster: "jabber:iq:roster", // RFC 6121 §2
  rosterVersioning: "urn:xmpp:features:rosterver", // RFC 6121 §2.6.1 (stream feature <ver/>)
  discoInfo: "http://jabber.org/protocol/disco#info", // XEP-0030
  discoItems: "http://jabber.org/protocol/disco#items", // XEP-0030
  dataForms: "jabber:x:data", // XEP-0004
  caps: "http://jabber.org/protocol/caps", // XEP-0115
  receipts: "urn:xmpp:receipts", // XEP-0184
  sid: "urn:xmpp:sid:0", // XEP-0359
  delay: "urn:xmpp:delay", // XEP-0203
  forward: "urn:xmpp:forward:0", // XEP-0297
  carbons: "urn:xmpp:carbons:2", // XEP-0280
  hints: "urn:xmpp:hints", // XEP-0334
  pubsub: "http://jabber.org/protocol/pubsub", // XEP-0060
  pubsubEvent: "http://jabber.org/protocol/pubsub#event", // XEP-0060
  activity: "http://jabber.org/protocol/activity", // XEP-0108
  reach: "urn:xmpp:reach:0", // XEP-0152
  vcard: "vcard-temp", // XEP-0054
  mam: "urn:xmpp:mam:2", // XEP-0313
  rsm: "http://jabber.org/protocol/rsm", // XEP-0059
  ping: "urn:xmpp:ping", // XEP-0199
} as const;
