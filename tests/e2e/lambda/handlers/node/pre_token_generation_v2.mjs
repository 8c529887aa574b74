// PreTokenGeneration, event version V2_0: ID token claims, access token claims and scopes, groups.
// AWS's V2_0 example from https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
// (same values; like AWS's it answers through context.done), plus one access-token claim.
export const handler = function (event, context) {
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: {
        claimsToAddOrOverride: {
          family_name: "Doe",
        },
        claimsToSuppress: ["email", "phone_number"],
      },
      accessTokenGeneration: {
        claimsToAddOrOverride: {
          tenant: "acme",
        },
        scopesToAdd: ["openid", "email", "solar-system-data/asteroids.add"],
        scopesToSuppress: ["phone_number", "aws.cognito.signin.user.admin"],
      },
      groupOverrideDetails: {
        groupsToOverride: ["new-group-A", "new-group-B", "new-group-C"],
        iamRolesToOverride: [
          "arn:aws:iam::123456789012:role/new_roleA",
          "arn:aws:iam::123456789012:role/new_roleB",
          "arn:aws:iam::123456789012:role/new_roleC",
        ],
        preferredRole: "arn:aws:iam::123456789012:role/new_role",
      },
    },
  };
  // Return to Amazon Cognito
  context.done(null, event);
};
