import { CloudWatchClient, DynamoDBClient, GlueClient, SNSClient } from "./dependencies";

// One client per service and container, built on first use with the default configuration, so the
// SDK reads the region, credentials and AWS_ENDPOINT_URL_<SERVICE> from the environment.
let glue: GlueClient | undefined;
let sns: SNSClient | undefined;
let dynamodb: DynamoDBClient | undefined;
let cloudwatch: CloudWatchClient | undefined;

export function glueClient(): GlueClient {
  glue ??= new GlueClient({});
  return glue;
}

export function snsClient(): SNSClient {
  sns ??= new SNSClient({});
  return sns;
}

export function dynamoDbClient(): DynamoDBClient {
  dynamodb ??= new DynamoDBClient({});
  return dynamodb;
}

export function cloudWatchClient(): CloudWatchClient {
  cloudwatch ??= new CloudWatchClient({});
  return cloudwatch;
}
