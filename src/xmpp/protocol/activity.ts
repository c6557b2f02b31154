// XEP-0108 User Activity: <activity><general><specific/>?</general><text/>?</activity>,
// published to the PEP node of the same namespace.
import type { XmlElement } from "../xml.js";
import { xml } from "../xml.js";
import { NS } from "./namespaces.js";

export const ACTIVITY_NODE = NS.activity;

// §3: the general activities; any specific one is accepted as written (liberal reading).
export const GENERAL_ACTIVITIES = [
  "doing_chores",
  "drinking",
  "eating",
  "exercising",
  "grooming",
  "having_appointment",
  "inactive",
  "relaxing",
  "talking",
  "traveling",
  "undefined",
  "working",
] as const;
export type GeneralActivity = (typeof GENERAL_ACTIVITIES)[number];

export interface UserActivity {
  readonly general: GeneralActivity;
  readonly specific?: string;
  readonly text?: string;
}

export function buildActivity(activity: UserActivity | null): XmlElement {
  // §2: an empty <activity/> stops publishing an activity.
  if (!activity) return xml("activity", { xmlns: NS.activity });
  return xml(
    "activity",
    { xmlns: NS.activity },
    xml(activity.general, {}, activity.specific ? xml(activity.specific, {}) : null),
    activity.text !== undefined ? xml("text", {}, activity.text) : null,
  );
}

/** The activity in a payload; null for the empty "no activity" element, undefined if malformed. */
export function parseActivity(el: XmlElement): UserActivity | null | undefined {
  if (!el.is("activity", NS.activity)) return undefined;
  const general = el.getChildElements().find((c) => c.name !== "text");
  const text = el.getChildText("text") ?? undefined;
  if (!general) return null;
  if (!GENERAL_ACTIVITIES.includes(general.name as GeneralActivity)) return undefined;
  const specific = general.getChildElements()[0]?.name;
  return {
    general: general.name as GeneralActivity,
    ...(specific ? { specific } : {}),
    ...(text !== undefined ? { text } : {}),
  };
}
