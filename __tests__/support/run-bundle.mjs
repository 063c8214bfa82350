// Runs the bundled handler in a fresh Node process, as Lambda would: imports the .mjs, invokes it once per
// event in order (one warm container) and writes one outcome per event as JSON.
// Usage: node run-bundle.mjs <index.mjs> <events.json> <outcomes.json>
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [bundlePath, eventsPath, outcomesPath] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundlePath).href);
const context = {
  functionName: "metriccare-glue-trigger-it",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:metriccare-glue-trigger-it",
  memoryLimitInMB: "256",
  awsRequestId: "it-request-1",
  logGroupName: "/aws/lambda/metriccare-glue-trigger-it",
  logStreamName: "it",
  getRemainingTimeInMillis: () => 60_000,
};
const outcomes = [];
for (const event of JSON.parse(readFileSync(eventsPath, "utf8"))) {
  try {
    outcomes.push({ returned: await handler(event, context) });
  } catch (error) {
    outcomes.push({ thrown: { name: error.name, message: error.message } });
  }
}
writeFileSync(outcomesPath, JSON.stringify(outcomes));
