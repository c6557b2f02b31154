// XEP-0108 User Activity over PEP: publish ours, hear our contacts'.
import { TypedEmitter } from "./emitter.js";
import type { XmppLogger } from "./log.js";
import type { Pep } from "./pep.js";
import {
  ACTIVITY_NODE,
  buildActivity,
  parseActivity,
  type UserActivity,
} from "./protocol/activity.js";

export interface ActivityEvent {
  readonly from: string;
  /** null: the contact stopped publishing an activity. */
  readonly activity: UserActivity | null;
}

export class UserActivities {
  readonly events: TypedEmitter<{ activity: [event: ActivityEvent] }>;

  constructor(
    private readonly pep: Pep,
    log: XmppLogger,
  ) {
    this.events = new TypedEmitter((err) => log.warn(`an activity listener threw: ${String(err)}`));
    pep.subscribe(ACTIVITY_NODE);
    pep.events.on("notification", (n) => {
      if (n.node !== ACTIVITY_NODE) return;
      for (const item of n.items) {
        if (!item.payload) continue;
        const activity = parseActivity(item.payload);
        if (activity === undefined) {
          log.warn(`ignored a malformed User Activity from ${n.from}`);
          continue;
        }
        this.events.emit("activity", { from: n.from, activity });
      }
    });
  }

  /** Publishes our activity; null stops it (XEP-0108 §2). */
  async publish(activity: UserActivity | null): Promise<void> {
    await this.pep.publish(ACTIVITY_NODE, buildActivity(activity));
  }
}
