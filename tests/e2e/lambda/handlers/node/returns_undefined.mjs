// Pathological: returns nothing (the Invoke answer's body is `null`).
export const handler = async () => {};
