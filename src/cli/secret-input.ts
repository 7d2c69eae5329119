import { CliUsageError, EXIT } from './exit-codes';

/** The part of process.stdin this needs (a fake in unit specs). */
export interface SecretSource extends NodeJS.EventEmitter {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * Reads a password without echoing it. On a terminal it prompts (on stderr) and reads keystrokes
 * in raw mode; otherwise the first line of stdin is the password (`printf '%s\n' "$PW" | …`), so
 * that it never has to appear in a command line, a process list or a shell history.
 */
export async function readSecret(
  prompt: string,
  input: SecretSource = process.stdin,
  promptOutput: { write(text: string): unknown } = process.stderr,
): Promise<string> {
  const secret =
    input.isTTY && input.setRawMode ? await readKeystrokes(prompt, input, promptOutput) : await readFirstLine(input);
  if (secret === null) {
    throw new CliUsageError('no password given: pass --password, or the password as the first line of stdin');
  }
  return secret;
}

/**
 * Several secrets without echo, one per prompt: on a terminal each is prompted for; otherwise they
 * are the first lines of stdin, in order (`printf '%s\n%s\n' "$OLD" "$NEW" | …`).
 */
export async function readSecrets(
  prompts: readonly string[],
  input: SecretSource = process.stdin,
  promptOutput: { write(text: string): unknown } = process.stderr,
): Promise<string[]> {
  const secrets: Array<string | null> = [];
  if (input.isTTY && input.setRawMode) {
    for (const prompt of prompts) {
      secrets.push(await readKeystrokes(prompt, input, promptOutput));
    }
  } else {
    secrets.push(...(await readLines(input, prompts.length)));
  }
  if (secrets.length < prompts.length || secrets.some((secret) => secret === null || secret === '')) {
    throw new CliUsageError(
      `expected ${prompts.length} lines on stdin: ${prompts.map((p) => p.replace(/:\s*$/, '')).join(', ')}`,
    );
  }
  return secrets as string[];
}

/** The first line of a non-terminal stdin; null when it ends without any text. */
async function readFirstLine(input: SecretSource): Promise<string | null> {
  return (await readLines(input, 1))[0] ?? null;
}

/** The first `count` lines of a non-terminal stdin (fewer when it ends first; a last line without newline counts). */
function readLines(input: SecretSource, count: number): Promise<Array<string | null>> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (value: Array<string | null>) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.removeListener('error', onError);
      // Stop reading: the rest of stdin is not ours, and a paused stdin lets the process exit.
      input.pause();
      resolve(value);
    };
    const onData = (chunk: string) => {
      text += chunk;
      const lines = text.split('\n');
      if (lines.length > count) {
        done(lines.slice(0, count).map((line) => line.replace(/\r$/, '')));
      }
    };
    const onEnd = () =>
      done(
        text === ''
          ? [null]
          : text
              .split('\n')
              .slice(0, count)
              .map((line) => line.replace(/\r$/, '')),
      );
    const onError = (error: Error) => {
      input.pause();
      reject(error);
    };
    input.setEncoding('utf8');
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
    input.resume();
  });
}

const ENTER = ['\r', '\n'];
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = ['\u007f', '\b'];

/** Keystrokes typed at a terminal, not echoed; Enter ends, Backspace erases, Ctrl-C quits. */
function readKeystrokes(
  prompt: string,
  input: SecretSource,
  promptOutput: { write(text: string): unknown },
): Promise<string | null> {
  return new Promise((resolve) => {
    let secret = '';
    const finish = (value: string | null) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      promptOutput.write('\n');
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (ENTER.includes(char)) {
          finish(secret === '' ? null : secret);
          return;
        }
        if (char === CTRL_C) {
          finish(null);
          process.exit(EXIT.sigint);
        }
        if (char === CTRL_D) {
          finish(secret === '' ? null : secret);
          return;
        }
        if (BACKSPACE.includes(char)) {
          secret = [...secret].slice(0, -1).join('');
        } else if (char >= ' ') {
          secret += char;
        }
      }
    };
    promptOutput.write(prompt);
    input.setRawMode?.(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}
