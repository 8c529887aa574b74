// Pathological: the handler throws -> 200, X-Amz-Function-Error: Unhandled,
// {"errorType":"Error","errorMessage":"boom","trace":[...]}.
export const handler = async () => {
  throw new Error("boom");
};
