// OpenNext's default configuration, written out: the server function behind a function URL
// (aws-lambda wrapper, API Gateway v2 events), the S3 incremental cache, the DynamoDB tag cache,
// the SQS revalidation queue and the image optimization function.
// https://opennext.js.org/aws/config
const config = {
  default: {},
};
export default config;
