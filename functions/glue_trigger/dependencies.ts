// Every value this function takes from npm packages, re-exported. The packaging bundles this
// module on its own into dependencies.mjs (once per install, and again only when this file or
// package-lock.json changes), so a change to the function's code re-bundles only its own files.
// The function's code imports packages only through here; a direct value import fails the build
// (packaging/bundle-function.ts). Type-only imports may name the packages directly.
export { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
export { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
export { GetJobRunCommand, GetWorkflowRunsCommand, GlueClient, StartWorkflowRunCommand } from "@aws-sdk/client-glue";
export { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
export { Logger } from "@aws-lambda-powertools/logger";
