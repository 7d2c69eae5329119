import { EventEmitter } from 'node:events';
import { readSecret } from './secret-input';

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
