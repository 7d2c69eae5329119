import { JobSlots } from './job-slots';

describe('JobSlots', () => {
  it('lets `size` jobs through at once and the next one when a slot is freed, in order', async () => {
    const slots = new JobSlots(2);
    const first = await slots.acquire();
    await slots.acquire();
    expect(slots.free).toBe(false);
    const order: string[] = [];
    const third = slots.acquire().then((release) => (order.push('third'), release));
    const fourth = slots.acquire().then((release) => (order.push('fourth'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(slots.queued).toBe(2);

    first();
    first(); // twice is once
    const releaseThird = await third;
    expect(order).toEqual(['third']);
    expect(slots.queued).toBe(1);
    releaseThird();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
  });

  it('lets every waiter through when closed', async () => {
    const slots = new JobSlots(1);
    await slots.acquire();
    const waiters = [slots.acquire(), slots.acquire()];
    slots.close();
    await expect(Promise.all(waiters)).resolves.toHaveLength(2);
    expect(slots.free).toBe(true);
  });
});
