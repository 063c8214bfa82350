import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JOURNEYS_DIRECTORY, type RecordedCall, type Recording } from "./recorded-calls";

/** The moto server's record (`startMotoServer({ recordFile })`), read in slices: the calls since the last {@link take}. */
export class CallLog {
  private taken = 0;

  public constructor(private readonly file: string) {}

  /** The calls recorded since the previous take. */
  public take(): RecordedCall[] {
    const lines = readFileSync(this.file, "utf8")
      .split("\n")
      .filter((line) => line !== "");
    const calls = lines.slice(this.taken).map((line) => JSON.parse(line) as RecordedCall);
    this.taken = lines.length;
    return calls;
  }
}

/** Writes a recording to `.build/journeys/<journey>.json`, where the journeys test reads it. */
export function saveRecording(recording: Recording): void {
  mkdirSync(JOURNEYS_DIRECTORY, { recursive: true });
  writeFileSync(join(JOURNEYS_DIRECTORY, `${recording.journey}.json`), JSON.stringify(recording));
}
