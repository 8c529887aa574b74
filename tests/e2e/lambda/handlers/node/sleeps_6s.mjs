// Pathological: takes 6 seconds, longer than the 5 seconds Amazon Cognito waits for a trigger
// (SLEEP_SECONDS overrides the duration).
import { setTimeout as sleep } from "node:timers/promises";

export const handler = async (event) => {
  await sleep(Number(process.env.SLEEP_SECONDS ?? 6) * 1000);
  return event;
};
