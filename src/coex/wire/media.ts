// The media a device can do or a call uses, as the `media` attribute writes it: a
// space-separated list (PROFILE.md §2, §3.1). Unknown words are ignored when reading, so that
// a later version may add e.g. "text" without breaking this one.

export type Media = "audio" | "video";
const KNOWN: readonly Media[] = ["audio", "video"];

export function parseMediaList(value: string | undefined): Media[] {
  if (value === undefined) return [];
  const words = new Set(value.trim().toLowerCase().split(/\s+/));
  return KNOWN.filter((m) => words.has(m));
}

/** Canonical form: known media only, in a fixed order, no duplicates. */
export function serializeMediaList(media: readonly Media[]): string {
  return KNOWN.filter((m) => media.includes(m)).join(" ");
}
