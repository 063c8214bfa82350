import { decodeS3Key } from "../../../functions/glue_trigger/s3-records";
import { InvalidEventError } from "../../../functions/glue_trigger/errors";
import { detectTrigger } from "../../../functions/glue_trigger/trigger-source";
import { BUCKET, glueJobEvent, OBJECT, OBJECT_NOTICE, RULE_ARN, s3Event, s3Record, scheduleEvent } from "./fixtures";

describe("detectTrigger", () => {
  it("recognises an S3 ObjectCreated notification and describes its object", () => {
    // Act
    const trigger = detectTrigger(s3Event());

    // Assess
    expect(trigger).toEqual({
      source: "s3",
      objects: [OBJECT_NOTICE],
      ignored: [],
    });
  });

  it.each([
    ["the versionId", {}, `#${OBJECT.versionId}`],
    ["the eTag when the bucket is not versioned", { versionId: undefined }, `#${OBJECT.eTag}`],
    ["the sequencer when there is no eTag either", { versionId: undefined, eTag: undefined }, `#${OBJECT.sequencer}`],
  ])("identifies the object version by %s", (_, options, suffix) => {
    // Act
    const trigger = detectTrigger(s3Event(s3Record(options)));

    // Assess
    expect(trigger.source === "s3" && trigger.objects.map((object) => object.fileKey)).toEqual([`s3://${BUCKET}/${OBJECT.key}${suffix}`]);
  });

  it("lists one object once when a notification repeats a record", () => {
    // Act
    const trigger = detectTrigger(s3Event(s3Record(), s3Record()));

    // Assess
    expect(trigger.source === "s3" && trigger.objects.length).toBe(1);
  });

  it("ignores, with a reason, records that are not ObjectCreated or are malformed, and never throws a TypeError", () => {
    // Prepare
    const event = s3Event(
      s3Record({ eventName: "ObjectRemoved:Delete" }),
      { eventSource: "aws:s3", eventName: "ObjectCreated:Put" },
      "not a record",
      { ...s3Record(), eventSource: "aws:sqs" },
      s3Record({ key: "bad%E0%A4%A.json" }),
      s3Record({ versionId: undefined, eTag: undefined, sequencer: undefined }),
      s3Record({ key: "fhir/ok.json" }),
    );

    // Act
    const trigger = detectTrigger(event);

    // Assess
    expect(trigger).toEqual({
      source: "s3",
      objects: [expect.objectContaining({ objectKey: "fhir/ok.json" })],
      ignored: [
        { index: 0, reason: 'Record 0 is "ObjectRemoved:Delete", not an ObjectCreated event.' },
        { index: 1, reason: "Record 1 has no s3.bucket.name or s3.object.key." },
        { index: 2, reason: "Record 2 is not an object." },
        { index: 3, reason: 'Record 3 has eventSource "aws:sqs", not "aws:s3".' },
        { index: 4, reason: 'Record 4 has an object key that is not valid URL encoding: "bad%E0%A4%A.json".' },
        { index: 5, reason: "Record 5 has no versionId, eTag or sequencer to identify the object version." },
      ],
    });
  });

  it("throws an InvalidEventError when Records is not an array", () => {
    // Act
    const detect = () => detectTrigger({ Records: "nope" });

    // Assess
    expect(detect).toThrow(new InvalidEventError("s3", "S3 notification has a Records field that is not an array."));
  });

  it("recognises an EventBridge Scheduled Event and the rule that fired", () => {
    // Act
    const trigger = detectTrigger(scheduleEvent());

    // Assess
    expect(trigger).toEqual({ source: "schedule", ruleArns: [RULE_ARN] });
  });

  it("recognises a Glue Job State Change from aws.glue", () => {
    // Act
    const trigger = detectTrigger(glueJobEvent("metriccare_gold_dev", "SUCCEEDED", "2026-11-22T10:14:00Z"));

    // Assess
    expect(trigger).toEqual({
      source: "glue_run_end",
      jobName: "metriccare_gold_dev",
      state: "SUCCEEDED",
      jobRunId: "jr_0123",
      time: new Date("2026-11-22T10:14:00Z"),
    });
  });

  it.each([
    ["has no detail", { ...glueJobEvent("j", "FAILED"), detail: undefined }, 'Glue Job State Change event has no "detail" object.'],
    [
      "has a detail that is not an object",
      { ...glueJobEvent("j", "FAILED"), detail: "x" },
      'Glue Job State Change event has no "detail" object.',
    ],
    [
      "has no job name",
      { ...glueJobEvent("j", "FAILED"), detail: { state: "FAILED" } },
      "Glue Job State Change event has no detail.jobName or detail.state.",
    ],
    ["has no valid time", { ...glueJobEvent("j", "FAILED"), time: "yesterday" }, 'Glue Job State Change event has no valid "time".'],
  ])("throws an InvalidEventError for a Glue event that %s", (_, event, message) => {
    // Act
    const detect = () => detectTrigger(event);

    // Assess
    expect(detect).toThrow(InvalidEventError);
    expect(detect).toThrow(message);
  });

  it.each([
    ["{} from the console", {}],
    ["null", null],
    ["a string", "run"],
    ["another EventBridge event", { source: "aws.glue", "detail-type": "Glue Crawler State Change", detail: {} }],
  ])("treats %s as a manual invocation", (_, event) => {
    // Act
    const trigger = detectTrigger(event);

    // Assess
    expect(trigger).toEqual({ source: "manual", force: false });
  });

  it("recognises the freshness check's rule input, the event EventBridge sends in place of its own", () => {
    // Act
    const trigger = detectTrigger({ check: "freshness" });

    // Assess
    expect(trigger).toEqual({ source: "freshness_check" });
  });

  it.each([["stale"], [true], [null]])("throws an InvalidEventError naming a check that is not freshness: %p", (check) => {
    // Act
    const detect = () => detectTrigger({ check });

    // Assess
    expect(detect).toThrow(
      new InvalidEventError("freshness_check", `Invocation has "check": ${JSON.stringify(check)}; the only check is "freshness".`),
    );
  });
});

describe("decodeS3Key", () => {
  it("decodes + as a space and percent escapes as UTF-8", () => {
    // Assess
    expect(decodeS3Key("fhir/Patient+batch%201%2B%C3%A9.json")).toBe("fhir/Patient batch 1+é.json");
  });
});
