/** The command's results go to stdout; problems, prompts and logs to stderr. */
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printProblem(text: string): void {
  process.stderr.write(`${text}\n`);
}
