// What the engine asks the endpoint to do, and what it reports. The engine never does I/O:
// every method returns a list of these, in the order they must happen.

import type { Binding, CallRecord, Correlation, MessageRecord } from "./conversation.js";
import type { Media } from "./wire/media.js";
import type { SipPayload } from "./wire/message-payload.js";

/** Send a chat message (type='chat', with <thread>, XEP-0201) carrying optional text and payload. */
export interface SendMessageAction {
  readonly type: "xmpp.send";
  readonly conversation: string;
  readonly to: string;
  readonly thread: string;
  readonly body?: string;
  /** Id of the message record when the message carries user text. */
  readonly message?: string;
  readonly payload?: SipPayload;
}

/** Send an INVITE with these profile headers (PROFILE.md §3.1). */
export interface PlaceCallAction {
  readonly type: "sip.invite";
  readonly conversation: string;
  readonly call: string;
  readonly target: string;
  readonly media: readonly Media[];
  readonly callInfo?: string;
  readonly sessionId: string;
}

/** Re-INVITE in the existing dialog to change media (§3.5, RFC 3264). */
export interface UpdateCallAction {
  readonly type: "sip.reinvite";
  readonly conversation: string;
  readonly call: string;
  readonly media: readonly Media[];
}

export type CoexEvent =
  | { readonly type: "conversation.created"; readonly conversation: string }
  | {
      readonly type: "message.received";
      readonly conversation: string;
      readonly message: MessageRecord;
    }
  | {
      readonly type: "message.sent";
      readonly conversation: string;
      readonly message: MessageRecord;
    }
  | {
      readonly type: "message.held";
      readonly conversation: string;
      readonly message: MessageRecord;
      readonly reason: string;
    }
  | {
      readonly type: "message.released";
      readonly conversation: string;
      readonly message: MessageRecord;
    }
  | {
      readonly type: "call.incoming";
      readonly conversation: string;
      readonly call: CallRecord;
      readonly correlation: Correlation;
    }
  | { readonly type: "call.announced"; readonly conversation: string; readonly session: string }
  | {
      readonly type: "call.state";
      readonly conversation: string;
      readonly call: string;
      readonly state: CallRecord["state"];
      readonly reason?: string;
      readonly media: readonly Media[];
    }
  | { readonly type: "binding.changed"; readonly conversation: string; readonly binding: Binding }
  | {
      /** An echoed token did not correlate; the message or call went on uncorrelated. */
      readonly type: "correlation.rejected";
      readonly conversation?: string;
      readonly reason: Correlation["reason"];
      readonly from: string;
    }
  | {
      readonly type: "security.alert";
      readonly kind: "token-replay" | "token-from-unexpected-identity";
      readonly from: string;
      readonly detail: string;
      /** The conversation the token belonged to (not where the intruder ended up). */
      readonly conversation: string;
    }
  | { readonly type: "discovery.refused"; readonly asker: string }
  | {
      readonly type: "discovery.learned";
      readonly sip: string;
      readonly jid: string;
      readonly level: Binding["level"];
    };

export interface NotifyAction {
  readonly type: "event";
  readonly event: CoexEvent;
}

export type Action = SendMessageAction | PlaceCallAction | UpdateCallAction | NotifyAction;

export function notify(event: CoexEvent): NotifyAction {
  return { type: "event", event };
}
