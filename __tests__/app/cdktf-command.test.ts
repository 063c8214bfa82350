import { cdktfCommand, commandOfCdktf, runsTerraform, UNKNOWN_COMMAND, type ProcessInfo } from "../../app/cdktf-command";

/** A process table as `readProcess` reads it: pid → parent and arguments. */
const table =
  (processes: Record<number, ProcessInfo>) =>
  (pid: number): ProcessInfo | undefined =>
    processes[pid];

// The chain the cdktf CLI makes (seen with /proc on Linux): the app, the shell cdktf runs it with, cdktf.
const APP = { parentPid: 41, args: ["node", "scripts/run-ts.cjs", "--preload", "cdktf,constructs", "main.ts"] };
const SHELL = { parentPid: 40, args: ["/bin/sh", "-c", "node scripts/run-ts.cjs --preload cdktf,constructs main.ts"] };
const cdktf = (...args: string[]): ProcessInfo => ({ parentPid: 1, args: ["node", "/repo/node_modules/.bin/cdktf", ...args] });

describe("commandOfCdktf", () => {
  it.each([
    [["node", "/repo/node_modules/.bin/cdktf", "deploy", "metriccare", "--auto-approve"], "deploy"],
    [["node", "/repo/node_modules/cdktf-cli/bundle/bin/cdktf.js", "--no-color", "diff"], "diff"],
    [["node", "/usr/local/bin/cdktf", "synth"], "synth"],
    [["node", "/repo/node_modules/.bin/cdktf"], ""],
    [["node", "/repo/node_modules/.bin/jest", "deploy"], undefined],
    [["/bin/sh", "-c", "npx cdktf deploy"], undefined],
  ])("%j → %p", (args, expected) => {
    // Act
    const command = commandOfCdktf(args);

    // Assess
    expect(command).toBe(expected);
  });
});

describe("cdktfCommand", () => {
  it("finds the cdktf command two processes above the app (cdktf runs it through sh -c)", () => {
    // Prepare
    const read = table({ 42: APP, 41: SHELL, 40: cdktf("destroy", "metriccare", "--auto-approve") });

    // Act
    const command = cdktfCommand({ CDKTF_OUTDIR: "cdktf.out" }, read, 41);

    // Assess
    expect(command).toBe("destroy");
  });

  it("is undefined without CDKTF_OUTDIR (npm run synth), and when no cdktf process is above the app", () => {
    // Prepare
    const read = table({ 41: SHELL, 40: { parentPid: 1, args: ["node", "/repo/scripts/etl-local.js"] } });

    // Act
    const plainSynth = cdktfCommand({}, read, 41);
    const otherTool = cdktfCommand({ CDKTF_OUTDIR: "/tmp/out" }, read, 41);

    // Assess
    expect(plainSynth).toBeUndefined();
    expect(otherTool).toBeUndefined();
  });

  it("is UNKNOWN_COMMAND under CDKTF_OUTDIR when a process's arguments cannot be read", () => {
    // Act
    const command = cdktfCommand({ CDKTF_OUTDIR: "cdktf.out" }, () => undefined, 41);

    // Assess
    expect(command).toBe(UNKNOWN_COMMAND);
  });

  it("reads this process's real ancestry without finding cdktf (jest runs it)", () => {
    // Act
    const command = cdktfCommand({ CDKTF_OUTDIR: "cdktf.out" });

    // Assess
    expect(command).toBeUndefined();
  });
});

describe("runsTerraform", () => {
  it.each([
    ["deploy", true],
    ["diff", true],
    ["destroy", true],
    ["output", true],
    [UNKNOWN_COMMAND, true],
    ["synth", false],
    ["list", false],
    [undefined, false],
  ])("%p → %p", (command, expected) => {
    expect(runsTerraform(command)).toBe(expected);
  });
});
