import { RunWindow } from './run-window';

const at = (time: string) => new Date(`2026-12-07T${time}:00Z`);

describe('RunWindow', () => {
  it('contains its start and not its end', () => {
    const window = RunWindow.parse('01:00-05:00') as RunWindow;
    expect([at('00:59'), at('01:00'), at('04:59'), at('05:00')].map((t) => window.contains(t))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it('may cross midnight', () => {
    const window = RunWindow.parse('22:30-04:00') as RunWindow;
    expect(
      [at('22:29'), at('22:30'), at('23:59'), at('00:00'), at('03:59'), at('04:00'), at('12:00')].map((t) =>
        window.contains(t),
      ),
    ).toEqual([false, true, true, true, true, false, false]);
  });

  it('says what is wrong with a malformed or empty window', () => {
    expect(RunWindow.parse('1:00-5:00')).toMatch(/is not a window like 01:00-05:00/);
    expect(RunWindow.parse('24:00-01:00')).toMatch(/is not a window/);
    expect(RunWindow.parse('03:00-03:00')).toMatch(/is an empty window/);
  });
});
