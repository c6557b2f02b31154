// Frequency analysis for the media tests: the Goertzel tone check lives in src/ (the demo uses
// it too); the tests keep importing it from here.
export { goertzelPower, toneShare, toneWindows } from "../../src/media/audio/tone-analysis.js";
