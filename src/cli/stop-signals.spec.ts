import { StopSignals } from './stop-signals';

describe('StopSignals', () => {
  let exit: jest.SpyInstance;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  });

  afterEach(() => exit.mockRestore());

  it('asks for a clean stop once, then exits at once on a second signal', () => {
    const said: string[] = [];
    const stop = jest.fn(() => Promise.resolve());
    const signals = new StopSignals(stop, (line) => said.push(line));
    try {
      process.emit('SIGTERM');
      expect(stop).toHaveBeenCalledTimes(1);
      expect(signals.exitCode).toBe(143);
      expect(said.join('\n')).toContain('stopping after the current batch');
      expect(exit).not.toHaveBeenCalled();

      process.emit('SIGINT');
      expect(stop).toHaveBeenCalledTimes(1);
      expect(exit).toHaveBeenCalledWith(130);
      expect(said.join('\n')).toContain('forced exit');
    } finally {
      signals.dispose();
    }
  });

  it('stops listening when disposed', () => {
    const before = process.listenerCount('SIGINT');
    const signals = new StopSignals(
      () => Promise.resolve(),
      () => undefined,
    );
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    signals.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(signals.exitCode).toBeNull();
  });
});
