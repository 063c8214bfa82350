import { ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import {
  AccessDeniedException,
  ConcurrentRunsExceededException,
  EntityNotFoundException,
  InternalServiceException,
  InvalidInputException,
  OperationTimeoutException,
  ValidationException,
} from "@aws-sdk/client-glue";
import { classifyError } from "../../../functions/glue_trigger/error-classification";
import { serviceError } from "./fixtures";

const metadata = { $metadata: { httpStatusCode: 400 } };

describe("classifyError", () => {
  it.each([
    ["Glue EntityNotFoundException", new EntityNotFoundException({ ...metadata, message: "Entity Not Found" })],
    ["Glue AccessDeniedException", new AccessDeniedException({ ...metadata, message: "not authorized" })],
    ["Glue InvalidInputException", new InvalidInputException({ ...metadata, message: "bad name" })],
    ["Glue ValidationException", new ValidationException({ ...metadata, message: "bad value" })],
    ["DynamoDB ResourceNotFoundException", new ResourceNotFoundException({ ...metadata, message: "Requested resource not found" })],
    ["an unmodelled AccessDeniedException", serviceError("AccessDeniedException", "not authorized", "client", 400)],
    [
      "CloudWatch AccessDenied (a Query API's name)",
      serviceError("AccessDenied", "not authorized to cloudwatch:PutMetricData", "client", 403),
    ],
    [
      "CloudWatch InvalidParameterValue",
      serviceError("InvalidParameterValue", "The value NaN for parameter Value is invalid", "client", 400),
    ],
  ])("treats %s as permanent", (_, error) => {
    // Act
    const classification = classifyError(error);

    // Assess
    expect(classification).toEqual({
      kind: "permanent",
      reason: "permanent",
      errorName: error.name,
      errorMessage: error.message,
    });
  });

  it.each([
    ["ThrottlingException", serviceError("ThrottlingException", "Rate exceeded", "client", 400), "throttling"],
    ["an HTTP 429", serviceError("TooManyRequests", "Slow down", "client", 429), "throttling"],
    ["ProvisionedThroughputExceededException", serviceError("ProvisionedThroughputExceededException", "x", "client", 400), "throttling"],
    ["a server fault", new InternalServiceException({ $metadata: { httpStatusCode: 500 }, message: "Internal error" }), "server"],
    [
      "an HTTP 503 without $fault",
      Object.assign(new Error("unavailable"), { name: "ServiceUnavailable", $metadata: { httpStatusCode: 503 } }),
      "server",
    ],
    ["a permanent name with a server fault", serviceError("ValidationException", "x", "server", 500), "server"],
    ["a TimeoutError", Object.assign(new Error("Connection timed out after 1000 ms"), { name: "TimeoutError" }), "timeout"],
    ["ETIMEDOUT", Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" }), "timeout"],
    ["ECONNREFUSED", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), "network"],
    ["a Glue OperationTimeoutException", new OperationTimeoutException({ ...metadata, message: "timed out" }), "unclassified"],
    ["ConcurrentRunsExceededException outside a start", new ConcurrentRunsExceededException({ ...metadata, message: "x" }), "unclassified"],
    ["a plain Error", new Error("boom"), "unclassified"],
  ])("treats %s as transient", (_, error, reason) => {
    // Act
    const classification = classifyError(error);

    // Assess
    expect(classification).toEqual({ kind: "transient", reason, errorName: error.name, errorMessage: error.message });
  });

  it("classifies a thrown non-Error as transient without failing", () => {
    // Act
    const classification = classifyError("boom");

    // Assess
    expect(classification).toEqual({
      kind: "transient",
      reason: "unclassified",
      errorName: "string",
      errorMessage: "boom",
    });
  });
});
