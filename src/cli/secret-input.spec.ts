import { EventEmitter } from 'node:events';
import { readSecret, readSecrets } from './secret-input';

class FakeInput extends EventEmitter {
  rawMode: boolean[] = [];
  paused = false;
  constructor(readonly isTTY: boolean) {
    super();
  }
  setRawMode(mode: boolean): void {
    this.rawMode.push(mode);
  }
  setEncoding(): void {}
  resume(): void {
    this.paused = false;
  }
  pause(): void {
    this.paused = true;
  }
}

describe('readSecret', () => {
  const prompt = () => {
    const written: string[] = [];
    return { written, output: { write: (text: string) => written.push(text) } };
  };

  it('takes the first line of a piped stdin, then stops reading', async () => {
    const input = new FakeInput(false);
    const reading = readSecret('Password: ', input, prompt().output);
    input.emit('data', 'pass');
    input.emit('data', 'word-1\r\nsecond line\n');
    await expect(reading).resolves.toBe('password-1');
    expect(input.paused).toBe(true);
  });

  it('takes all of a piped stdin without a newline', async () => {
    const input = new FakeInput(false);
    const reading = readSecret('Password: ', input, prompt().output);
    input.emit('data', 'no-newline-secret');
    input.emit('end');
    await expect(reading).resolves.toBe('no-newline-secret');
  });

  it('refuses an empty stdin with a message', async () => {
    const input = new FakeInput(false);
    const reading = readSecret('Password: ', input, prompt().output);
    input.emit('end');
    await expect(reading).rejects.toThrow('no password given');
  });

  it('on a terminal, prompts, reads keystrokes in raw mode without echoing them, and honours backspace', async () => {
    const input = new FakeInput(true);
    const { written, output } = prompt();
    const reading = readSecret('Password: ', input, output);
    input.emit('data', 'secreX');
    input.emit('data', '\u007ft-1\r');
    await expect(reading).resolves.toBe('secret-1');
    expect(written.join('')).toBe('Password: \n');
    expect(input.rawMode).toEqual([true, false]);
  });
});

describe('readSecrets', () => {
  const output = { write: () => undefined };

  it('takes one line of a piped stdin per secret, in order', async () => {
    const input = new FakeInput(false);
    const reading = readSecrets(['Old key: ', 'New key: '], input, output);
    input.emit('data', 'old-key\nnew-');
    input.emit('data', 'key\r\nrest\n');
    await expect(reading).resolves.toEqual(['old-key', 'new-key']);
    expect(input.paused).toBe(true);
  });

  it('refuses a stdin with fewer lines than secrets, naming what was expected', async () => {
    const input = new FakeInput(false);
    const reading = readSecrets(['Old key: ', 'New key: '], input, output);
    input.emit('data', 'only-one\n');
    input.emit('end');
    await expect(reading).rejects.toThrow('expected 2 lines on stdin: Old key, New key');
  });

  it('prompts for each secret on a terminal', async () => {
    const input = new FakeInput(true);
    const reading = readSecrets(['Old key: ', 'New key: '], input, output);
    input.emit('data', 'first\r');
    await new Promise((resolve) => setImmediate(resolve));
    input.emit('data', 'second\r');
    await expect(reading).resolves.toEqual(['first', 'second']);
  });
});
