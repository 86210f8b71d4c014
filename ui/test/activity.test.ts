import { describe, expect, test, vi } from "vitest";
import { TOUCH_INTERVAL_MS, watchActivity } from "../src/activity";

describe("watchActivity", () => {
  test("pings at most once per interval, whatever the kind of activity", () => {
    let now = 1_000;
    const target = new EventTarget();
    const ping = vi.fn();
    const stop = watchActivity(target, ping, { now: () => now });

    target.dispatchEvent(new Event("keydown"));
    expect(ping).not.toHaveBeenCalled(); // unlocking just now already counted

    now += TOUCH_INTERVAL_MS;
    target.dispatchEvent(new Event("pointermove"));
    target.dispatchEvent(new Event("wheel"));
    target.dispatchEvent(new Event("keydown"));
    expect(ping).toHaveBeenCalledTimes(1);

    now += TOUCH_INTERVAL_MS - 1;
    target.dispatchEvent(new Event("pointerdown"));
    expect(ping).toHaveBeenCalledTimes(1);

    now += 1;
    target.dispatchEvent(new Event("pointerdown"));
    expect(ping).toHaveBeenCalledTimes(2);

    stop();
    now += TOUCH_INTERVAL_MS * 10;
    target.dispatchEvent(new Event("keydown"));
    expect(ping).toHaveBeenCalledTimes(2);
  });

  test("ignores events that are not activity", () => {
    let now = 0;
    const target = new EventTarget();
    const ping = vi.fn();
    watchActivity(target, ping, { now: () => now });
    now += TOUCH_INTERVAL_MS * 2;
    target.dispatchEvent(new Event("focus"));
    target.dispatchEvent(new Event("resize"));
    expect(ping).not.toHaveBeenCalled();
  });
});
