// PreTokenGeneration, event version V1_0: add claims, override one, suppress one, override the groups.
// AWS's examples "Add a new claim and suppress an existing claim" and "Modify the user's group membership"
// (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html),
// same claim names and values, plus an override of an existing attribute claim (family_name).
// clientMetadata.groups === "keep" copies request.groupConfiguration back (leaves the groups as they are).
exports.handler = (event, context, callback) => {
  const keepGroups = (event.request.clientMetadata || {}).groups === "keep";
  event.response = {
    claimsOverrideDetails: {
      claimsToAddOrOverride: {
        attribute_key2: "attribute_value2",
        attribute_key: "attribute_value",
        family_name: "Overridden",
      },
      claimsToSuppress: ["email"],
      groupOverrideDetails: keepGroups
        ? event.request.groupConfiguration
        : {
            groupsToOverride: ["group-A", "group-B", "group-C"],
            iamRolesToOverride: [
              "arn:aws:iam::123456789012:role/sns_callerA",
              "arn:aws:iam::123456789012:role/sns_callerB",
              "arn:aws:iam::123456789012:role/sns_callerC",
            ],
            preferredRole: "arn:aws:iam::123456789012:role/sns_caller",
          },
    },
  };

  // Return to Amazon Cognito
  callback(null, event);
};
