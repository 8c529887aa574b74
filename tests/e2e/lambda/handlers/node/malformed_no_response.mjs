// Pathological: returns the event without its `response` member.
export const handler = async (event) => {
  delete event.response;
  return event;
};
