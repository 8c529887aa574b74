// Pathological: returns a JSON string instead of the event.
export const handler = async () => "this is not an event";
