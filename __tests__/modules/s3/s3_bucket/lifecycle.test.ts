import { ref, Token } from "cdktf";
import { validateLifecycleTransitions, type StorageTransition } from "../../../../modules/s3/s3_bucket/lifecycle";
import { MetricCareValidationError } from "../../../../modules/shared/errors";

const OWNER = 'SecureBucket "raw" lifecycle rule "tier"';

describe("validateLifecycleTransitions", () => {
  it.each<[string, StorageTransition[], number | undefined]>([
    [
      "Standard-IA at 30 days, Glacier IR 30 days later, expiry after",
      [
        { days: 30, storageClass: "STANDARD_IA" },
        { days: 60, storageClass: "GLACIER_IR" },
      ],
      61,
    ],
    [
      "archive classes from day 0",
      [
        { days: 0, storageClass: "GLACIER" },
        { days: 1, storageClass: "DEEP_ARCHIVE" },
      ],
      undefined,
    ],
    [
      "One Zone-IA then Intelligent-Tiering one day later (not an archive class)",
      [
        { days: 30, storageClass: "ONEZONE_IA" },
        { days: 31, storageClass: "INTELLIGENT_TIERING" },
      ],
      undefined,
    ],
    ["an expiration alone", [], 1],
    ["nothing", [], undefined],
  ])("accepts %s", (_, transitions, expirationDays) => {
    // Act
    const act = () => validateLifecycleTransitions(OWNER, transitions, expirationDays);
    // Assess
    expect(act).not.toThrow();
  });

  it.each<[string, StorageTransition[], number | undefined, string]>([
    [
      "a storage class S3 cannot transition to",
      [{ days: 30, storageClass: "STANDARD" as never }],
      undefined,
      '`transitions[0].storageClass` must be one of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE, got "STANDARD".',
    ],
    [
      "negative days",
      [{ days: -1, storageClass: "GLACIER" }],
      undefined,
      "`transitions[0].days` must be a whole number of days (0 or more), got -1.",
    ],
    [
      "fractional days",
      [{ days: 0.5, storageClass: "GLACIER" }],
      undefined,
      "`transitions[0].days` must be a whole number of days (0 or more), got 0.5.",
    ],
    [
      "Standard-IA before day 30",
      [{ days: 29, storageClass: "STANDARD_IA" }],
      undefined,
      "`transitions[0].days` must be at least 30 for STANDARD_IA (S3 keeps objects 30 days in Standard first), got 29.",
    ],
    [
      "One Zone-IA before day 30",
      [{ days: 10, storageClass: "ONEZONE_IA" }],
      undefined,
      "`transitions[0].days` must be at least 30 for ONEZONE_IA (S3 keeps objects 30 days in Standard first), got 10.",
    ],
    [
      "two transitions on the same day",
      [
        { days: 30, storageClass: "GLACIER_IR" },
        { days: 30, storageClass: "DEEP_ARCHIVE" },
      ],
      undefined,
      "lifecycle days are out of order: `transitions[1].days` (DEEP_ARCHIVE) must be greater than `transitions[0].days` (30, GLACIER_IR), got 30.",
    ],
    [
      "an archive class less than 30 days after an IA class",
      [
        { days: 30, storageClass: "STANDARD_IA" },
        { days: 59, storageClass: "GLACIER" },
      ],
      undefined,
      "`transitions[1].days` must be at least 60 (30 days after `transitions[0].days`, STANDARD_IA at day 30), got 59.",
    ],
    ["an expiration of 0 days", [], 0, "`expirationDays` must be a whole number of days (1 or more), got 0."],
    ["a fractional expiration", [], 1.5, "`expirationDays` must be a whole number of days (1 or more), got 1.5."],
    [
      "an expiration on the day of the last transition",
      [{ days: 30, storageClass: "STANDARD_IA" }],
      30,
      "lifecycle days are out of order: `expirationDays` must be greater than the last transition (STANDARD_IA at day 30), got 30.",
    ],
  ])("rejects %s", (_, transitions, expirationDays, message) => {
    // Act
    const act = () => validateLifecycleTransitions(OWNER, transitions, expirationDays);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(`${OWNER}: ${message}`);
  });

  it("names the settings the days come from", () => {
    // Prepare
    const transitions: StorageTransition[] = [
      { days: 60, storageClass: "STANDARD_IA", setting: "lifecycle.rawToInfrequentAccessDays" },
      { days: 45, storageClass: "GLACIER_IR", setting: "lifecycle.rawToGlacierDays" },
    ];
    // Act
    const act = () => validateLifecycleTransitions("Configuration", transitions);
    // Assess
    expect(act).toThrow(
      "Configuration: lifecycle days are out of order: `lifecycle.rawToGlacierDays` (GLACIER_IR) must be greater than `lifecycle.rawToInfrequentAccessDays` (60, STANDARD_IA), got 45.",
    );
  });

  it("skips unresolved day tokens and checks the order of the known days", () => {
    // Prepare
    const perWorkspace = Token.asNumber(ref("local.glacier_days"));
    // Act
    const skipped = () =>
      validateLifecycleTransitions(
        OWNER,
        [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: perWorkspace, storageClass: "GLACIER_IR" },
        ],
        Token.asNumber(ref("local.expiry")),
      );
    const checked = () =>
      validateLifecycleTransitions(
        OWNER,
        [
          { days: 90, storageClass: "GLACIER" },
          { days: perWorkspace, storageClass: "GLACIER_IR" },
        ],
        60,
      );
    // Assess
    expect(skipped).not.toThrow();
    expect(checked).toThrow(
      `${OWNER}: lifecycle days are out of order: \`expirationDays\` must be greater than the last transition (GLACIER at day 90), got 60.`,
    );
  });

  it("names the transition by its position in the list when an earlier one is a token", () => {
    // Act
    const act = () =>
      validateLifecycleTransitions(OWNER, [
        { days: Token.asNumber(ref("local.days")), storageClass: "GLACIER" },
        { days: 7, storageClass: "STANDARD_IA" },
      ]);
    // Assess
    expect(act).toThrow(
      `${OWNER}: \`transitions[1].days\` must be at least 30 for STANDARD_IA (S3 keeps objects 30 days in Standard first), got 7.`,
    );
  });
});
