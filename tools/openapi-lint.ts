import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = resolve(__dirname, '..');
const BIN = join(REPO_ROOT, 'node_modules', '.bin');

/** One finding of a linter, in one line: where, which rule, what. */
export interface LintProblem {
  severity: 'error' | 'warning' | 'info' | 'hint';
  rule: string;
  where: string;
  message: string;
}

export interface LintReport {
  tool: string;
  errors: number;
  warnings: number;
  problems: LintProblem[];
}

/**
 * Lints an OpenAPI document with Redocly's recommended rules (redocly.yaml) and Spectral's
 * `spectral:oas` ruleset (.spectral.yaml), both as their own CLIs, and returns what each found.
 * `npm run lint:openapi` runs it on the exported document; test/openapi.e2e-spec.ts on /docs-json.
 */
export async function lintOpenApi(documentFile: string): Promise<LintReport[]> {
  return [await redocly(documentFile), await spectral(documentFile)];
}

async function redocly(documentFile: string): Promise<LintReport> {
  const output = await run(join(BIN, 'redocly'), [
    'lint',
    '--config',
    join(REPO_ROOT, 'redocly.yaml'),
    '--format=json',
    documentFile,
  ]);
  const report = JSON.parse(output) as {
    totals: { errors: number; warnings: number };
    problems: Array<{
      ruleId: string;
      severity: LintProblem['severity'];
      message: string;
      location: Array<{ pointer: string }>;
    }>;
  };
  return {
    tool: 'Redocly (recommended)',
    errors: report.totals.errors,
    warnings: report.totals.warnings,
    problems: report.problems.map((problem) => ({
      severity: problem.severity === ('warn' as string) ? 'warning' : problem.severity,
      rule: problem.ruleId,
      where: problem.location[0]?.pointer ?? '',
      message: problem.message,
    })),
  };
}

const SPECTRAL_SEVERITIES: LintProblem['severity'][] = ['error', 'warning', 'info', 'hint'];

async function spectral(documentFile: string): Promise<LintReport> {
  const output = await run(join(BIN, 'spectral'), [
    'lint',
    '--ruleset',
    join(REPO_ROOT, '.spectral.yaml'),
    '--format',
    'json',
    '--quiet',
    documentFile,
  ]);
  // Spectral prints nothing at all (not even `[]`) for a clean document in some versions.
  const results = (output.trim() === '' ? [] : JSON.parse(output)) as Array<{
    code: string;
    severity: number;
    message: string;
    path: string[];
  }>;
  const problems = results.map((result) => ({
    severity: SPECTRAL_SEVERITIES[result.severity] ?? 'error',
    rule: result.code,
    where: result.path.join('.'),
    message: result.message,
  }));
  return {
    tool: 'Spectral (spectral:oas)',
    errors: problems.filter((problem) => problem.severity === 'error').length,
    warnings: problems.filter((problem) => problem.severity === 'warning').length,
    problems,
  };
}

/** Runs a linter and returns its stdout; both exit non-zero when they find errors, which is not a failure here. */
async function run(command: string, args: string[]): Promise<string> {
  try {
    return (await promisify(execFile)(command, args, { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    if (failed.stdout && failed.stdout.trim() !== '') {
      return failed.stdout;
    }
    throw new Error(`${command} failed: ${failed.stderr ?? failed.message}`);
  }
}

/** `npx ts-node tools/openapi-lint.ts <openapi.json>`: prints each tool's findings; exit 1 on any. */
async function main(documentFile: string): Promise<void> {
  let clean = true;
  for (const report of await lintOpenApi(resolve(documentFile))) {
    process.stdout.write(`${report.tool}: ${report.errors} errors, ${report.warnings} warnings\n`);
    for (const problem of report.problems) {
      process.stdout.write(`  ${problem.severity} ${problem.rule} ${problem.where}: ${problem.message}\n`);
    }
    clean &&= report.problems.length === 0;
  }
  process.exitCode = clean ? 0 : 1;
}

if (require.main === module) {
  const documentFile = process.argv[2];
  if (!documentFile) {
    process.stderr.write('usage: ts-node tools/openapi-lint.ts <openapi.json>\n');
    process.exit(2);
  }
  main(documentFile).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
